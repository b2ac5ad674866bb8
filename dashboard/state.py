"""What a view's URL says: parsing and writing the query string of each page.

Every view's state (year, indicator, level, selection, filter, sort) lives in the query string so
a copied link reopens the same view. Parsing never trusts the URL: unknown values fall back to
defaults, and indicator keys must be in the whitelist before they are used anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from dashboard.i18n import INDICATORS, LEVEL_TO_MART, LEVELS

DEFAULT_INDICATOR = "has_council"
DEFAULT_LEVEL = "kommun"
SHOW_FILTERS = ("alla", "ja", "nej", "ej")
REGION_LEVELS = tuple(LEVEL_TO_MART)  # lan, polisregion
SORT_ORDERS = ("asc", "desc")


def first(value: object) -> object:
    """A query parameter given twice arrives as a list: take the first."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def parse_year(value: object, years: Iterable[int], default: int | None = None) -> int:
    """The year asked for when the warehouse has it, else ``default`` (else the latest)."""
    years = list(years)
    try:
        year = int(str(first(value)))
    except (TypeError, ValueError):
        year = None
    if year in years:
        return year
    return default if default in years else max(years)


def parse_choice(value: object, allowed: Iterable[str], default: str) -> str:
    """``value`` when it is one of ``allowed``, else ``default``."""
    value = first(value)
    return value if isinstance(value, str) and value in set(allowed) else default


def parse_indicator(value: object) -> str:
    return parse_choice(value, INDICATORS, DEFAULT_INDICATOR)


def parse_level(value: object) -> str:
    return parse_choice(value, LEVELS, DEFAULT_LEVEL)


def parse_code(value: object, known: Iterable[str]) -> str | None:
    """A municipality or region code when it is known, else None."""
    value = first(value)
    return value if isinstance(value, str) and value in set(known) else None


def query_string(params: Mapping[str, object]) -> str:
    """``?a=1&b=x`` from the parameters that have a value (empty string for none)."""
    items = [(k, str(v)) for k, v in params.items() if v not in (None, "")]
    return "?" + urlencode(items) if items else ""


def overview_query(year: int, indicator: str, level: str, show: str = "alla") -> str:
    return query_string(
        {
            "year": year,
            "indikator": indicator,
            "niva": level,
            "visa": None if show == "alla" else show,
        }
    )


def municipality_query(code: str | None, year: int) -> str:
    return query_string({"kod": code, "year": year})


def region_query(
    level: str, code: str | None, year: int, sort: str | None = None, order: str = "asc"
) -> str:
    return query_string(
        {
            "niva": level,
            "kod": code,
            "year": year,
            "sortera": sort,
            "ordning": order if sort else None,
        }
    )


def municipality_href(code: str, year: int) -> str:
    return "/kommun" + municipality_query(code, year)


def region_href(level: str, code: str, year: int) -> str:
    return "/region" + region_query(level, code, year)


def ignored(
    params: Mapping[str, tuple[object, object]], shown: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """The URL parameters that were not used as given: ``{name: (raw value, value used)}`` ->
    ``[(name, raw, used)]``, the used value as ``shown`` names it for a reader (a label rather
    than a key). A page says so rather than quietly show something else (a link to 1999 that
    opens 2025 must tell its reader)."""
    out = []
    for name, (raw, used) in params.items():
        raw = first(raw)
        if raw not in (None, "") and str(raw) != str(used):
            text = (shown or {}).get(name, "" if used is None else str(used))
            out.append((name, str(raw)[:40], text))
    return out
