"""The API's description as OpenAPI 3.1, served at ``/api/openapi.json``.

Written by hand, route by route, so that it says what a reader needs (what a county's value is,
which paging keys a version uses) rather than what a generator can guess. Both versions have the
same routes; v3 alone has the query form of ``data``. A test compares the paths here with the
routes the app registers, so a new route cannot go undescribed.
"""

from __future__ import annotations

from dashboard.api import catalogue as cat
from dashboard.api.kolada import LINKS, MAX_PER_PAGE, VERSIONS


def _param(name: str, where: str, description: str, schema: dict, required: bool = False):
    return {
        "name": name,
        "in": where,
        "description": description,
        "required": required or where == "path",
        "schema": schema,
    }


STRING = {"type": "string"}
PAGING = [
    _param("page", "query", "Sida, från 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _param(
        "per_page",
        "query",
        f"Värden per sida, högst {MAX_PER_PAGE} (fler ger 400).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": MAX_PER_PAGE},
    ),
]
TITLE = _param("title", "query", "Del av titeln, utan hänsyn till versaler.", STRING)
FROM_DATE = _param(
    "from_date",
    "query",
    "Ändringar sedan detta datum (ÅÅÅÅ-MM-DD): alla värden om den publicerade versionen byggdes "
    "samma dag eller senare, annars inga. Varje värde får då flaggan för borttaget (aldrig satt).",
    {"type": "string", "format": "date"},
)
IDS = {
    "kpi": _param("ids", "path", "Ett eller flera KPI-id, kommaseparerade (BF0001).", STRING),
    "kpi_groups": _param("ids", "path", "Ett eller flera grupp-id, kommaseparerade.", STRING),
    "municipality": _param(
        "ids", "path", "Kommunkod (0180), länets kod med fyra siffror (0001) eller 0000.", STRING
    ),
    "municipality_groups": _param(
        "ids", "path", "Grupp-id, kommaseparerade (GL01, GP5, GKA1).", STRING
    ),
}
DATA_PARAMS = {
    "kpi_ids": _param("kpi_ids", "path", "KPI-id, kommaseparerade.", STRING),
    "place_ids": _param(
        "place_ids",
        "path",
        "Kommun-, läns-, riks- eller grupp-id, kommaseparerade.",
        STRING,
    ),
    "years": _param("years", "path", "År (fyra siffror), kommaseparerade.", STRING),
}


def _list_response(version: str, item: str) -> dict:
    next_key, previous_key = LINKS[version]
    return {
        "type": "object",
        "required": ["values", "count"],
        "properties": {
            "values": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
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
    municipality_type = _param(
        "type",
        "query",
        "K för kommuner, L för län och riket (region_type går också).",
        {"type": "string", "enum": ["K", "L"]},
    )
    region_type = _param(
        "region_type", "query", "Som type.", {"type": "string", "enum": ["K", "L"]}
    )
    out = {
        f"{p}/kpi": _get(version, "kpi_list", "KpiList", [TITLE]),
        f"{p}/kpi/{{ids}}": _get(version, "kpi_by_id", "KpiList", [IDS["kpi"], TITLE]),
        f"{p}/kpi_groups": _get(version, "kpi_groups", "KpiGroupList", [TITLE]),
        f"{p}/kpi_groups/{{ids}}": _get(
            version, "kpi_groups_by_id", "KpiGroupList", [IDS["kpi_groups"], TITLE]
        ),
        f"{p}/municipality": _get(
            version,
            "municipality_list",
            "MunicipalityList",
            [TITLE, municipality_type, region_type],
        ),
        f"{p}/municipality/{{ids}}": _get(
            version,
            "municipality_by_id",
            "MunicipalityList",
            [IDS["municipality"], TITLE, municipality_type, region_type],
        ),
        f"{p}/municipality_groups": _get(
            version, "municipality_groups", "MunicipalityGroupList", [TITLE]
        ),
        f"{p}/municipality_groups/{{ids}}": _get(
            version,
            "municipality_groups_by_id",
            "MunicipalityGroupList",
            [IDS["municipality_groups"], TITLE],
        ),
        f"{p}/data/kpi/{{kpi_ids}}/municipality/{{place_ids}}/year/{{years}}": _get(
            version,
            "data_kpi_municipality_year",
            "DataList",
            [DATA_PARAMS["kpi_ids"], DATA_PARAMS["place_ids"], DATA_PARAMS["years"], FROM_DATE],
        ),
        f"{p}/data/kpi/{{kpi_ids}}/year/{{years}}": _get(
            version,
            "data_kpi_year",
            "DataList",
            [DATA_PARAMS["kpi_ids"], DATA_PARAMS["years"], FROM_DATE],
        ),
        f"{p}/data/kpi/{{kpi_ids}}/municipality/{{place_ids}}": _get(
            version,
            "data_kpi_municipality",
            "DataList",
            [DATA_PARAMS["kpi_ids"], DATA_PARAMS["place_ids"], FROM_DATE],
        ),
        f"{p}/data/municipality/{{place_ids}}/year/{{years}}": _get(
            version,
            "data_municipality_year",
            "DataList",
            [DATA_PARAMS["place_ids"], DATA_PARAMS["years"], FROM_DATE],
        ),
    }
    if version == "v3":
        repeated = {"type": "array", "items": STRING}
        out[f"{p}/data"] = _get(
            version,
            "data_query",
            "DataList",
            [
                _param("kpi_id", "query", "KPI-id, upprepade eller kommaseparerade.", repeated),
                _param(
                    "municipality_id",
                    "query",
                    "Plats-id, upprepade eller kommaseparerade; kpi_id eller municipality_id "
                    "krävs.",
                    repeated,
                ),
                _param("year", "query", "År, upprepade eller kommaseparerade.", repeated),
                FROM_DATE,
            ],
        )
    return out


SCHEMAS: dict[str, dict] = {
    "Kpi": {
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
            "is_divided_by_gender": {"type": "integer", "enum": [0, 1]},
            "has_ou_data": {"type": "boolean"},
            "operating_area": STRING,
            "perspective": {"type": ["string", "null"]},
            "auspice": {"type": ["string", "null"]},
            "publication_date": {"type": ["string", "null"], "format": "date"},
            "prel_publication_date": {"type": ["string", "null"]},
            "ou_publication_date": {"type": ["string", "null"]},
            "publ_period": {"type": "string", "description": "Senaste år med värden."},
        },
    },
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
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": STRING, "status": {"type": "integer"}},
    },
}


def spec(server_url: str) -> dict:
    """The whole description, with ``server_url`` (the app's root as the client sees it)."""
    schemas = dict(SCHEMAS)
    for version in VERSIONS:
        for item in ("Kpi", "KpiGroup", "Municipality", "MunicipalityGroup", "Data"):
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
