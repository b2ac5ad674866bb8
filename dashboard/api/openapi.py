"""The API's description as OpenAPI 3.1, served at ``/api/openapi.json``.

Written by hand, route by route, so that it says what a reader needs (what a county's value is,
which paging keys a version uses) rather than what a generator can guess. Both versions have the
same routes; v3 alone has the query forms of ``data`` and ``oudata``. A test compares the paths
here with the routes the app registers, so a new route cannot go undescribed, and schemathesis
checks that the server answers what this says it takes.
"""

from __future__ import annotations

from dashboard.api import catalogue as cat
from dashboard.api.kolada import (
    LINKS,
    MAX_PAGE,
    MAX_PER_PAGE,
    VERSIONS,
    YEARS_PATTERN,
    YEARS_QUERY_PATTERN,
)


def _param(name: str, where: str, description: str, schema: dict, required: bool = False):
    return {
        "name": name,
        "in": where,
        "description": description,
        "required": required or where == "path",
        "schema": schema,
    }


STRING = {"type": "string"}
# A path segment: not empty (an empty one is another route, or a redirect), no slash.
SEGMENT = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
PAGING = [
    _param(
        "page",
        "query",
        "Sida, från 1.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    ),
    _param(
        "per_page",
        "query",
        f"Värden per sida, högst {MAX_PER_PAGE} (fler ger 400).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": MAX_PER_PAGE},
    ),
]


def _text(name: str, what: str) -> dict:
    return _param(
        name, "query", f"Del av {what}, utan hänsyn till versaler; tom: inget filter.", STRING
    )


TITLE = _text("title", "titeln")
DESCRIPTION = _text("description", "beskrivningen")
OPERATING_AREA = _text("operating_area", "verksamhetsområdet (KPI-gruppens titel)")
ID = _param("id", "query", "Id, kommaseparerade (som i adressen).", STRING)
FROM_DATE = _param(
    "from_date",
    "query",
    "Ändringar sedan detta datum (ÅÅÅÅ-MM-DD): allt om den publicerade versionen byggdes "
    "samma dag eller senare, annars inget. Ett datavärde får då flaggan för borttaget (aldrig "
    "satt).",
    {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
)
TYPE_SCHEMA = {"type": "string", "pattern": "^[KLkl]?$"}
IDS = {
    "kpi": _param("ids", "path", "Ett eller flera KPI-id, kommaseparerade (BF0001).", SEGMENT),
    "kpi_groups": _param("ids", "path", "Ett eller flera grupp-id, kommaseparerade.", SEGMENT),
    "municipality": _param(
        "ids", "path", "Kommunkod (0180), länets kod med fyra siffror (0001) eller 0000.", SEGMENT
    ),
    "municipality_groups": _param(
        "ids", "path", "Grupp-id, kommaseparerade (GL01, GP5, GKA1).", SEGMENT
    ),
    "ou": _param("ids", "path", "Organisatoriska enheters id (här finns inga).", SEGMENT),
}
DATA_PARAMS = {
    "kpi_ids": _param("kpi_ids", "path", "KPI-id, kommaseparerade.", SEGMENT),
    "place_ids": _param(
        "place_ids",
        "path",
        "Kommun-, läns-, riks- eller grupp-id, kommaseparerade.",
        SEGMENT,
    ),
    "ou_ids": _param("ou_ids", "path", "Enheters id, kommaseparerade (här finns inga).", SEGMENT),
    "years": _param(
        "years",
        "path",
        "År (fyra siffror), kommaseparerade.",
        {"type": "string", "pattern": YEARS_PATTERN},
    ),
}
REPEATED = {"type": "array", "items": STRING}
QUERY_YEARS = _param(
    "year",
    "query",
    "År, upprepade eller kommaseparerade; tom: alla år.",
    {"type": "array", "items": {"type": "string", "pattern": YEARS_QUERY_PATTERN}},
)
# Kolada's item in each list, per version where the versions differ.
ITEM_SCHEMAS = {"Kpi": "Kpi{version}"}


def _list_response(version: str, item: str) -> dict:
    next_key, previous_key = LINKS[version]
    schema = ITEM_SCHEMAS.get(item, item).format(version=version)
    return {
        "type": "object",
        "required": ["values", "count"],
        "properties": {
            "values": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}},
            "count": {"type": "integer", "description": "Antalet värden på den här sidan."},
            next_key: {"type": "string", "format": "uri", "description": "Nästa sida, om någon."},
            previous_key: {
                "type": "string",
                "format": "uri",
                "description": "Föregående sida, om någon.",
            },
        },
    }


def _responses(version: str, item: str) -> dict:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "200": {
            "description": "Värdena (tom lista för id som inte finns).",
            "headers": {
                "ETag": {"schema": STRING},
                "Last-Modified": {"schema": STRING},
                "Cache-Control": {"schema": STRING},
                "Access-Control-Allow-Origin": {"schema": STRING},
            },
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{item}{version}"}}
            },
        },
        "304": {"description": "Oförändrat sedan If-None-Match / If-Modified-Since."},
        "400": {"description": "En parameter som inte går att läsa.", "content": error},
        "401": {"description": "Statistiken är inte öppen: logga in eller ange en token."},
        "404": {"description": "Ingen sådan adress.", "content": error},
        "414": {"description": "Adressen är för lång för servern (gunicorn: 4094 byte)."},
    }


def _get(version: str, summary: str, item: str, parameters: list[dict]) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"{version}_{summary}",
            "parameters": parameters + PAGING,
            "responses": _responses(version, item),
        }
    }


def paths(version: str) -> dict[str, dict]:
    """Every route of one version, as OpenAPI path items."""
    p = f"/api/{version}"
    types = [
        _param("type", "query", "K för kommuner, L för län och riket; tom: alla.", TYPE_SCHEMA),
        _param("region_type", "query", "Som type (rKolada skickar den).", TYPE_SCHEMA),
    ]
    kpi_filters = [TITLE, DESCRIPTION, OPERATING_AREA, ID, FROM_DATE]
    group_filters = [TITLE, ID, FROM_DATE]
    ou_filters = [
        TITLE,
        ID,
        _param("municipality", "query", "Kommunkod, enheternas kommun.", STRING),
        FROM_DATE,
    ]
    kpi_ids, place_ids, ou_ids, years = (
        DATA_PARAMS[k] for k in ("kpi_ids", "place_ids", "ou_ids", "years")
    )
    out = {
        f"{p}/kpi": _get(version, "kpi_list", "KpiList", kpi_filters),
        f"{p}/kpi/{{ids}}": _get(version, "kpi_by_id", "KpiList", [IDS["kpi"], *kpi_filters]),
        f"{p}/kpi_groups": _get(version, "kpi_groups", "KpiGroupList", group_filters),
        f"{p}/kpi_groups/{{ids}}": _get(
            version, "kpi_groups_by_id", "KpiGroupList", [IDS["kpi_groups"], *group_filters]
        ),
        f"{p}/municipality": _get(
            version, "municipality_list", "MunicipalityList", [*group_filters, *types]
        ),
        f"{p}/municipality/{{ids}}": _get(
            version,
            "municipality_by_id",
            "MunicipalityList",
            [IDS["municipality"], *group_filters, *types],
        ),
        f"{p}/municipality_groups": _get(
            version, "municipality_groups", "MunicipalityGroupList", group_filters
        ),
        f"{p}/municipality_groups/{{ids}}": _get(
            version,
            "municipality_groups_by_id",
            "MunicipalityGroupList",
            [IDS["municipality_groups"], *group_filters],
        ),
        f"{p}/ou": _get(version, "ou_list", "OuList", ou_filters),
        f"{p}/ou/{{ids}}": _get(version, "ou_by_id", "OuList", [IDS["ou"], *ou_filters]),
        f"{p}/data/kpi/{{kpi_ids}}/municipality/{{place_ids}}/year/{{years}}": _get(
            version,
            "data_kpi_municipality_year",
            "DataList",
            [kpi_ids, place_ids, years, FROM_DATE],
        ),
        f"{p}/data/kpi/{{kpi_ids}}/year/{{years}}": _get(
            version, "data_kpi_year", "DataList", [kpi_ids, years, FROM_DATE]
        ),
        f"{p}/data/kpi/{{kpi_ids}}/municipality/{{place_ids}}": _get(
            version, "data_kpi_municipality", "DataList", [kpi_ids, place_ids, FROM_DATE]
        ),
        f"{p}/data/municipality/{{place_ids}}/year/{{years}}": _get(
            version, "data_municipality_year", "DataList", [place_ids, years, FROM_DATE]
        ),
        f"{p}/data/kpi/{{kpi_ids}}": _get(version, "data_kpi", "DataList", [kpi_ids, FROM_DATE]),
        f"{p}/oudata/kpi/{{kpi_ids}}/ou/{{ou_ids}}/year/{{years}}": _get(
            version, "oudata_kpi_ou_year", "OuDataList", [kpi_ids, ou_ids, years, FROM_DATE]
        ),
        f"{p}/oudata/kpi/{{kpi_ids}}/year/{{years}}": _get(
            version, "oudata_kpi_year", "OuDataList", [kpi_ids, years, FROM_DATE]
        ),
        f"{p}/oudata/kpi/{{kpi_ids}}/ou/{{ou_ids}}": _get(
            version, "oudata_kpi_ou", "OuDataList", [kpi_ids, ou_ids, FROM_DATE]
        ),
        f"{p}/oudata/ou/{{ou_ids}}/year/{{years}}": _get(
            version, "oudata_ou_year", "OuDataList", [ou_ids, years, FROM_DATE]
        ),
        f"{p}/oudata/kpi/{{kpi_ids}}": _get(
            version, "oudata_kpi", "OuDataList", [kpi_ids, FROM_DATE]
        ),
    }
    if version == "v3":
        out[f"{p}/data"] = _get(
            version,
            "data_query",
            "DataList",
            [
                _param("kpi_id", "query", "KPI-id, upprepade eller kommaseparerade.", REPEATED),
                _param(
                    "municipality_id",
                    "query",
                    "Plats-id, upprepade eller kommaseparerade. Utan kpi_id och "
                    "municipality_id: alla värden.",
                    REPEATED,
                ),
                QUERY_YEARS,
                FROM_DATE,
            ],
        )
        out[f"{p}/oudata"] = _get(
            version,
            "oudata_query",
            "OuDataList",
            [
                _param("kpi_id", "query", "KPI-id, upprepade eller kommaseparerade.", REPEATED),
                _param("ou_id", "query", "Enheters id (här finns inga).", REPEATED),
                _param("municipality_id", "query", "Kommunkod.", REPEATED),
                QUERY_YEARS,
                FROM_DATE,
            ],
        )
    return out


def _kpi(version: str) -> dict:
    flag = {"type": "boolean"} if version == "v3" else {"type": "integer", "enum": [0, 1]}
    return {
        "type": "object",
        "required": ["id", "title", "description", "municipality_type"],
        "properties": {
            "id": {"type": "string", "examples": ["BF0003"]},
            "title": STRING,
            "description": {
                "type": "string",
                "description": "Definitionen, vad värdet är för kommun, län, riket och "
                "grupper, och källan.",
            },
            "definition": STRING,
            "unit": STRING,
            "municipality_type": {"type": "string", "enum": ["K", "L", "A"]},
            "is_divided_by_gender": {**flag, "description": "v3: true/false, v2: 1/0."},
            "has_ou_data": {"type": "boolean"},
            "operating_area": STRING,
            "perspective": {"type": ["string", "null"]},
            "auspices": {"type": ["string", "null"]},
            "publication_date": {"type": ["string", "null"], "format": "date"},
            "prel_publication_date": {"type": ["string", "null"]},
            "ou_publication_date": {"type": ["string", "null"]},
            "publ_period": {"type": "string", "description": "Senaste år med värden."},
        },
    }


SCHEMAS: dict[str, dict] = {
    "Kpiv3": _kpi("v3"),
    "Kpiv2": _kpi("v2"),
    "Member": {
        "type": "object",
        "required": ["member_id", "member_title"],
        "properties": {"member_id": STRING, "member_title": STRING},
    },
    "KpiGroup": {
        "type": "object",
        "required": ["id", "title", "members"],
        "properties": {
            "id": STRING,
            "title": STRING,
            "members": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}},
        },
    },
    "Municipality": {
        "type": "object",
        "required": ["id", "title", "type"],
        "properties": {
            "id": {"type": "string", "examples": ["0180", "0001", cat.NATION_ID]},
            "title": STRING,
            "type": {"type": "string", "enum": ["K", "L"]},
        },
    },
    "MunicipalityGroup": {"$ref": "#/components/schemas/KpiGroup"},
    "Value": {
        "type": "object",
        "required": ["count", "gender", "status", "value"],
        "properties": {
            "count": {
                "type": "integer",
                "description": "Kommuner bakom värdet (1 för en kommun, 0 utan värde).",
            },
            "gender": {"type": "string", "enum": ["T"]},
            "status": {
                "type": "string",
                "description": f"Tom när värdet finns, annars ”{cat.NOT_REPORTED}”.",
            },
            "value": {"type": ["number", "null"]},
            "isdeleted": {"type": "boolean", "description": "v3, med from_date."},
            "is_deleted": {"type": "integer", "description": "v2, med from_date."},
        },
    },
    "Data": {
        "type": "object",
        "required": ["kpi", "municipality", "period", "values"],
        "properties": {
            "kpi": STRING,
            "municipality": STRING,
            "period": {"type": "integer"},
            "values": {"type": "array", "items": {"$ref": "#/components/schemas/Value"}},
        },
    },
    "Ou": {
        "type": "object",
        "required": ["id", "title", "municipality"],
        "properties": {"id": STRING, "title": STRING, "municipality": STRING},
    },
    "OuData": {
        "type": "object",
        "required": ["kpi", "ou", "period", "values"],
        "properties": {
            "kpi": STRING,
            "ou": STRING,
            "period": {"type": "integer"},
            "values": {"type": "array", "items": {"$ref": "#/components/schemas/Value"}},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": STRING, "status": {"type": "integer"}},
    },
}


LIST_ITEMS = ("Kpi", "KpiGroup", "Municipality", "MunicipalityGroup", "Data", "Ou", "OuData")


def spec(server_url: str) -> dict:
    """The whole description, with ``server_url`` (the app's root as the client sees it)."""
    schemas = dict(SCHEMAS)
    for version in VERSIONS:
        for item in (
            "Kpi",
            "KpiGroup",
            "Municipality",
            "MunicipalityGroup",
            "Data",
            "Ou",
            "OuData",
        ):
            schemas[f"{item}List{version}"] = _list_response(version, item)
    all_paths: dict[str, dict] = {}
    for version in VERSIONS:
        all_paths.update(paths(version))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Brottsförebyggande arbete – nyckeltal i Koladas form",
            "version": "3",
            "description": "Läs-API med samma form som Koladas v3 och v2 (api.kolada.se): "
            "nyckeltal (KPI) per kommun, län, riket och kommungrupp och år. Se docs/api.md.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": all_paths,
        "components": {"schemas": schemas},
    }
