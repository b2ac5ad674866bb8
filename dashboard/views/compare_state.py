"""Jämför: the view's state (from and to the URL) and its content, computed once per request.

``/jamfor?niva=kommun&kod=0114&year=2024&grupp=kommungrupp&ind=has_action_plan`` or, hand-picked,
``&grupp=egen&urval=0115,0117,0120``; a county against the other counties with ``niva=lan``.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import polars as pl

from dashboard import data, fmt, state
from dashboard.components.table import Table
from dashboard.i18n import Lang, t
from dashboard.views import compare as cmp
from dashboard.views import compare_tables as tables

LEVELS = ("kommun", "lan")
DEFAULT_INDICATOR = "meets_legal_requirements"
MAX_PICKED = 60


def parse(wh: data.Warehouse, meta: data.Meta, query: dict) -> dict:
    level = state.parse_choice(query.get("niva"), LEVELS, "kommun")
    county_mode = level == "lan"
    if county_mode:
        codes = data.regions(wh, "county")["region_code"].to_list()
    else:
        codes = data.municipalities(wh)["municipality_code"].to_list()
    groups = cmp.COUNTY_GROUPS if county_mode else cmp.GROUPS
    picked, unknown = resolve_picked(wh, level, state.first(query.get("urval")))
    code = state.parse_code(query.get("kod"), codes)
    group = state.parse_choice(query.get("grupp"), groups, groups[0])
    indicator = state.parse_choice(query.get("ind"), (*cmp.BOOLS, *cmp.NUMBERS), DEFAULT_INDICATOR)
    return {
        "level": level,
        "code": code,
        "year": state.parse_year(query.get("year"), meta.years),
        "group": group,
        "picked": [c for c in picked if c != code],
        "unknown": unknown,
        "indicator": indicator,
    }


def resolve_picked(wh: data.Warehouse, level: str, text: object) -> tuple[list[str], list[str]]:
    """The hand-picked list, codes or names (any case) separated by commas: (the codes found, in
    order and once each, at most ``MAX_PICKED``; the parts that name no place, as given)."""
    if not isinstance(text, str):
        return [], []
    by_key: dict[str, str] = {}
    for code, label in place_options(wh, level):
        by_key[code] = code
        by_key[label.lower()] = code
        by_key[label.split(" (")[0].lower()] = code
    found: list[str] = []
    unknown: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()[:40]
        if not part:
            continue
        code = by_key.get(part) or by_key.get(part.lower())
        if code is None:
            unknown.append(part)
        elif code not in found:
            found.append(code)
    return found[:MAX_PICKED], unknown[:10]


def as_query(st: dict) -> dict:
    """A state (as the page stores it) as URL parameters, for ``parse`` and for the link."""
    # .get throughout: a stored state comes back from the browser, and parse() judges it
    picked = [str(p) for p in (st.get("picked") or []) + (st.get("unknown") or [])]
    return {
        "niva": None if st.get("level") == "kommun" else st.get("level"),
        "kod": st.get("code"),
        "year": st.get("year"),
        "grupp": st.get("group"),
        # the parts that named no place stay in the link, so that it says so again
        "urval": ",".join(picked) if st.get("group") == "egen" else None,
        "ind": None if st.get("indicator") == DEFAULT_INDICATOR else st.get("indicator"),
    }


def query(st: dict) -> str:
    return state.query_string(as_query(st))


def href(st: dict) -> str:
    return "/jamfor" + query(st)


def ignored(raw: dict, st: dict, lang: Lang = "sv") -> list[tuple[str, str, str]]:
    """The URL's values the view could not use, the hand-picked parts that name no place too."""
    found = state.ignored(
        {
            "niva": (raw.get("niva"), st["level"]),
            "year": (raw.get("year"), st["year"]),
            "grupp": (raw.get("grupp"), st["group"]),
            "ind": (raw.get("ind"), st["indicator"]),
        }
    )
    if st["group"] == "egen":
        found += [("urval", part, t("cmp_picked_left_out", lang)) for part in st["unknown"]]
    return found


def place_options(wh: data.Warehouse, level: str) -> list[tuple[str, str]]:
    if level == "lan":
        rows = data.regions(wh, "county")
        return list(zip(rows["region_code"], rows["region_name"], strict=True))
    rows = data.municipalities(wh)
    return [
        (c, f"{n} ({c})")
        for c, n in zip(rows["municipality_code"], rows["municipality_name"], strict=True)
    ]


def group_options(level: str, lang: Lang) -> list[tuple[str, str]]:
    groups = cmp.COUNTY_GROUPS if level == "lan" else cmp.GROUPS
    return [(g, t(f"cmp_group_{g}", lang)) for g in groups]


class Content:
    """Everything the page shows for one state."""

    def __init__(self, wh: data.Warehouse, meta: data.Meta, st: dict, lang: Lang) -> None:
        self.wh, self.meta, self.st, self.lang = wh, meta, st, lang
        self.county_mode = st["level"] == "lan"
        self.today = dt.date.today()

    @cached_property
    def _units(self) -> tuple[pl.DataFrame, dict | None]:
        """The units of the level in the year, and for counties the nation as a unit."""
        year = self.st["year"]
        units = cmp.municipality_units(
            data.municipality_year(self.wh, year), self.meta.last_year, self.today
        )
        if not self.county_mode:
            return units, None
        regions = data.region_year(self.wh, year)
        national = cmp.nation_units(units, regions).row(0, named=True)
        return cmp.county_units(units, regions), national

    @property
    def units(self) -> pl.DataFrame:
        return self._units[0]

    @cached_property
    def me(self) -> dict:
        return self.units.filter(pl.col("code") == self.st["code"]).row(0, named=True)

    @cached_property
    def group(self) -> pl.DataFrame:
        return cmp.peers(self.units, self.st["code"], self.st["group"], self.st["picked"])

    @cached_property
    def rows(self) -> list[cmp.Row]:
        return cmp.compare(self.me, self.group, self.units, self.county_mode, self._units[1])

    @property
    def name(self) -> str:
        me = self.me
        return me["name"] if self.county_mode else f"{me['name']} ({me['code']})"

    def group_label(self) -> str:
        me, lang, group = self.me, self.lang, self.st["group"]
        if group == "kommungrupp":
            return t("cmp_label_kommungrupp", lang, code=me["group"], name=me["group_name"])
        if group == "lan":
            county = data.regions(self.wh, "county").filter(
                pl.col("region_code") == me["county_code"]
            )
            return t("cmp_label_lan", lang, name=county["region_name"][0])
        if group == "polisregion":
            return t("cmp_label_polisregion", lang, name=me["police_region"])
        if group == "folkmangd":
            low, high = cmp.population_band(me["population"])
            return t(
                "cmp_label_folkmangd", lang, low=fmt.number(low, lang), high=fmt.number(high, lang)
            )
        if group == "egen":
            return t("cmp_label_egen", lang, n=self.group.height)
        return t("cmp_label_lan_alla", lang)

    def series(self) -> list[dict]:
        """This place against its peers (the same places every year) and the nation, year by
        year, for the chosen indicator: all years at once, so that the cost does not grow with
        a comparison per year."""
        key = self.st["indicator"]
        units = cmp.municipality_units(
            data.municipality_years(self.wh), self.meta.last_year, self.today
        )
        national = None
        if self.county_mode:
            regions = data.county_years(self.wh)
            national = cmp.nation_units(units, regions).select("year", national=pl.col(key))
            units = cmp.county_units(units, regions)
        mine = units.filter(pl.col("code") == self.st["code"]).select("year", value=pl.col(key))
        peers = units.filter(pl.col("code").is_in(self.group["code"].to_list()))
        value = pl.col(key)
        if key in cmp.BOOLS and not self.county_mode:
            # the share of "yes" over those with an answer (not reported counted apart)
            summary = pl.when(value.count() > 0).then(value.sum() / value.count() * 100)
        else:
            summary = value.median()
        by_year = peers.group_by("year").agg(peers=summary, base=value.count())
        if national is None:
            national = units.group_by("year").agg(national=summary)
        rows = mine.join(by_year, on="year", how="left").join(national, on="year", how="left")
        return rows.sort("year").to_dicts()

    def table(self, name: str) -> Table:
        lang, st = self.lang, self.st
        if name == "comparison":
            return tables.comparison_table(
                self.rows, self.name, self.group_label(), self.county_mode, lang
            )
        if name == "years":
            return tables.years_table(
                self.series(), st["indicator"], self.name, self.county_mode, lang
            )
        if name == "learn":
            return tables.learn_table(self.me, self.group, st["year"], self.county_mode, lang)
        if name == "peers":
            return tables.peers_table(self.group, st["year"], self.county_mode, lang)
        raise KeyError(name)
