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
from dashboard.views.municipality import reference_date

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
    picked_raw = state.first(query.get("urval"))
    picked = []
    if isinstance(picked_raw, str):
        wanted = [c.strip() for c in picked_raw.replace(";", ",").split(",") if c.strip()]
        picked = [c for c in dict.fromkeys(wanted) if c in set(codes)][:MAX_PICKED]
    code = state.parse_code(query.get("kod"), codes)
    group = state.parse_choice(query.get("grupp"), groups, groups[0])
    indicator = state.parse_choice(query.get("ind"), (*cmp.BOOLS, *cmp.NUMBERS), DEFAULT_INDICATOR)
    return {
        "level": level,
        "code": code,
        "year": state.parse_year(query.get("year"), meta.years),
        "group": group,
        "picked": [c for c in picked if c != code],
        "indicator": indicator,
    }


def query(st: dict) -> str:
    return state.query_string(
        {
            "niva": None if st["level"] == "kommun" else st["level"],
            "kod": st["code"],
            "year": st["year"],
            "grupp": st["group"],
            "urval": ",".join(st["picked"]) if st["group"] == "egen" else None,
            "ind": None if st["indicator"] == DEFAULT_INDICATOR else st["indicator"],
        }
    )


def href(st: dict) -> str:
    return "/jamfor" + query(st)


def ignored(raw: dict, st: dict) -> list[tuple[str, str, str]]:
    return state.ignored(
        {
            "niva": (raw.get("niva"), st["level"]),
            "year": (raw.get("year"), st["year"]),
            "grupp": (raw.get("grupp"), st["group"]),
            "ind": (raw.get("ind"), st["indicator"]),
        }
    )


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

    def units_for(
        self, muni: pl.DataFrame, regions: pl.DataFrame | None, year: int
    ) -> tuple[pl.DataFrame, dict | None]:
        """The units of the level in ``year``, and for counties the nation as a unit."""
        ref = reference_date(year, self.today, self.meta.last_year)
        units = cmp.municipality_units(muni, year, ref)
        if self.county_mode:
            return cmp.county_units(units, regions), cmp.nation_unit(units, regions)
        return units, None

    @cached_property
    def _units(self) -> tuple[pl.DataFrame, dict | None]:
        year = self.st["year"]
        regions = data.region_year(self.wh, year) if self.county_mode else None
        return self.units_for(data.municipality_year(self.wh, year), regions, year)

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
        """This place and its peers, year by year, for the chosen indicator."""
        key, out = self.st["indicator"], []
        history = data.municipality_years(self.wh)
        counties = data.county_years(self.wh) if self.county_mode else None
        for year in self.meta.years:
            muni = history.filter(pl.col("year") == year)
            regions = counties.filter(pl.col("year") == year) if counties is not None else None
            units, national = self.units_for(muni, regions, year)
            mine = units.filter(pl.col("code") == self.st["code"])
            if not mine.height:
                continue
            me = mine.row(0, named=True)
            group = cmp.peers(units, self.st["code"], self.st["group"], self.st["picked"])
            rows = cmp.compare(me, group, units, self.county_mode, national)
            [row] = [r for r in rows if r.key == key]
            if row.kind == "bool":
                peers, base = row.peers_share, row.peers_base
            else:
                peers, base = row.median, row.peers_n
            out.append(
                {
                    "year": year,
                    "value": row.value,
                    "peers": peers,
                    "base": base,
                    "national": row.national,
                }
            )
        return out

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
