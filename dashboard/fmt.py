"""Numbers, shares and dates the way Swedish (or English) readers expect them.

Swedish: a space between thousands, a decimal comma and a space before "%" ("1 234,5", "64 %").
Missing values are shown as an en dash, never as 0 or "no".
"""

from __future__ import annotations

import datetime as dt
import math

from dashboard.i18n import Lang

NBSP = "\u00a0"
MISSING = "–"


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, lang: Lang = "sv", decimals: int = 0) -> str:
    """A number with thousands separators (space in Swedish, comma in English)."""
    if _is_missing(value):
        return MISSING
    text = f"{value:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def percent(share: float | None, lang: Lang = "sv") -> str:
    """A share 0..1 as a whole percentage: "64 %" (sv), "64%" (en)."""
    if _is_missing(share):
        return MISSING
    value = number(round(share * 100), lang)
    return f"{value}{NBSP}%" if lang == "sv" else f"{value}%"


def sek(value: float | None, lang: Lang = "sv") -> str:
    """An amount in kronor: "1 234 567 kr" (sv), "SEK 1,234,567" (en)."""
    if _is_missing(value):
        return MISSING
    return f"{number(value, lang)}{NBSP}kr" if lang == "sv" else f"SEK{NBSP}{number(value, lang)}"


def signed_points(delta: float, lang: Lang = "sv") -> tuple[str, str]:
    """A change in percentage points as (sign, magnitude): ("+", "3"), ("−", "2")."""
    points = round(delta * 100)
    sign = "+" if points > 0 else ("−" if points < 0 else "±")
    return sign, number(abs(points), lang)


def date(value: dt.date | dt.datetime | None) -> str:
    """ISO date (the Swedish standard form), or a dash."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()
