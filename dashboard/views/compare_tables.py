"""Jämför: the comparison as tables and figures (what is shown is what is downloaded).

The screen joins numbers into readable text ("64 % (16 av 25 rapporterande; 2 ej
rapporterat)"); every table's download has the same rows with each number in a column of its own.
"""

from __future__ import annotations

import polars as pl

from dashboard import fmt
from dashboard.components.table import Table
from dashboard.i18n import REQUIREMENTS, Lang, figure, status_label, t
from dashboard.views import compare as cmp
from dashboard.views.compare import as_number

DOT, ME, MEDIAN = "#56b4e9", "#d55e00", "#000000"


def ordinal(n: int, lang: Lang) -> str:
    """1:a, 2:a, 3:e, 11:e, 21:a (sv); 1st, 2nd, 3rd, 11th (en)."""
    if lang == "sv":
        return f"{n}:{'a' if n % 10 in (1, 2) and n % 100 not in (11, 12) else 'e'}"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n % 100 not in (11, 12, 13) else 0, "th")
    return f"{n}{suffix}"


def rank_text(rank: tuple | None, lang: Lang) -> str:
    if rank is None:
        return fmt.MISSING
    return t("cmp_rank", lang, rank=ordinal(rank[0], lang), n=rank[1])


def label(key: str, lang: Lang, county_mode: bool = False) -> str:
    text = figure(key).label(lang)
    if county_mode and key in cmp.BOOLS:
        return t("cmp_share_of_municipalities", lang, label=text)
    return text


def _decimals(key: str) -> int:
    return 0 if key in ("agreement_days_left",) else (2 if key.endswith("per_10k") else 1)


def number_text(key: str, value: float | None, lang: Lang) -> str:
    if value is None:
        return fmt.MISSING
    if key == "promises_fulfilled_share" or key in cmp.BOOLS:
        return fmt.percent1(value, lang)
    if key in ("promises_count", "situation_report_age") and float(value).is_integer():
        return fmt.number(value, lang)  # a municipality's count or years (a county's may not be)
    return fmt.number(value, lang, _decimals(key))


def value_text(row: cmp.Row, lang: Lang) -> str:
    if row.kind == "bool":
        return status_label(row.value, lang)  # type: ignore[arg-type]
    return number_text(row.key, row.value, lang)  # type: ignore[arg-type]


def peers_text(row: cmp.Row, lang: Lang) -> str:
    missing = (
        t("cmp_not_reported", lang, n=row.peers_not_reported) if row.peers_not_reported else ""
    )
    if row.kind == "bool":
        if not row.peers_base:
            return t("cmp_no_values", lang) + missing
        share = fmt.percent1(row.peers_share, lang)
        words = "cmp_share_text_all" if row.key == "has_report" else "cmp_share_text"
        return t(words, lang, share=share, yes=row.peers_yes, n=row.peers_base) + missing
    if not row.peers_n:
        return t("cmp_no_values", lang) + missing
    return (
        t(
            "cmp_median_text",
            lang,
            median=number_text(row.key, row.median, lang),
            p25=number_text(row.key, row.p25, lang),
            p75=number_text(row.key, row.p75, lang),
            low=number_text(row.key, row.low, lang),
            high=number_text(row.key, row.high, lang),
            n=row.peers_n,
        )
        + missing
    )


def national_text(row: cmp.Row, lang: Lang, county_mode: bool = False) -> str:
    if row.national is None:
        return fmt.MISSING
    if row.kind == "bool":
        return t(
            "cmp_national_share", lang, share=fmt.percent1(row.national, lang), n=row.national_base
        )
    if county_mode:  # the nation's own value, computed as a county's, with its base
        value = number_text(row.key, row.national, lang)
        return t("cmp_national_value", lang, value=value, n=row.national_base)
    return t("cmp_national_median", lang, median=number_text(row.key, row.national, lang))


def comparison_table(
    rows: list[cmp.Row], name: str, group_label: str, county_mode: bool, lang: Lang
) -> Table:
    """Every indicator: the place's value, its peers, its rank among them, the nation."""
    ind, me, peers, rank_col, nation = (
        t("indicator", lang),
        name,
        t("cmp_peers_col", lang, group=group_label),
        t("cmp_rank_col", lang),
        t("nation", lang),
    )
    shown = pl.DataFrame(
        {
            ind: [label(r.key, lang, county_mode) for r in rows],
            me: [value_text(r, lang) for r in rows],
            peers: [peers_text(r, lang) for r in rows],
            rank_col: [rank_text(r.rank, lang) for r in rows],
            nation: [national_text(r, lang, county_mode) for r in rows],
        }
    )

    def num(value: object) -> float | None:
        return None if value is None else float(value)  # type: ignore[arg-type]

    download = pl.DataFrame(
        {
            ind: [label(r.key, lang, county_mode) for r in rows],
            t("cmp_dl_key", lang): [r.key for r in rows],
            # numbers stay numbers; a yes/no answer as 1 / 0 here and in words beside it
            t("cmp_dl_value", lang, name=me): [num(as_number(r.value)) for r in rows],
            t("cmp_dl_answer", lang, name=me): [
                value_text(r, lang) if r.kind == "bool" else None for r in rows
            ],
            t("cmp_dl_yes", lang): [r.peers_yes for r in rows],
            t("cmp_dl_base", lang): [r.peers_base for r in rows],
            t("cmp_dl_share", lang): [r.peers_share for r in rows],
            t("cmp_dl_n", lang): [r.peers_n for r in rows],
            t("cmp_dl_not_reported", lang): [r.peers_not_reported for r in rows],
            "P25": [r.p25 for r in rows],
            "Median": [r.median for r in rows],
            "P75": [r.p75 for r in rows],
            "Min": [r.low for r in rows],
            "Max": [r.high for r in rows],
            t("cmp_dl_rank", lang): [r.rank[0] if r.rank else None for r in rows],
            t("cmp_dl_rank_of", lang): [r.rank[1] if r.rank else None for r in rows],
            t("cmp_dl_national", lang): [r.national for r in rows],
            t("cmp_dl_national_base", lang): [r.national_base for r in rows],
        },
        strict=False,
    )
    caption = t("cmp_table_heading", lang, name=name, group=group_label)
    return Table("comparison", caption, shown, download=download)


def strip_figure(
    me: dict, group: pl.DataFrame, rows: list[cmp.Row], name: str, county_mode: bool, lang: Lang
) -> dict:
    """One strip per number: the peers as dots, this place as a large diamond, the median as a
    bar; each strip on its own axis (the units differ)."""
    keys = [r.key for r in rows if r.key in cmp.NUMBERS]
    n = len(keys)
    gap = 0.06
    height = (1 - gap * (n - 1)) / n
    traces: list[dict] = []
    layout: dict = {
        "height": 110 * n + 80,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
        "showlegend": True,
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "separators": ", " if lang == "sv" else ".,",
    }
    by_key = {r.key: r for r in rows}
    names = group["name"].to_list()
    for i, key in enumerate(keys):
        axis = "" if i == 0 else str(i + 1)
        top = 1 - i * (height + gap)
        layout[f"yaxis{axis}"] = {
            "domain": [top - height, top],
            "showticklabels": False,
            "range": [-1, 1],
            "fixedrange": True,
            "title": {"text": ""},
        }
        layout[f"xaxis{axis}"] = {
            "anchor": f"y{axis}",
            "title": {"text": label(key, lang, county_mode), "standoff": 2, "font": {"size": 12}},
            "zeroline": False,
        }
        values = group[key].to_list()
        shown = [(v, nm) for v, nm in zip(values, names, strict=True) if v is not None]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": t("cmp_peers_legend", lang),
                "legendgroup": "peers",
                "showlegend": i == 0,
                "x": [v for v, _ in shown],
                "y": [((j % 5) - 2) * 0.12 for j in range(len(shown))],
                "text": [nm for _, nm in shown],
                "marker": {"color": DOT, "size": 8, "opacity": 0.8, "line": {"width": 0.5}},
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "hovertemplate": "%{text}: %{x}<extra></extra>",
            }
        )
        median = by_key[key].median
        if median is not None:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": t("cmp_median_legend", lang),
                    "legendgroup": "median",
                    "showlegend": i == 0,
                    "x": [median],
                    "y": [0],
                    "marker": {
                        "symbol": "line-ns-open",
                        "size": 34,
                        "color": MEDIAN,
                        "line": {"width": 3},
                    },
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "hovertemplate": f"{t('cmp_median_legend', lang)}: %{{x}}<extra></extra>",
                }
            )
        value = me[key]
        if value is not None:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": name,
                    "legendgroup": "me",
                    "showlegend": i == 0,
                    "x": [float(value)],
                    "y": [0],
                    "marker": {
                        "symbol": "diamond",
                        "size": 16,
                        "color": ME,
                        "line": {"color": "#000", "width": 1},
                    },
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "hovertemplate": f"{name}: %{{x}}<extra></extra>",
                }
            )
    return {"data": traces, "layout": layout}


def years_table(series: list[dict], key: str, name: str, county_mode: bool, lang: Lang) -> Table:
    """This place against its peers' share or median and the nation, year by year."""
    is_bool = key in cmp.BOOLS and not county_mode
    year_col = t("year", lang)
    peers_col = t("cmp_peers_share" if is_bool else "cmp_peers_median", lang)
    nation_col = t("cmp_nation_share" if is_bool else "cmp_nation_median", lang)
    frame = pl.DataFrame(
        {
            year_col: [s["year"] for s in series],
            name: [status_label(s["value"], lang) if is_bool else s["value"] for s in series],
            peers_col: [s["peers"] for s in series],
            t("cmp_dl_base", lang): [s["base"] for s in series],
            nation_col: [s["national"] for s in series],
        },
        strict=False,
    )
    value_kind = "text" if is_bool else "number"
    share_kind = "percent1" if is_bool or key in ("promises_fulfilled_share",) else "number"
    kinds = {
        year_col: "text",
        name: value_kind,
        peers_col: share_kind,
        nation_col: share_kind,
        t("cmp_dl_base", lang): "int",
    }
    if county_mode and key in cmp.BOOLS:
        kinds[name] = kinds[peers_col] = kinds[nation_col] = "percent1"
    caption = t("cmp_years_heading", lang, label=label(key, lang, county_mode), name=name)
    return Table("years", caption, frame, kinds=kinds)  # type: ignore[arg-type]


def years_figure(table: Table, key: str, county_mode: bool, lang: Lang) -> dict:
    frame = table.frame
    cols = frame.columns
    years = frame[cols[0]].to_list()
    is_bool = key in cmp.BOOLS and not county_mode
    mine = frame[cols[1]].to_list()
    if is_bool:  # Ja at 100 %, Nej at 0 %, not reported left out
        yes, no = status_label(True, lang), status_label(False, lang)
        mine = [100.0 if v == yes else (0.0 if v == no else None) for v in mine]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": cols[2],
            "x": years,
            "y": frame[cols[2]].to_list(),
            "line": {"color": DOT, "width": 3},
            "marker": {"symbol": "circle", "size": 8},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": cols[4],
            "x": years,
            "y": frame[cols[4]].to_list(),
            "line": {"color": "#777777", "dash": "dash", "width": 2},
            "marker": {"symbol": "square", "size": 7},
        },
        {
            "type": "scatter",
            "mode": "markers" if is_bool else "lines+markers",
            "name": cols[1]
            + (
                " (Ja = 100, Nej = 0)"
                if is_bool and lang == "sv"
                else " (Yes = 100, No = 0)"
                if is_bool
                else ""
            ),
            "x": years,
            "y": mine,
            "line": {"color": ME, "width": 3},
            "marker": {
                "symbol": "diamond",
                "size": 13,
                "color": ME,
                "line": {"color": "#000", "width": 1},
            },
        },
    ]
    percent = key in cmp.BOOLS or key == "promises_fulfilled_share"
    suffix = fmt.PERCENT_SUFFIX[lang] if percent else ""
    return {
        "data": traces,
        "layout": {
            "height": 340,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "xaxis": {"dtick": 1, "tickformat": "d"},
            "yaxis": {"ticksuffix": suffix, "rangemode": "tozero", "automargin": True},
            "legend": {"orientation": "h", "y": -0.18},
            "font": {"family": "system-ui, sans-serif", "size": 13},
            "separators": ", " if lang == "sv" else ".,",
        },
    }


def learn_table(me: dict, group: pl.DataFrame, year: int, county_mode: bool, lang: Lang) -> Table:
    """Per requirement the place lacks: the peers that meet it, the most similar first."""
    req_col, peer_col = t("cmp_requirement", lang), t("cmp_learn_peer", lang)
    records: list[tuple] = []
    links: list[str | None] = []
    for key in REQUIREMENTS:
        if county_mode:
            if me[key] is not None and me[key] >= 100:
                continue
            found = cmp.county_learn_from(me, group, key)
            for r in found.iter_rows(named=True):
                records.append((label(key, lang, True), r["name"], None, r["population"], r[key]))
                links.append(f"/region?niva=lan&kod={r['code']}&year={year}")
            continue
        if me[key] is not False:
            continue
        found = cmp.learn_from(me, group, key)
        for r in found.iter_rows(named=True):
            records.append(
                (
                    label(key, lang),
                    r["name"],
                    r["group_name"],
                    r["population"],
                    status_label(r["group"] == me["group"], lang),
                )
            )
            links.append(f"/kommun?kod={r['code']}&year={year}")
    last = t("cmp_share_col", lang) if county_mode else t("cmp_same_group", lang)
    cols = [req_col, peer_col, t("cmp_group_col", lang), t("population", lang), last]
    frame = pl.DataFrame(records, schema=cols, orient="row", strict=False)
    if county_mode:
        frame = frame.drop(t("cmp_group_col", lang))
    kinds = {t("population", lang): "int"}
    if county_mode:
        kinds[last] = "percent1"
    caption = t("cmp_learn_heading", lang, year=year)
    return Table("learn", caption, frame, kinds=kinds, links={peer_col: links})  # type: ignore[arg-type]


def peers_table(group: pl.DataFrame, year: int, county_mode: bool, lang: Lang) -> Table:
    """Who the peers are (name, group, population), with links to their pages."""
    rows = group.sort(fmt.swedish_order("name"))
    name_col = t("county" if county_mode else "municipality", lang)
    cols = {name_col: rows["name"].to_list()}
    if not county_mode:
        cols[t("cmp_group_col", lang)] = rows["group_name"].to_list()
    cols[t("population", lang)] = rows["population"].to_list()
    hrefs = [
        f"/region?niva=lan&kod={c}&year={year}" if county_mode else f"/kommun?kod={c}&year={year}"
        for c in rows["code"].to_list()
    ]
    frame = pl.DataFrame(cols, strict=False)
    return Table(
        "peers",
        t("cmp_peers_heading", lang, n=rows.height),
        frame,
        kinds={t("population", lang): "int"},
        links={name_col: hrefs},
    )
