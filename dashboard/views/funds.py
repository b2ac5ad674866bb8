"""Medel: pure builders for the fund-use page (tables, figures, map layer, grant provenance).

Everything here takes frames from ``dashboard.data`` and returns ``Table``s (what is shown is what
is downloaded) or plotly figure dicts. Definitions follow shared/INDICATORS.md, "Fund use": money
is summed over the funding years of the range, per inhabitant uses the reference population, a
county's county-level grants are their own part of its total and never a municipality's.
"""

from __future__ import annotations

import polars as pl

from dashboard import fmt
from dashboard.components.map import MapValues, amount_z
from dashboard.components.table import Table
from dashboard.i18n import FUND_FLAGS, Lang, enum_label, status_label, t

# URL level -> the level of ``data.fund_allocation``.
LEVEL_TO_FUND = {"kommun": "municipality", "lan": "county", "polisregion": "police_region"}
MEASURES = ("granted", "paid", "spent")
MONEY = ("applied", "granted", "paid", "spent")
FLAGS = tuple(FUND_FLAGS)
# How many regions the gap chart shows at each end when there are too many for one chart.
GAP_ENDS = 15
BLUE, ORANGE = "#0072b2", "#d55e00"  # Okabe–Ito: safe for colour-blind readers


def period(year_from: int, year_to: int) -> str:
    return str(year_from) if year_from == year_to else f"{year_from}–{year_to}"


def money_label(key: str, lang: Lang) -> str:
    return t(f"fund_{key}", lang)


def per_inhabitant_label(key: str, lang: Lang) -> str:
    return t("fund_per_inhabitant", lang, label=money_label(key, lang))


def region_word(level: str, lang: Lang) -> str:
    return t(
        {"kommun": "municipality", "lan": "county", "polisregion": "police_region"}[level], lang
    )


def region_href(level: str, code: str, year: int) -> str:
    if level == "kommun":
        return f"/kommun?kod={code}&year={year}"
    return f"/region?niva={level}&kod={code}&year={year}"


# -- allocation per region ------------------------------------------------------------------------


def allocation_table(
    alloc: pl.DataFrame, nation: dict, level: str, year_from: int, year_to: int, lang: Lang
) -> Table:
    """The nation's total, county-level grants at municipality level (they belong to no
    municipality), then one row per region (Swedish order): the column sums can be checked."""
    rows = alloc.sort(fmt.swedish_order("region_name"))
    name_col = region_word(level, lang)
    # (column of the frame, display label, kind) in display order
    spec: list[tuple[str, str, str]] = [
        ("region_name", name_col, "text"),
        ("population", t("population", lang), "int"),
    ]
    for key in MONEY:
        spec.append((f"{key}_sek", money_label(key, lang), "sek"))
        if key == "granted" and level != "kommun":
            spec.append(("county_level_granted_sek", t("fund_county_level", lang), "sek"))
    spec += [(f"{k}_per_inhabitant", per_inhabitant_label(k, lang), "number") for k in MONEY]
    spec += [
        ("granted_share", t("fund_granted_share", lang), "percent1"),
        ("population_share", t("fund_population_share", lang), "percent1"),
        ("share_gap_pp", t("fund_gap", lang), "points1"),
    ]
    regions = rows.to_dicts()
    if level == "polisregion":
        for r in regions:
            r["region_name"] = f"{t('police_region', lang)} {r['region_name']}"
    pop, granted = nation["population"], nation["granted_sek"]
    county_level = nation["county_level_granted_sek"] or 0.0
    # The totals come first, so that the first page of a long table (and its print) holds them.
    records = [
        {
            **nation,
            "region_name": t("nation", lang),
            "population_share": 1.0,
            "granted_share": 1.0 if granted else None,
            "share_gap_pp": None,
        }
    ]
    if level == "kommun":
        records.append(
            {
                "region_name": t("fund_county_level_row", lang),
                "granted_sek": county_level,
                "granted_per_inhabitant": county_level / pop if pop else None,
                "granted_share": county_level / granted if granted else None,
            }
        )
    n_totals = len(records)
    records += regions
    cols: dict[str, list] = {}
    for column, label, kind in spec:
        values = [r.get(column) for r in records]
        if kind == "percent1":
            values = [None if v is None else v * 100 for v in values]
        cols[label] = values
    frame = pl.DataFrame(cols, strict=False)
    kinds = {label: kind for _, label, kind in spec if kind != "text"}
    links = {
        name_col: [None] * n_totals + [region_href(level, c, year_to) for c in rows["region_code"]]
    }
    caption = allocation_caption({"level": level, "from": year_from, "to": year_to}, lang)
    return Table("allocation", caption, frame, kinds=kinds, links=links)  # type: ignore[arg-type]


def allocation_caption(st: dict, lang: Lang) -> str:
    unit = region_word(st["level"], lang).lower()
    return t("fund_alloc_heading", lang, unit=unit, period=period(st["from"], st["to"]))


def gap_figure(alloc: pl.DataFrame, level: str, lang: Lang) -> dict:
    """Horizontal bars of the gap (granted share − population share, percentage points), sorted:
    over-allocated regions to the right in blue, under-allocated to the left in orange (hatched)."""
    rows = alloc.filter(pl.col("share_gap_pp").is_not_null()).sort("share_gap_pp")
    if rows.height > 2 * GAP_ENDS:
        rows = pl.concat([rows.head(GAP_ENDS), rows.tail(GAP_ENDS)])
    names = rows["region_name"].to_list()
    if level == "polisregion":
        names = [f"{t('police_region', lang)} {n}" for n in names]
    gaps = rows["share_gap_pp"].to_list()
    suffix = " pe" if lang == "sv" else " pp"
    hover = "%{y}: %{x:+.1f}" + suffix + "<extra></extra>"
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": gaps,
                "marker": {
                    "color": [BLUE if g >= 0 else ORANGE for g in gaps],
                    "pattern": {"shape": ["" if g >= 0 else "/" for g in gaps]},
                },
                "hovertemplate": hover,
                "showlegend": False,
            }
        ],
        "layout": {
            "height": max(260, 22 * len(names) + 80),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 50},
            "xaxis": {
                "title": {"text": t("fund_gap_axis", lang)},
                "zeroline": True,
                "zerolinewidth": 2,
                "ticksuffix": suffix,
            },
            "yaxis": {"automargin": True, "type": "category"},
            "font": {"family": "system-ui, sans-serif", "size": 13},
            "separators": ", " if lang == "sv" else ".,",
        },
    }


# -- the map --------------------------------------------------------------------------------------


def map_values(
    alloc: pl.DataFrame, muni: pl.DataFrame, level: str, measure: str, lang: Lang, points: bool
) -> MapValues:
    """SEK per inhabitant of ``measure`` per shape; regions without money are a class apart.

    ``muni`` (any year of ``mart_municipality_year``) gives the points and the counties of police
    regions. Locations are in code order, so a new measure recolours the same shapes.
    """
    column = f"{measure}_per_inhabitant"
    values = alloc.select("region_code", "region_name", "population", value=pl.col(column))
    muni = muni.sort("municipality_code")
    if level == "kommun":
        shapes = muni.select("municipality_code", "lat", "lon").join(
            values, left_on="municipality_code", right_on="region_code", how="left"
        )
        shapes = shapes.with_columns(region_code=pl.col("municipality_code"))
        locations = shapes["municipality_code"].to_list()
    else:
        key = "county_code" if level == "lan" else "police_region"
        if points:
            shapes = muni.select("municipality_code", "lat", "lon", region_code=pl.col(key)).join(
                values, on="region_code", how="left"
            )
            locations = shapes["municipality_code"].to_list()
        elif level == "lan":
            shapes = values.sort("region_code")
            locations = shapes["region_code"].to_list()
        else:
            counties = muni.select("county_code", region_code=pl.col("police_region")).unique()
            shapes = counties.join(values, on="region_code", how="left").sort("county_code")
            locations = shapes["county_code"].to_list()
    raw = shapes["value"].to_list()
    positive = sorted(v for v in raw if v is not None and v > 0)
    # The scale ends at the 95th percentile, so that one outlier does not wash out the rest;
    # regions above it take the darkest colour and the legend's last tick says "≥".
    top = positive[round(0.95 * (len(positive) - 1))] if positive else 1.0
    capped = bool(positive) and positive[-1] > top
    none_label = t(f"fund_none_{measure}", lang)
    unit = t("fund_unit", lang)
    text = [none_label if v is None or v <= 0 else f"{fmt.number(v, lang, 2)} {unit}" for v in raw]
    return MapValues(
        kind="amount",
        locations=locations,
        z=[amount_z(None if v is None else min(v, top), top) for v in raw],
        text=text,
        names=shapes["region_name"].to_list(),
        targets=[f"{level}:{c}" for c in shapes["region_code"]],
        lat=shapes["lat"].to_list() if points else None,
        lon=shapes["lon"].to_list() if points else None,
        population=shapes["population"].to_list() if points else None,
        zmax=top,
        unit=unit,
        none_label=none_label,
        capped=capped,
    )


# -- focus areas and the years --------------------------------------------------------------------


def category_table(grants: pl.DataFrame, region: dict | None, lang: Lang, span: str) -> Table:
    """Granted per focus area nationally and, when a region is chosen, for that region."""
    nation = grants.group_by("category").agg(pl.col("amount_granted_sek").sum().alias("nation"))
    frame = nation
    if region is not None:
        mine = (
            grants.filter(region_filter(region))
            .group_by("category")
            .agg(pl.col("amount_granted_sek").sum().alias("region"))
        )
        frame = frame.join(mine, on="category", how="left").with_columns(
            pl.col("region").fill_null(0.0)
        )
    frame = frame.sort(["nation", "category"], descending=[True, False])
    total = frame["nation"].sum() or None
    cols: dict[str, list] = {
        t("fund_category", lang): [enum_label("focus_area", c, lang) for c in frame["category"]],
        t("fund_granted_nation", lang): frame["nation"].to_list(),
        t("fund_share_nation", lang): [
            None if not total else v / total * 100 for v in frame["nation"]
        ],
    }
    kinds = {t("fund_granted_nation", lang): "sek", t("fund_share_nation", lang): "percent1"}
    if region is not None:
        region_total = frame["region"].sum() or None
        label = t("fund_granted_in", lang, name=region["name"])
        share = t("fund_share_in", lang, name=region["name"])
        cols[label] = frame["region"].to_list()
        cols[share] = [
            None if not region_total else v / region_total * 100 for v in frame["region"]
        ]
        kinds[label], kinds[share] = "sek", "percent1"
    caption = t("fund_category_heading", lang, period=span)
    return Table("categories", caption, pl.DataFrame(cols, strict=False), kinds=kinds)  # type: ignore[arg-type]


def category_figure(table: Table, lang: Lang) -> dict:
    """Share of the granted money per focus area: the nation and the chosen region side by side
    (shares, so that a small region's profile compares with the nation's)."""
    frame = table.frame
    labels = frame[frame.columns[0]].to_list()
    share_cols = [c for c in frame.columns if table.kinds.get(c) == "percent1"]
    suffix = fmt.PERCENT_SUFFIX[lang]
    traces = []
    for i, column in enumerate(share_cols):
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": column,
                "y": labels,
                "x": frame[column].to_list(),
                "marker": {"color": BLUE if i == 0 else "#e69f00"}
                | ({"pattern": {"shape": "/"}} if i else {}),
                "hovertemplate": f"%{{y}}: %{{x:.1f}}{suffix}<extra>%{{fullData.name}}</extra>",
            }
        )
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "height": max(300, (22 if len(traces) == 1 else 34) * len(labels) + 90),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "xaxis": {"ticksuffix": suffix, "rangemode": "tozero"},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "legend": {"orientation": "h", "y": -0.12},
            "font": {"family": "system-ui, sans-serif", "size": 13},
            "separators": ", " if lang == "sv" else ".,",
        },
    }


def trend_table(trend: pl.DataFrame, name: str, lang: Lang) -> Table:
    cols: dict[str, list] = {t("year", lang): trend["year"].to_list()}
    kinds = {}
    for key in MONEY:
        cols[money_label(key, lang)] = trend[f"{key}_sek"].to_list()
        kinds[money_label(key, lang)] = "sek"
    caption = t("fund_trend_heading", lang, name=name)
    return Table("trend", caption, pl.DataFrame(cols, strict=False), kinds=kinds)  # type: ignore[arg-type]


def trend_figure(table: Table, lang: Lang) -> dict:
    frame = table.frame
    years = frame[frame.columns[0]].to_list()
    styles = [
        ("#999999", "dot", "circle"),
        (BLUE, "solid", "square"),
        ("#009e73", "dash", "diamond"),
        ("#d55e00", "dashdot", "triangle-up"),
    ]
    traces = []
    for column, (color, dash, symbol) in zip(frame.columns[1:], styles, strict=True):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": column,
                "x": years,
                "y": [None if v is None else v / 1e6 for v in frame[column].to_list()],
                "line": {"color": color, "dash": dash, "width": 2.5},
                "marker": {"symbol": symbol, "size": 8},
                "hovertemplate": "%{x}: %{y:.2f} Mkr<extra>%{fullData.name}</extra>",
            }
        )
    return {
        "data": traces,
        "layout": {
            "height": 340,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "xaxis": {"dtick": 1, "tickformat": "d"},
            "yaxis": {
                "title": {"text": "Mkr" if lang == "sv" else "MSEK"},
                "rangemode": "tozero",
                "automargin": True,
            },
            "legend": {"orientation": "h", "y": -0.15},
            "font": {"family": "system-ui, sans-serif", "size": 13},
            "separators": ", " if lang == "sv" else ".,",
        },
    }


# -- concentration -------------------------------------------------------------------------------


def concentration_table(conc: pl.DataFrame, lang: Lang) -> Table:
    """Per year of the range and for the whole range: Gini, municipalities with and without."""
    cols = {
        t("fund_period", lang): [
            period(f, to) for f, to in zip(conc["year_from"], conc["year_to"], strict=True)
        ],
        t("fund_gini", lang): conc["gini"].to_list(),
        t("fund_without", lang): conc["municipalities_without_grant"].to_list(),
        t("fund_with", lang): conc["municipalities_with_grant"].to_list(),
        t("fund_municipal_granted", lang): conc["municipal_granted_sek"].to_list(),
    }
    kinds = {
        t("fund_gini", lang): "number3",
        t("fund_without", lang): "int",
        t("fund_with", lang): "int",
        t("fund_municipal_granted", lang): "sek",
    }
    frame = pl.DataFrame(cols, strict=False)
    return Table("concentration", t("fund_conc_heading", lang), frame, kinds=kinds)  # type: ignore[arg-type]


def lorenz_figure(lorenz: pl.DataFrame, gini: float | None, lang: Lang) -> dict:
    """The Lorenz curve (cumulative share of granted SEK over the cumulative share of the
    population, municipalities ordered by SEK per inhabitant) and the line of equality."""
    x = [0.0, *[v * 100 for v in lorenz["population_share_cum"].to_list()]]
    shares = lorenz["granted_share_cum"].to_list()
    y = [0.0, *[None if v is None else v * 100 for v in shares]]
    names = ["", *lorenz["municipality_name"].to_list()]
    suffix = fmt.PERCENT_SUFFIX[lang]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": t("fund_equality", lang),
                "x": [0, 100],
                "y": [0, 100],
                "line": {"color": "#777777", "dash": "dash", "width": 1.5},
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": t("fund_lorenz", lang),
                "x": x,
                "y": y,
                "text": names,
                "line": {"color": BLUE, "width": 3, "shape": "linear"},
                "fill": "tonexty",
                "fillcolor": "rgba(0,114,178,0.12)",
                "hovertemplate": (
                    f"%{{text}}<br>{t('fund_population_share', lang)}: %{{x:.1f}}{suffix}"
                    f"<br>{t('fund_granted_share', lang)}: %{{y:.1f}}{suffix}<extra></extra>"
                ),
            },
        ],
        "layout": {
            "height": 420,
            "margin": {"l": 10, "r": 10, "t": 30, "b": 50},
            "xaxis": {
                "title": {"text": t("fund_lorenz_x", lang)},
                "range": [0, 100],
                "ticksuffix": suffix,
                "automargin": True,
            },
            "yaxis": {
                "title": {"text": t("fund_lorenz_y", lang)},
                "range": [0, 100],
                "ticksuffix": suffix,
                "scaleanchor": "x",
                "automargin": True,
            },
            "legend": {"orientation": "h", "y": -0.2},
            "annotations": [
                {
                    "x": 5,
                    "y": 95,
                    "xanchor": "left",
                    "showarrow": False,
                    "text": f"Gini = {fmt.number(gini, lang, 3)}",
                    "font": {"size": 15},
                }
            ],
            "font": {"family": "system-ui, sans-serif", "size": 13},
            "separators": ", " if lang == "sv" else ".,",
        },
    }


# -- the grants ----------------------------------------------------------------------------------


def region_filter(region: dict) -> pl.Expr:
    """Grants of a region: {"level": kommun|lan|polisregion, "code": ...}. A county's include
    its county-level grants; a municipality's never do."""
    column = {"kommun": "municipality_code", "lan": "county_code", "polisregion": "police_region"}
    return pl.col(column[region["level"]]) == region["code"]


def filter_grants(
    grants: pl.DataFrame,
    region: dict | None,
    category: str | None,
    flag: str | None,
    search: str | None,
) -> pl.DataFrame:
    rows = grants
    if region is not None:
        rows = rows.filter(region_filter(region))
    if category:
        rows = rows.filter(pl.col("category") == category)
    if flag in FLAGS:
        rows = rows.filter(pl.col(flag).fill_null(False))
    if search:
        needle = search.strip().lower()
        rows = rows.filter(
            pl.concat_str(
                [
                    pl.col("grant_id"),
                    pl.col("project_title"),
                    pl.col("municipality_name").fill_null(""),
                    pl.col("county_name").fill_null(""),
                ],
                separator=" ",
            )
            .str.to_lowercase()
            .str.contains(needle, literal=True)
        )
    return rows


def recipient(row: dict, lang: Lang) -> str:
    if row["municipality_name"]:
        return row["municipality_name"]
    return t("fund_county_recipient", lang, name=row["county_name"])


def grants_table(
    grants: pl.DataFrame, lang: Lang, span: str, href: dict[str, str] | None = None
) -> Table:
    """The grants list; the download has one Ja/Nej column per flag instead of the joined text.
    ``href`` maps a grant id to its provenance link."""
    rows = grants.to_dicts()
    id_col = t("fund_grant_id", lang)
    flag_texts = [
        ", ".join(FUND_FLAGS[f].label(lang) for f in FLAGS if r[f]) or t("fund_no_flags", lang)
        for r in rows
    ]
    base = {
        id_col: [r["grant_id"] for r in rows],
        t("fund_decision_date", lang): [r["decision_date"] for r in rows],
        t("fund_funding_year", lang): [r["funding_year"] for r in rows],
        t("fund_recipient", lang): [recipient(r, lang) for r in rows],
        t("fund_title", lang): [r["project_title"] for r in rows],
        t("fund_category", lang): [enum_label("focus_area", r["category"], lang) for r in rows],
        money_label("applied", lang): [r["amount_applied_sek"] for r in rows],
        money_label("granted", lang): [r["amount_granted_sek"] for r in rows],
        money_label("paid", lang): [r["amount_paid_sek"] for r in rows],
        money_label("spent", lang): [r["reported_spent_sek"] for r in rows],
        t("fund_project_status", lang): [
            enum_label("project_status", r["project_status"], lang) or fmt.MISSING for r in rows
        ],
        t("fund_effect_evaluated", lang): [status_label(r["effect_evaluated"], lang) for r in rows],
    }
    kinds = {
        t("fund_decision_date", lang): "date",
        t("fund_funding_year", lang): "text",
        **{money_label(k, lang): "sek" for k in MONEY},
        t("fund_effect_evaluated", lang): "status",
    }
    schema = {t("fund_decision_date", lang): pl.Date, t("fund_funding_year", lang): pl.Int64}
    shown = pl.DataFrame(
        {**base, t("fund_flags", lang): flag_texts}, schema_overrides=schema, strict=False
    )
    flags = {
        FUND_FLAGS[f].label(lang): [
            None if r[f] is None else status_label(r[f], lang) for r in rows
        ]
        for f in FLAGS
    }
    download = pl.DataFrame(
        {
            **base,
            t("fund_effect_evaluated", lang): [
                None if r["effect_evaluated"] is None else bool(r["effect_evaluated"]) for r in rows
            ],
            **flags,
            t("fund_register_file", lang): [r["source_file_name"] for r in rows],
        },
        schema_overrides=schema,
        strict=False,
    )
    links = {id_col: [href.get(r["grant_id"]) for r in rows]} if href else {}
    caption = t("fund_grants_heading", lang, period=span)
    return Table("grants", caption, shown, kinds=kinds, links=links, download=download)  # type: ignore[arg-type]


def flag_table(grants: pl.DataFrame, level: str, lang: Lang, span: str) -> Table:
    """The count of each flag per county (municipality and county level) or police region."""
    key, name = (
        ("police_region", "police_region")
        if level == "polisregion"
        else ("county_code", "county_name")
    )
    agg = [pl.len().alias("grants"), pl.col(name).first().alias("name")]
    agg += [pl.col(f).fill_null(False).sum().alias(f) for f in FLAGS]
    per = grants.group_by(key).agg(agg).sort(fmt.swedish_order("name"))
    total = grants.select(
        pl.len().alias("grants"), *[pl.col(f).fill_null(False).sum().alias(f) for f in FLAGS]
    )
    word = t("police_region" if level == "polisregion" else "county", lang)
    names = per["name"].to_list()
    if level == "polisregion":
        names = [f"{t('police_region', lang)} {n}" for n in names]
    cols: dict[str, list] = {
        word: [*names, t("nation", lang)],
        t("fund_decisions_count", lang): [*per["grants"].to_list(), total["grants"][0]],
    }
    for f in FLAGS:
        cols[FUND_FLAGS[f].label(lang)] = [*per[f].to_list(), total[f][0]]
    kinds = {c: "int" for c in list(cols)[1:]}
    caption = t("fund_flags_heading", lang, unit=word.lower(), period=span)
    return Table("flags", caption, pl.DataFrame(cols, strict=False), kinds=kinds)  # type: ignore[arg-type]


# -- where a number comes from --------------------------------------------------------------------


def source_table(grant: dict, sources: pl.DataFrame, lang: Lang) -> Table:
    """The current reports that name the grant, with their project rows, linked to Kommun."""
    rows = sources.to_dicts()
    name_col = t("municipality", lang)
    cols = {
        name_col: [r["municipality_name"] for r in rows],
        t("year", lang): [r["year"] for r in rows],
        t("fund_report_file", lang): [r["report_file_name"] for r in rows],
        t("fund_received", lang): [r["report_received_at"] for r in rows],
        t("fund_project_no", lang): [r["project_no"] for r in rows],
        t("fund_title", lang): [r["title"] for r in rows],
        money_label("spent", lang): [r["spent_sek"] for r in rows],
        t("fund_project_status", lang): [
            enum_label("project_status", r["status"], lang) for r in rows
        ],
        t("fund_effect_evaluated", lang): [status_label(r["effect_evaluated"], lang) for r in rows],
    }
    kinds = {
        t("year", lang): "text",
        t("fund_received", lang): "date",
        t("fund_project_no", lang): "int",
        money_label("spent", lang): "sek",
        t("fund_effect_evaluated", lang): "status",
    }
    links = {name_col: [f"/kommun?kod={r['municipality_code']}&year={r['year']}" for r in rows]}
    caption = t("fund_sources_heading", lang, grant_id=grant["grant_id"])
    frame = pl.DataFrame(cols, strict=False)
    return Table("sources", caption, frame, kinds=kinds, links=links)  # type: ignore[arg-type]
