"""Medel: the view's state (parsed from the URL, written back to it) and its content.

``parse`` validates every URL parameter (unknown values fall back to defaults and are reported by
``ignored``); ``query`` writes the state back, so a link reopens the same view. ``Content`` runs
the page's queries once each, lazily, so that a download builds only the table it needs.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import quote

import polars as pl

from dashboard import data, fmt, state
from dashboard.components.map import MapValues
from dashboard.components.table import Table
from dashboard.i18n import FUND_FLAGS, LEVEL_TO_MART, LEVELS, Lang, enum_label, status_label, t
from dashboard.views import funds as view
from pipelines.contract import ENUMS

DEFAULT_LEVEL = "lan"
# The value of the "all" choice of a filter: a select needs a value of its own for it (an empty
# value would select the hidden placeholder option dbc.Select adds).
ALL = "alla"
URL_KEYS = {
    "level": "niva",
    "from": "fran",
    "to": "till",
    "measure": "matt",
    "region": "region",
    "category": "kategori",
    "flag": "flagga",
    "search": "sok",
    "grant": "bidrag",
}


def _region_codes(wh: data.Warehouse, level: str) -> list[str]:
    if level == "kommun":
        return data.municipalities(wh)["municipality_code"].to_list()
    return data.regions(wh, LEVEL_TO_MART[level])["region_code"].to_list()


def parse(wh: data.Warehouse, meta: data.Meta, query: dict) -> dict:
    """The validated state from URL parameters (or the controls' values under the same names)."""
    level = state.parse_choice(query.get("niva"), LEVELS, DEFAULT_LEVEL)
    # The funding years: a register for a year comes before that year's reports. One year from
    # the navigation (?year=) stands for a range of one year; by default the latest year.
    years = data.fund_years(wh) or meta.years
    year = state.parse_year(query.get("year"), years)
    year_to = state.parse_year(query.get("till"), years, default=year)
    year_from = state.parse_year(query.get("fran"), years, default=year_to)
    if year_from > year_to:
        year_from, year_to = year_to, year_from
    search = state.first(query.get("sok"))
    search = search.strip()[:80] if isinstance(search, str) and search.strip() else None
    grant = state.first(query.get("bidrag"))
    grant = grant.strip().upper()[:40] if isinstance(grant, str) and grant.strip() else None
    return {
        "level": level,
        "from": year_from,
        "to": year_to,
        "measure": state.parse_choice(query.get("matt"), view.MEASURES, "granted"),
        "region": state.parse_code(query.get("region"), _region_codes(wh, level)),
        "category": state.parse_code(query.get("kategori"), ENUMS["focus_area"]),
        "flag": state.parse_code(query.get("flagga"), FUND_FLAGS),
        "search": search,
        "grant": grant,
    }


def as_query(st: dict) -> dict:
    """A state (as stored in the page) back as URL parameters, for ``parse``."""
    return {URL_KEYS[k]: v for k, v in st.items() if k in URL_KEYS}


def query(st: dict) -> str:
    params = as_query(st)
    if params.get("matt") == "granted":
        params["matt"] = None
    return state.query_string(params)


def ignored(raw: dict, st: dict) -> list[tuple[str, str, str]]:
    """The URL parameters the view could not use as given."""
    used = as_query(st)
    given = {k: (None if state.first(v) == ALL else v) for k, v in raw.items()}
    names = ("niva", "matt", "region", "kategori", "flagga", "fran", "till")
    checks = {k: (given.get(k), used.get(k)) for k in names}
    if raw.get("year") not in (None, "") and not raw.get("fran") and not raw.get("till"):
        checks["year"] = (raw.get("year"), used.get("till"))
    return state.ignored(checks)


def region_options(wh: data.Warehouse, level: str, lang: Lang) -> list[tuple[str, str]]:
    """ "The whole nation" first, then every region of the level by name."""
    if level == "kommun":
        rows = data.municipalities(wh)
        pairs = list(zip(rows["municipality_code"], rows["municipality_name"], strict=True))
    else:
        rows = data.regions(wh, LEVEL_TO_MART[level])
        pairs = list(zip(rows["region_code"], rows["region_name"], strict=True))
        if level == "polisregion":
            pairs = [(c, f"{t('police_region', lang)} {n}") for c, n in pairs]
    return [(ALL, t("fund_whole_nation", lang)), *pairs]


def category_options(lang: Lang) -> list[tuple[str, str]]:
    options = sorted(
        ((k, enum_label("focus_area", k, lang)) for k in ENUMS["focus_area"]),
        key=lambda kv: fmt.swedish_key(kv[1]),
    )
    return [(ALL, t("fund_all_categories", lang)), *options]


def flag_options(lang: Lang) -> list[tuple[str, str]]:
    return [(ALL, t("fund_all_flags", lang)), *((k, f.label(lang)) for k, f in FUND_FLAGS.items())]


def region_name(wh: data.Warehouse, st: dict, lang: Lang) -> str | None:
    if st["region"] is None:
        return None
    return dict(region_options(wh, st["level"], lang)).get(st["region"])


def selection_text(wh: data.Warehouse, st: dict, lang: Lang) -> str:
    """The filters that produced the figures, in words (on screen, in print, in the pack)."""
    return " · ".join(f"{label}: {value}" for label, value in selection(wh, st, lang))


def selection(wh: data.Warehouse, st: dict, lang: Lang) -> list[tuple[str, str]]:
    return [
        (t("level", lang), LEVELS[st["level"]](lang)),
        (t("fund_funding_years", lang), view.period(st["from"], st["to"])),
        (t("fund_region_filter", lang), region_name(wh, st, lang) or t("fund_whole_nation", lang)),
        (
            t("fund_category", lang),
            enum_label("focus_area", st["category"], lang) or t("fund_all_categories", lang),
        ),
        (
            t("fund_flag_filter", lang),
            FUND_FLAGS[st["flag"]].label(lang) if st["flag"] else t("fund_all_flags", lang),
        ),
        (t("fund_search", lang), st["search"] or fmt.MISSING),
        (t("fund_measure", lang), view.per_inhabitant_label(st["measure"], lang)),
    ]


def map_caption(st: dict, table_caption: str, lang: Lang) -> str:
    unit = view.region_word(st["level"], lang).lower()
    label = view.per_inhabitant_label(st["measure"], lang)
    label = label[0].lower() + label[1:]
    return t(
        "fund_map_caption",
        lang,
        unit=unit,
        label=label,
        period=view.period(st["from"], st["to"]),
        none=t(f"fund_none_{st['measure']}", lang),
        table=table_caption,
    )


def grant_facts(grant: dict, lang: Lang) -> list[tuple[str, str]]:
    """The grant's own row in words: the register file it came from, and its figures."""
    facts = [
        (t("fund_recipient", lang), view.recipient(grant, lang)),
        (t("fund_title", lang), grant["project_title"]),
        (t("fund_category", lang), enum_label("focus_area", grant["category"], lang)),
        (t("fund_decision_date", lang), fmt.date(grant["decision_date"])),
        (t("fund_funding_year", lang), str(grant["funding_year"])),
    ]
    for key, column in (
        ("applied", "amount_applied_sek"),
        ("granted", "amount_granted_sek"),
        ("paid", "amount_paid_sek"),
        ("spent", "reported_spent_sek"),
    ):
        facts.append((view.money_label(key, lang), fmt.sek(grant[column], lang)))
    flags = [f.label(lang) for k, f in FUND_FLAGS.items() if grant[k]]
    facts += [
        (t("fund_flags", lang), ", ".join(flags) or t("fund_no_flags", lang)),
        (t("fund_register_file", lang), grant["source_file_name"]),
        (
            t("fund_received", lang),
            grant["received_at"].strftime("%Y-%m-%d %H:%M UTC") if grant["received_at"] else "–",
        ),
        (
            t("fund_project_status", lang),
            enum_label("project_status", grant["project_status"], lang) or fmt.MISSING,
        ),
        (t("fund_effect_evaluated", lang), status_label(grant["effect_evaluated"], lang)),
    ]
    return facts


class Content:
    """Everything the page shows for one state, each query run at most once."""

    def __init__(self, wh: data.Warehouse, st: dict, lang: Lang) -> None:
        self.wh, self.st, self.lang = wh, st, lang
        self.span = view.period(st["from"], st["to"])

    @property
    def fund_level(self) -> str:
        return view.LEVEL_TO_FUND[self.st["level"]]

    @cached_property
    def _allocation(self) -> pl.DataFrame:
        return data.fund_allocation(self.wh, self.fund_level, self.st["from"], self.st["to"])

    def allocation(self) -> pl.DataFrame:
        return self._allocation

    @cached_property
    def nation(self) -> dict:
        return data.fund_nation(self.wh, self.st["from"], self.st["to"])

    @cached_property
    def _grants(self) -> pl.DataFrame:
        return data.fund_grants(self.wh, self.st["from"], self.st["to"])

    def grants(self) -> pl.DataFrame:
        return self._grants

    @cached_property
    def region(self) -> dict | None:
        name = region_name(self.wh, self.st, self.lang)
        if name is None:
            return None
        return {"level": self.st["level"], "code": self.st["region"], "name": name}

    def filtered_grants(self) -> pl.DataFrame:
        st = self.st
        return view.filter_grants(
            self._grants, self.region, st["category"], st["flag"], st["search"]
        )

    @cached_property
    def _concentration(self) -> pl.DataFrame:
        return data.fund_concentration(self.wh, self.st["from"], self.st["to"])

    def range_gini(self) -> float | None:
        return (self.range_concentration() or {}).get("gini")

    def range_concentration(self) -> dict | None:
        rows = self._concentration.filter(
            (pl.col("year_from") == self.st["from"]) & (pl.col("year_to") == self.st["to"])
        )
        return rows.row(0, named=True) if rows.height else None

    def lorenz(self) -> pl.DataFrame:
        return data.fund_lorenz(self.wh, self.st["from"], self.st["to"])

    def grant(self) -> dict | None:
        return data.fund_grant(self.wh, self.st["grant"]) if self.st["grant"] else None

    def map_values(self, measure: str, points: bool) -> MapValues:
        muni = data.municipality_year(self.wh, self.st["to"])
        return view.map_values(self._allocation, muni, self.st["level"], measure, self.lang, points)

    @cached_property
    def _grant_base(self) -> str:
        # not the map's measure: it changes without a new page, and would go stale in the link
        base = "/medel" + query({**self.st, "grant": None, "measure": "granted"})
        return base + ("&" if "?" in base else "?") + "bidrag="

    def grant_href(self, grant_id: str) -> str:
        return self._grant_base + quote(grant_id, safe="") + "#ursprung"

    def trend_frame(self) -> tuple[pl.DataFrame, str]:
        region = self.region
        if region is None:
            return data.fund_trend(self.wh, "nation", "SE"), t("nation", self.lang)
        return data.fund_trend(self.wh, self.fund_level, region["code"]), region["name"]

    def table(self, name: str) -> Table:
        """The page's table ``name``, exactly as shown (and downloaded)."""
        lang, st = self.lang, self.st
        if name == "allocation":
            return view.allocation_table(
                self._allocation, self.nation, st["level"], st["from"], st["to"], lang
            )
        if name == "categories":
            return view.category_table(self._grants, self.region, lang, self.span)
        if name == "trend":
            frame, region_name_ = self.trend_frame()
            return view.trend_table(frame, region_name_, lang)
        if name == "concentration":
            return view.concentration_table(self._concentration, lang)
        if name == "flags":
            return view.flag_table(self._grants, st["level"], lang, self.span)
        if name == "grants":
            rows = self.filtered_grants()
            href = {g: self.grant_href(g) for g in rows["grant_id"].to_list()}
            return view.grants_table(rows, lang, self.span, href)
        if name == "sources":
            grant = self.grant()
            if grant is None:
                raise KeyError(name)
            return view.source_table(grant, data.grant_sources(self.wh, grant["grant_id"]), lang)
        raise KeyError(name)
