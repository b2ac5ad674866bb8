"""Översikt: pure builders for the KPI cards, the map layer, the trend and the map's table.

Each takes frames from ``dashboard.data`` and returns words, figure dicts or ``Table``s, so unit
tests cover them without a browser; the page module only wires them to callbacks.
"""

from __future__ import annotations

import polars as pl

from dashboard import fmt, state
from dashboard.components.kpi import Kpi
from dashboard.components.map import MapValues, bool_class, share_z
from dashboard.components.table import Table
from dashboard.i18n import (
    INDICATORS,
    LAW_FIRST_YEAR,
    LEGAL_INDICATOR,
    LEVEL_TO_MART,
    Lang,
    status_label,
    t,
)

# Okabe-Ito, with wine instead of yellow (too little contrast on white); each line also has its
# own marker and dash so colour is never the only cue.
TREND_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#882255",
    "#000000",
    "#999933",
    "#44aa99",
)
TREND_SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "x",
    "cross",
    "star",
    "hexagon",
    "triangle-down",
    "pentagon",
)
TREND_DASHES = (
    "solid",
    "dot",
    "dash",
    "longdash",
    "dashdot",
    "solid",
    "dot",
    "dash",
    "longdashdot",
    "dashdot",
)


def share_columns(indicator: str) -> tuple[str, str, str]:
    """The mart_region_year columns (share, count, denominator) behind an indicator."""
    if indicator == "has_report":
        return "share_reported", "reported", "municipalities"
    if indicator not in INDICATORS:
        raise KeyError(indicator)
    return f"share_{indicator}", f"count_{indicator}", f"denominator_{indicator}"


def nation(regions: pl.DataFrame) -> dict | None:
    """The nation's row of a ``region_year`` frame."""
    rows = regions.filter(pl.col("level") == "nation")
    return rows.row(0, named=True) if rows.height else None


def law_note(indicator: str, year: int, lang: Lang) -> str | None:
    """The note that views of the legal requirements before 2023 carry."""
    if indicator == LEGAL_INDICATOR and year < LAW_FIRST_YEAR:
        return t("law_note", lang, year=year)
    return None


def share_text(
    share: float | None, count: int | None, denominator: int | None, lang: Lang, indicator: str
) -> str:
    """ "64 % (16 av 25 rapporterande)": a share never goes without its denominator, which is
    every municipality for "report received" and the reporting ones for the rest."""
    if share is None or not denominator:
        return t("no_reports", lang)
    of = "of_municipalities" if indicator == "has_report" else "of_reporting"
    return f"{fmt.percent(share, lang)} ({count} {t(of, lang, n=denominator)})"


def kpis(now: dict | None, before: dict | None, year: int, lang: Lang) -> list[Kpi]:
    """The eight KPI cards for ``year`` from the nation's rows of this and the previous year."""
    cards = []
    for key, ind in INDICATORS.items():
        share_col, count_col, denom_col = share_columns(key)
        share = now.get(share_col) if now else None
        count = now.get(count_col) if now else None
        denom = now.get(denom_col) if now else None
        prev = before.get(share_col) if before else None
        if key == "has_report":
            value = t("reports_received", lang, n=count or 0, total=denom or 0)
            detail = fmt.percent(share, lang) + " " + t("of_municipalities", lang, n=denom or 0)
            prev_count = before.get(count_col) if before else None
            if prev_count is None or count is None:
                change = t("no_change_base", lang, year=year - 1)
            else:
                delta = count - prev_count
                sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
                change = t("change_count", lang, sign=sign, value=abs(delta), year=year - 1)
        else:
            value = fmt.percent(share, lang) if share is not None else fmt.MISSING
            detail = t("of_reporting", lang, n=denom or 0)
            if share is None or prev is None:
                change = t("no_change_base", lang, year=year - 1)
            else:
                # The change between the whole percentages shown, so that the cards add up.
                points = fmt.whole_percent(share) - fmt.whole_percent(prev)
                sign, magnitude = fmt.signed_points(points, lang)
                words = "change_pp_one" if abs(points) == 1 else "change_pp"
                change = t(words, lang, sign=sign, value=magnitude, year=year - 1)
        cards.append(
            Kpi(
                key=key,
                label=ind.label(lang),
                value=value,
                detail=detail,
                change=change,
                note=law_note(key, year, lang),
            )
        )
    return cards


def _region_rows(regions: pl.DataFrame, level: str, indicator: str, lang: Lang) -> pl.DataFrame:
    share_col, count_col, denom_col = share_columns(indicator)
    rows = regions.filter(pl.col("level") == LEVEL_TO_MART[level]).sort("region_code")
    texts = [
        share_text(s, c, d, lang, indicator)
        for s, c, d in zip(rows[share_col], rows[count_col], rows[denom_col], strict=True)
    ]
    return rows.select(
        "region_code",
        "region_name",
        share=pl.col(share_col),
        count=pl.col(count_col),
        denominator=pl.col(denom_col),
        municipalities=pl.col("municipalities"),
    ).with_columns(text=pl.Series(texts, dtype=pl.String))


def map_values(
    level: str,
    indicator: str,
    muni: pl.DataFrame,
    regions: pl.DataFrame,
    lang: Lang,
    points: bool,
) -> MapValues:
    """The map layer for a level and indicator; ``points`` for the fallback without boundaries.

    Locations are always in code order, so a recolour keeps the shapes and changes only values.
    """
    muni = muni.sort("municipality_code")
    if level == "kommun":
        values = muni[indicator].to_list()
        return MapValues(
            kind="bool",
            locations=muni["municipality_code"].to_list(),
            z=[bool_class(v) for v in values],
            text=[status_label(v, lang) for v in values],
            names=muni["municipality_name"].to_list(),
            targets=[f"kommun:{c}" for c in muni["municipality_code"]],
            lat=muni["lat"].to_list(),
            lon=muni["lon"].to_list(),
            population=muni["population"].to_list(),
        )
    region = _region_rows(regions, level, indicator, lang)
    key = "county_code" if level == "lan" else "police_region"
    if points:
        shapes = muni.select(
            "municipality_code", "lat", "lon", "population", region_code=pl.col(key)
        ).join(region, on="region_code", how="left")
        locations = shapes["municipality_code"].to_list()
    elif level == "lan":
        shapes = region
        locations = shapes["region_code"].to_list()
    else:
        # Police regions are drawn as their counties, each coloured by its region's value.
        counties = muni.select("county_code", region_code=pl.col("police_region")).unique()
        shapes = counties.join(region, on="region_code", how="left").sort("county_code")
        locations = shapes["county_code"].to_list()
    return MapValues(
        kind="share",
        locations=locations,
        z=[share_z(s) for s in shapes["share"].to_list()],
        text=[x or t("no_reports", lang) for x in shapes["text"].to_list()],
        names=shapes["region_name"].to_list(),
        targets=[f"{level}:{c}" for c in shapes["region_code"]],
        lat=shapes["lat"].to_list() if points else None,
        lon=shapes["lon"].to_list() if points else None,
        population=shapes["population"].to_list() if points else None,
    )


SHOW_VALUES = {"ja": True, "nej": False}


def overview_table(
    level: str,
    indicator: str,
    show: str,
    muni: pl.DataFrame,
    regions: pl.DataFrame,
    year: int,
    lang: Lang,
) -> Table:
    """The table behind the map: what is coloured, in words, one row per shape."""
    label = INDICATORS[indicator].label(lang)
    caption = t("table_heading", lang, label=label, year=year)
    if level == "kommun":
        rows = muni.sort(fmt.swedish_order("municipality_name"))
        if show == "ej":
            rows = rows.filter(pl.col(indicator).is_null())
        elif show in SHOW_VALUES:
            rows = rows.filter(pl.col(indicator) == SHOW_VALUES[show])
        name_col = t("municipality", lang)
        frame = pl.DataFrame(
            {
                name_col: rows["municipality_name"],
                t("municipality_code", lang): rows["municipality_code"],
                t("county", lang): rows["county_name"],
                label: [status_label(v, lang) for v in rows[indicator].to_list()],
            }
        )
        links = {
            name_col: [f"/kommun?kod={c}&year={year}" for c in rows["municipality_code"]],
        }
        return Table("map", caption, frame, kinds={label: "status"}, links=links)
    region = _region_rows(regions, level, indicator, lang).sort(fmt.swedish_order("region_name"))
    name_col = t("county" if level == "lan" else "police_region", lang)
    frame = pl.DataFrame(
        {
            name_col: region["region_name"],
            f"{t('share', lang)} (%)": region["share"] * 100,
            t("count", lang): region["count"],
            t("denominator", lang): region["denominator"],
        }
    )
    links = {name_col: [f"/region?niva={level}&kod={c}&year={year}" for c in region["region_code"]]}
    kinds = {c: "int" for c in frame.columns[2:]}
    kinds[frame.columns[1]] = "percent"
    return Table("map", caption, frame, kinds=kinds, links=links)  # type: ignore[arg-type]


def trend_figure(trend: pl.DataFrame, lang: Lang, highlight: str | None = None) -> dict:
    """Share of municipalities per indicator and year for the nation, as a plain figure dict."""
    traces = []
    for i, (key, ind) in enumerate(INDICATORS.items()):
        share_col, count_col, denom_col = share_columns(key)
        y = [None if s is None else s * 100 for s in trend[share_col].to_list()]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": ind.short(lang),
                "x": trend["year"].to_list(),
                "y": y,
                "customdata": list(zip(trend[count_col], trend[denom_col], strict=True)),
                "hovertemplate": (
                    f"{ind.label(lang)}<br>%{{x}}: %{{y:.0f}}{fmt.PERCENT_SUFFIX[lang]}"
                    f" (%{{customdata[0]}} / %{{customdata[1]}})<extra></extra>"
                ),
                "line": {
                    "color": TREND_COLOURS[i],
                    "dash": TREND_DASHES[i],
                    "width": 4 if key == highlight else 2,
                },
                "marker": {"symbol": TREND_SYMBOLS[i], "size": 8, "color": TREND_COLOURS[i]},
            }
        )
    return {
        "data": traces,
        "layout": {
            "height": 420,
            "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "xaxis": {"dtick": 1, "title": {"text": t("year", lang)}},
            "yaxis": {
                "range": [0, 100],
                "ticksuffix": fmt.PERCENT_SUFFIX[lang],
                "title": {"text": t("share", lang)},
            },
            "legend": {"orientation": "h", "y": -0.2},
            "font": {"family": "system-ui, sans-serif", "size": 13},
            "plot_bgcolor": "#ffffff",
        },
    }


def trend_table(trend: pl.DataFrame, lang: Lang) -> Table:
    """The trend's numbers in long form: one row per year and indicator."""
    rows = []
    for year_row in trend.sort("year", descending=True).iter_rows(named=True):
        for key, ind in INDICATORS.items():
            share_col, count_col, denom_col = share_columns(key)
            share = year_row[share_col]
            rows.append(
                (
                    year_row["year"],
                    ind.label(lang),
                    None if share is None else share * 100,
                    year_row[count_col],
                    year_row[denom_col],
                )
            )
    cols = [
        t("year", lang),
        t("indicator", lang),
        f"{t('share', lang)} (%)",
        t("count", lang),
        t("denominator", lang),
    ]
    frame = pl.DataFrame(rows, schema=cols, orient="row")
    kinds = {cols[2]: "percent", cols[3]: "int", cols[4]: "int"}
    return Table("trend", t("trend_heading", lang), frame, kinds=kinds)  # type: ignore[arg-type]


def profile_href(click: dict | None, year: int) -> str | None:
    """The profile a click on the map opens (customdata carries ``kommun:0114``, ``lan:01``...)."""
    try:
        target = click["points"][0]["customdata"][1]  # type: ignore[index]
    except (TypeError, KeyError, IndexError):
        return None
    kind, _, code = str(target).partition(":")
    if kind == "kommun" and code:
        return state.municipality_href(code, year)
    if kind in state.REGION_LEVELS and code:
        return state.region_href(kind, code, year)
    return None
