"""What the API answers, as Kolada's objects: KPIs, places, groups and data values.

Reads the warehouse only through ``dashboard.data`` (one request, one version). The metadata
come as lists of dicts in Kolada's shape; the data as light parts (``data_values``) that
``render`` makes into Kolada's objects one page at a time. Both in a stable order (by id, then
year), so that paging over them is stable too; the HTTP layer (``kolada.py``) filters, pages and
serialises.

A value is formed by its KPI's kind (``catalogue``): per municipality a yes/no figure is 1 or 0
and a missing one is ``null`` with the status "Ej rapporterat", never 0; for a county, the nation
or a group it is the share in per cent of the municipalities with a value, and ``count`` is how
many municipalities are behind it (Kolada's meaning of count).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dashboard import data, i18n
from dashboard.api import catalogue as cat

# mart_region_year's levels, and the SKR groups api_region_values.sql adds.
COUNTY, POLICE_REGION, NATION, SKR_GROUP = "county", "police_region", "nation", "skr_group"


@dataclass(frozen=True)
class Places:
    """The places and groups of one warehouse version."""

    municipalities: list[dict]  # Kolada's municipality objects (K, L and the nation), by id
    groups: list[dict]  # Kolada's municipality_groups objects, by id
    codes: frozenset[str]  # the ids of type K
    regions: dict[str, tuple[str, str]]  # any other id -> (level, region_code) of the queries
    default_ids: tuple[str, ...]  # a data query without places: K, L and the nation


def places(wh: data.Warehouse) -> Places:
    """The places and groups of the request's version (made once per version)."""
    return wh.memo("api.places", lambda: _places(wh))


def _places(wh: data.Warehouse) -> Places:
    rows = data.api_places(wh).to_dicts()
    municipalities = [
        {"id": r["municipality_code"], "title": r["municipality_name"], "type": "K"} for r in rows
    ]
    regions: dict[str, tuple[str, str]] = {cat.NATION_ID: (NATION, "SE")}
    counties: dict[str, str] = {}
    members: dict[str, list[dict]] = defaultdict(list)
    titles: dict[str, str] = {}
    for r in rows:
        member = {"member_id": r["municipality_code"], "member_title": r["municipality_name"]}
        county = r["county_code"]
        counties[county] = r["county_name"]
        regions[cat.county_id(county)] = (COUNTY, county)
        group = cat.county_group_id(county)
        regions[group], titles[group] = (COUNTY, county), r["county_name"]
        members[group].append(member)
        police = cat.POLICE_REGION_IDS.get(r["police_region"])
        if police is not None:  # a police region the table lacks has no group (a test says so)
            regions[police] = (POLICE_REGION, r["police_region"])
            titles[police] = f"{i18n.t('police_region', cat.SV)} {r['police_region']}"
            members[police].append(member)
        if r["municipality_group"] is not None:
            skr = cat.skr_group_id(r["municipality_group"])
            regions[skr] = (SKR_GROUP, r["municipality_group"])
            label = i18n.t(
                "cmp_label_kommungrupp",
                cat.SV,
                code=r["municipality_group"],
                name=r["municipality_group_name"],
            )
            titles[skr] = label[:1].upper() + label[1:]
            members[skr].append(member)
    municipalities += [
        {"id": cat.county_id(code), "title": name, "type": "L"} for code, name in counties.items()
    ]
    municipalities.append({"id": cat.NATION_ID, "title": i18n.t("nation", cat.SV), "type": "L"})
    municipalities.sort(key=lambda m: m["id"])
    groups = [
        {"id": gid, "title": titles[gid], "members": sorted(ms, key=lambda m: m["member_id"])}
        for gid, ms in sorted(members.items())
    ]
    codes = frozenset(m["id"] for m in municipalities if m["type"] == "K")
    default = tuple(m["id"] for m in municipalities)
    return Places(municipalities, groups, codes, regions, default)


def kpis(meta: data.Meta, register_last_year: int, version: str = "v3") -> list[dict]:
    """Every KPI's metadata object, in id order, as Kolada's ``version`` has it (v3: the flags
    are JSON booleans; v2: ``is_divided_by_gender`` is 0 or 1). ``publ_period``: the latest
    year with values (the grant register may hold a funding year after the last reporting
    year); ``publication_date``: the day the warehouse version that answers was built."""
    published = meta.built_at.date().isoformat() if meta.built_at else None
    out = []
    for kpi in cat.KPIS:
        last = register_last_year if kpi.register else meta.last_year
        out.append(
            {
                "id": kpi.id,
                **cat.kpi_texts(kpi),
                "municipality_type": "A",
                "is_divided_by_gender": False if version == "v3" else 0,
                "has_ou_data": False,
                "operating_area": cat.group_title(kpi.group),
                "perspective": None,
                "auspices": None,
                "publication_date": published,
                "prel_publication_date": None,
                "ou_publication_date": None,
                "publ_period": str(last),
            }
        )
    return out


def kpi_groups() -> list[dict]:
    return [
        {
            "id": gid,
            "title": cat.group_title(gid),
            "members": [
                {"member_id": k.id, "member_title": cat.kpi_title(k)}
                for k in cat.KPIS
                if k.group == gid
            ],
        }
        for gid in cat.KPI_GROUPS
    ]


def _municipality_value(kpi: cat.Kpi, row: dict) -> tuple[float | int | None, int, str]:
    value = row[kpi.column]
    if kpi.kind == cat.RECEIVED:
        return (1 if value else 0), 1, ""
    if value is None:
        return None, 0, cat.NOT_REPORTED
    if kpi.kind == cat.YES_NO:
        return (1 if value else 0), 1, ""
    return float(value), 1, ""


def _region_value(kpi: cat.Kpi, row: dict) -> tuple[float | None, int, str]:
    col = kpi.column
    if kpi.kind == cat.RECEIVED:
        return 100 * row["share_reported"], row["municipalities"], ""
    if kpi.kind == cat.YES_NO:
        n, value = row[f"denominator_{col}"], row[f"share_{col}"]
        value = None if value is None else 100 * value
    elif kpi.kind == cat.MEAN:
        n, value = row[f"n_{col}"], row[f"mean_{col}"]
    else:
        n, value = row[f"n_{col}"], row[col]
    # Nobody behind the value (no municipality reported): not reported, whatever the sum says.
    if not n or value is None:
        return None, 0, cat.NOT_REPORTED
    return float(value), n, ""


def _in(row: dict, years: set[int] | None) -> bool:
    return years is None or row["year"] in years


def _municipality_rows(wh: data.Warehouse) -> dict[str, list[dict]]:
    """Every municipality's rows by code, in year order: read once per version (2,900 rows for
    ten years), so that a data request is a lookup, not a query."""

    def read() -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for row in data.api_municipality_values(wh, None, None).to_dicts():
            out[row["municipality_code"]].append(row)
        return dict(out)

    return wh.memo("api.municipality_rows", read)


def _region_rows(wh: data.Warehouse) -> dict[tuple[str, str], list[dict]]:
    """Every county's, police region's, SKR group's and the nation's rows, read once per
    version (the query that makes them aggregates every municipality)."""

    def read() -> dict[tuple[str, str], list[dict]]:
        out: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in data.api_region_values(wh, None).to_dicts():
            out[(row["level"], row["region_code"])].append(row)
        return dict(out)

    return wh.memo("api.region_rows", read)


def data_values(
    wh: data.Warehouse,
    where: Places,
    kpis: list[cat.Kpi],
    ids: list[str] | None,
    years: list[int] | None,
) -> list[tuple]:
    """What Kolada's data objects are made of, for the KPIs, place ids (None: K, L and the
    nation) and years (None: all), by KPI, place and year; ``render`` makes a page of them into
    the objects (making only the page asked for saves most of the time). An id that names no
    place gives nothing."""
    wanted = sorted(set(ids)) if ids is not None else list(where.default_ids)
    codes = [i for i in wanted if i in where.codes]
    regions = [i for i in wanted if i in where.regions]
    by_code: dict[str, list[dict]] = defaultdict(list)
    by_region: dict[tuple[str, str], list[dict]] = defaultdict(list)
    wanted_years = None if years is None else set(years)
    if codes:
        every = _municipality_rows(wh)
        for code in codes:
            by_code[code] = [r for r in every.get(code, ()) if _in(r, wanted_years)]
    if regions:
        every = _region_rows(wh)
        for place in regions:
            key = where.regions[place]
            by_region[key] = [r for r in every.get(key, ()) if _in(r, wanted_years)]
    out = []
    for kpi in kpis:
        for place in wanted:
            if place in where.codes:
                rows, value_of = by_code[place], _municipality_value
            elif place in where.regions:
                rows, value_of = by_region[where.regions[place]], _region_value
            else:
                continue
            # by year (the queries' order); the figures from the reports only in reporting years
            out += [
                (kpi, place, row, value_of)
                for row in rows
                if kpi.register or row["is_reporting_year"]
            ]
    return out


def render(parts: list[tuple], deleted_key: str | None = None) -> list[dict]:
    """Kolada's data objects of ``data_values``' parts. ``deleted_key``: the name of the
    deleted flag a ``from_date`` query adds to each value (nothing here is ever deleted)."""
    out = []
    for kpi, place, row, value_of in parts:
        value, count, status = value_of(kpi, row)
        item = {"count": count, "gender": "T", "status": status, "value": value}
        if deleted_key is not None:
            item[deleted_key] = 0 if deleted_key == "is_deleted" else False
        out.append({"kpi": kpi.id, "municipality": place, "period": row["year"], "values": [item]})
    return out
