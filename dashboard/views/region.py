"""Region: pure builders for a county's or police region's page.

Every municipality of the region in one sortable table (indicators as icon plus word), the region
against the nation, and per requirement the municipalities that miss it ("Nej") or have not
reported it ("Ej rapporterat"), kept apart because not reported is never "no".
"""

from __future__ import annotations

import polars as pl

from dashboard import fmt
from dashboard.components.table import Table
from dashboard.i18n import INDICATORS, LEVEL_TO_MART, MODEL_INDICATORS, Lang, status_label, t
from dashboard.views.overview import share_columns

# Sort keys allowed in the URL: the indicators plus name and FTE. Anything else is ignored.
SORT_KEYS = ("name", "has_report", *INDICATORS.keys(), "coordinator_fte")
SORT_KEYS = tuple(dict.fromkeys(SORT_KEYS))


def sort_members(members: pl.DataFrame, key: str | None, order: str) -> pl.DataFrame:
    """Rows sorted by ``key`` (a whitelisted column); missing values always last."""
    if key not in SORT_KEYS or key == "name" or key is None:
        return members.sort(fmt.swedish_order("municipality_name"), descending=order == "desc")
    return members.sort(
        [pl.col(key), fmt.swedish_order("municipality_name")],
        descending=[order == "desc", False],
        nulls_last=True,
    )


def members_table(
    members: pl.DataFrame, region_name: str, year: int, sort: str | None, order: str, lang: Lang
) -> Table:
    """Every municipality of the region with its indicators in words."""
    rows = sort_members(members, sort, order)
    name_col = t("municipality", lang)
    columns: dict[str, list] = {name_col: rows["municipality_name"].to_list()}
    sortable = {name_col: "name"}
    for key, ind in INDICATORS.items():
        label = ind.short(lang)
        columns[label] = [status_label(v, lang) for v in rows[key].to_list()]
        sortable[label] = key
    fte_col = t("coordinator_fte_short", lang)
    columns[fte_col] = rows["coordinator_fte"].to_list()
    sortable[fte_col] = "coordinator_fte"
    frame = pl.DataFrame(columns, schema_overrides={fte_col: pl.Float64}, strict=False)
    kinds = {ind.short(lang): "status" for ind in INDICATORS.values()}
    kinds[fte_col] = "number"
    links = {
        name_col: [f"/kommun?kod={c}&year={year}" for c in rows["municipality_code"].to_list()]
    }
    return Table(
        "members",
        t("region_table_heading", lang, name=region_name, year=year),
        frame,
        kinds=kinds,  # type: ignore[arg-type]
        links=links,
        sortable=sortable,
        sort=(sort if sort in SORT_KEYS else "name", order) if sort else None,
    )


def region_row(regions: pl.DataFrame, level: str, code: str) -> dict | None:
    """The region's row of a ``region_year`` frame (``level`` as in the URL)."""
    mart_level = LEVEL_TO_MART.get(level, "nation") if level != "nation" else "nation"
    rows = regions.filter((pl.col("level") == mart_level) & (pl.col("region_code") == code))
    return rows.row(0, named=True) if rows.height else None


def versus_nation(region: dict, nation: dict, lang: Lang) -> Table:
    """Region and nation side by side per indicator: share, count and denominator, difference."""
    name = region["region_name"]
    records = []
    for key, ind in INDICATORS.items():
        share_col, count_col, denom_col = share_columns(key)
        r_share, n_share = region[share_col], nation[share_col]
        # The difference of the whole percentages shown, so that the columns add up on screen.
        diff = (
            None
            if r_share is None or n_share is None
            else fmt.whole_percent(r_share) - fmt.whole_percent(n_share)
        )
        records.append(
            (
                ind.label(lang),
                None if r_share is None else r_share * 100,
                region[count_col],
                region[denom_col],
                None if n_share is None else n_share * 100,
                nation[count_col],
                nation[denom_col],
                diff,
            )
        )
    nat = t("nation", lang)
    cols = [
        t("indicator", lang),
        f"{name} (%)",
        f"{name}: {t('count', lang).lower()}",
        f"{name}: {t('denominator', lang).lower()}",
        f"{nat} (%)",
        f"{nat}: {t('count', lang).lower()}",
        f"{nat}: {t('denominator', lang).lower()}",
        t("difference_pp", lang),
    ]
    frame = pl.DataFrame(records, schema=cols, orient="row")
    kinds = {
        cols[1]: "percent",
        cols[2]: "int",
        cols[3]: "int",
        cols[4]: "percent",
        cols[5]: "int",
        cols[6]: "int",
        cols[7]: "points",
    }
    caption = t("region_vs_nation", lang, name=name, year=region["year"])
    return Table("versus", caption, frame, kinds=kinds)  # type: ignore[arg-type]


def versus_figure(table: Table, lang: Lang) -> dict:
    """Grouped horizontal bars of the region's and the nation's shares (the table is the text)."""
    frame = table.frame
    labels = frame[frame.columns[0]].to_list()
    region_col, nation_col = frame.columns[1], frame.columns[4]
    hover = f"%{{y}}: %{{x:.0f}}{fmt.PERCENT_SUFFIX[lang]}<extra>%{{fullData.name}}</extra>"
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": region_col.removesuffix(" (%)"),
                "y": labels,
                "x": frame[region_col].to_list(),
                "marker": {"color": "#0072b2"},
                "hovertemplate": hover,
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": nation_col.removesuffix(" (%)"),
                "y": labels,
                "x": frame[nation_col].to_list(),
                "marker": {"color": "#e69f00", "pattern": {"shape": "/"}},
                "hovertemplate": hover,
            },
        ],
        "layout": {
            "barmode": "group",
            "height": 420,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "xaxis": {"range": [0, 100], "ticksuffix": fmt.PERCENT_SUFFIX[lang]},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "legend": {"orientation": "h", "y": -0.15},
            "font": {"family": "system-ui, sans-serif", "size": 13},
        },
    }


def missing_table(members: pl.DataFrame, region_name: str, year: int, lang: Lang) -> Table:
    """Per requirement: who answered no, and who did not report it (two separate lists)."""
    records = []
    ordered = members.sort(fmt.swedish_order("municipality_name"))
    for key, ind in INDICATORS.items():
        if key in MODEL_INDICATORS:  # ways of working, not requirements: nobody misses them
            continue
        if key == "has_report":
            no = ordered.filter(~pl.col("has_report"))["municipality_name"].to_list()
            null: list[str] = []
        else:
            no = ordered.filter(pl.col(key) == False)["municipality_name"].to_list()  # noqa: E712
            null = ordered.filter(pl.col(key).is_null())["municipality_name"].to_list()
        records.append(
            (
                ind.label(lang),
                len(no),
                ", ".join(no) or t("none_missing", lang),
                len(null),
                ", ".join(null) or t("none_missing", lang),
            )
        )
    cols = [
        t("indicator", lang),
        f"{t('missing_no', lang)} ({t('count', lang).lower()})",
        t("missing_no", lang),
        f"{t('missing_null', lang)} ({t('count', lang).lower()})",
        t("missing_null", lang),
    ]
    frame = pl.DataFrame(records, schema=cols, orient="row")
    caption = t("missing_heading", lang, year=year) + f" – {region_name}"
    return Table("missing", caption, frame, kinds={cols[1]: "int", cols[3]: "int"})
