"""Numbers, shares and dates the way Swedish (or English) readers expect them.

Swedish: a space between thousands, a decimal comma and a space before "%" ("1 234,5", "64 %").
Missing values are shown as an en dash, never as 0 or "no".
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

from dashboard.i18n import Lang

NBSP = "\u00a0"
MISSING = "–"
# Swedish writes a (no-break) space before "%", English none: "64 %", "64%".
PERCENT_SUFFIX = {"sv": f"{NBSP}%", "en": "%"}


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


def round_half_up(value: float) -> int:
    """12.5 -> 13 and -12.5 -> -13, as people round (Python's ``round`` gives 12: to even).
    The float is first rounded to 9 decimals, so that 0.145 * 100 = 14.4999... counts as 14.5."""
    value = round(value, 9)
    return math.floor(abs(value) + 0.5) * (1 if value >= 0 else -1)


def whole_percent(share: float) -> int:
    """A share 0..1 as the whole percentage every view shows: 15/33 -> 45, 1/8 -> 13."""
    return round_half_up(share * 100)


def percent(share: float | None, lang: Lang = "sv") -> str:
    """A share 0..1 as a whole percentage: "64 %" (sv), "64%" (en)."""
    if _is_missing(share):
        return MISSING
    return number(whole_percent(share), lang) + PERCENT_SUFFIX[lang]


def percent1(value: float | None, lang: Lang = "sv") -> str:
    """A percentage (0..100) with one decimal: "12,3 %" (sv), "12.3%" (en). Shares of money need
    the decimal: a county with 2 % of the population differs from 2.4 % of the grants."""
    if _is_missing(value):
        return MISSING
    return number(value, lang, decimals=1) + PERCENT_SUFFIX[lang]


def points1(value: float | None, lang: Lang = "sv") -> str:
    """A difference in percentage points with one decimal and its sign: "+1,2", "−0,4"."""
    if _is_missing(value):
        return MISSING
    rounded = round(value, 1)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{number(abs(rounded), lang, decimals=1)}"


def sek(value: float | None, lang: Lang = "sv") -> str:
    """An amount in kronor: "1 234 567 kr" (sv), "SEK 1,234,567" (en)."""
    if _is_missing(value):
        return MISSING
    return f"{number(value, lang)}{NBSP}kr" if lang == "sv" else f"SEK{NBSP}{number(value, lang)}"


def signed_points(points: int, lang: Lang = "sv") -> tuple[str, str]:
    """A change in whole percentage points as (sign, magnitude): ("+", "3"), ("−", "2")."""
    return points_sign(points), number(abs(points), lang)


def points_sign(points: int) -> str:
    return "+" if points > 0 else ("−" if points < 0 else "±")


def points(value: int | None, lang: Lang = "sv") -> str:
    """A difference in whole percentage points with its sign: "+3", "−7", "±0"."""
    if _is_missing(value):
        return MISSING
    return f"{points_sign(value)}{number(abs(value), lang)}"


def date(value: dt.date | dt.datetime | None) -> str:
    """ISO date (the Swedish standard form), or a dash."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


def minute(value: dt.datetime | None) -> str:
    """A time to the minute, as stored (UTC): "2026-03-14 09:30 UTC"."""
    if value is None:
        return MISSING
    return value.strftime("%Y-%m-%d %H:%M") + " UTC"


# Swedish alphabetical order: å, ä, ö come after z (in that order), é sorts as e and ü as y.
# Code point order would put Ä before Å and "Håbo" after "Hässleholm".
_SWEDISH_FROM = ["å", "ä", "ö", "æ", "ø", "é", "è", "ü"]
# "{", "|" and "}" are the three characters right after "z".
_SWEDISH_TO = ["{", "|", "}", "|", "}", "e", "e", "y"]


def swedish_order(column: str) -> pl.Expr:
    """A Polars expression to sort ``column`` in Swedish alphabetical order."""
    return pl.col(column).str.to_lowercase().str.replace_many(_SWEDISH_FROM, _SWEDISH_TO)


def swedish_key(text: str) -> str:
    """A sort key for Python's ``sorted`` in the same Swedish order as ``swedish_order``."""
    key = text.lower()
    for src, dst in zip(_SWEDISH_FROM, _SWEDISH_TO, strict=True):
        key = key.replace(src, dst)
    return key
