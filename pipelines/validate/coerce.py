"""Turn the many forms a value arrives in into one typed value.

Strict about meaning, forgiving about form: `1 234,50 kr`, Excel date serials, `Ja`/`x`/`1`,
lost leading zeros and Swedish labels for enum values are all understood. Each function returns
`(value, warning)` where the warning says what was guessed, and raises `CoerceError` with a
message and what was expected when the value cannot mean anything valid.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from pipelines.contract import ENUMS, Field, normalise_label

STOCKHOLM = ZoneInfo("Europe/Stockholm")
EXCEL_EPOCH = date(1899, 12, 30)
# Excel serials for 1990-01-01 .. 2100-12-31; outside that a number is not a plausible date here.
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 32874, 73415


class CoerceError(ValueError):
    def __init__(self, message: str, expected: str):
        super().__init__(message)
        self.message = message
        self.expected = expected


Result = tuple[object, str | None]

_TRUE = {"ja", "j", "yes", "y", "true", "sant", "1", "1.0"}
_FALSE = {"nej", "n", "no", "false", "falskt", "0", "0.0"}
_CROSS = {"x", "✓", "✔"}


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def to_bool(value: object) -> Result:
    expected = "Ja eller Nej"
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), None
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        if text in _CROSS:
            return True, f"'{value.strip()}' tolkat som Ja"
    raise CoerceError(f"'{value}' är inte ett ja/nej-värde", expected)


MAX_DIGITS = 30  # longer digit strings are no count, year or amount anyone meant


def to_int(value: object, what: str = "heltal") -> Result:
    expected = what
    if isinstance(value, str) and len(value) > MAX_DIGITS:
        raise CoerceError(f"'{value[:40]}…' är inte ett {what}", expected)
    if isinstance(value, bool):
        raise CoerceError(f"'{value}' är inte ett {what}", expected)
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value), None
        raise CoerceError(f"'{value}' är inte ett {what}", expected)
    if isinstance(value, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", value)
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text), None
        if re.fullmatch(r"[+-]?\d+[.,]0+", text):
            return int(re.split(r"[.,]", text)[0]), None
    raise CoerceError(f"'{value}' är inte ett {what}", expected)


_AMOUNT_SUFFIX = re.compile(r"(kr\.?|kronor|sek|:-)$", re.IGNORECASE)


def to_number(value: object) -> Result:
    """A number from a cell: 1234.5, '1 234,50', '1 234 567 kr', '1.234,50', '1,234.50'."""
    expected = "ett tal, t.ex. 1234 eller 1 234,50"
    if isinstance(value, bool):
        raise CoerceError(f"'{value}' är inte ett tal", expected)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CoerceError(f"'{value}' är inte ett tal", expected)
        return value, None
    if not isinstance(value, str) or len(value) > MAX_DIGITS + 20:
        raise CoerceError(f"'{str(value)[:40]}' är inte ett tal", expected)
    text = value.strip()
    text = _AMOUNT_SUFFIX.sub("", text).strip()
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    text = text.replace("\u2212", "-")
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text), None
    if re.fullmatch(r"[+-]?\d+,\d+", text):  # Swedish decimal comma
        return float(text.replace(",", ".")), None
    if re.fullmatch(r"[+-]?\d+\.\d+", text):
        return float(text), None
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", text):  # 1.234.567,50
        return float(text.replace(".", "").replace(",", ".")), None
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+\.\d+", text):  # 1,234,567.50
        return float(text.replace(",", "")), "tal med komma som tusentalsavgränsare"
    raise CoerceError(f"'{value}' är inte ett tal", expected)


_DATE_FORMATS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), None),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), "datum med snedstreck"),
    (re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"), "datum med punkter"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "datum utan bindestreck"),
)


def to_date(value: object) -> Result:
    """A date: date/datetime cells, ISO text (`2025-03-01`), or an Excel date serial."""
    expected = "ett datum ÅÅÅÅ-MM-DD, t.ex. 2025-03-01"
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = _from_serial(value)
        if moment is None:
            raise CoerceError(f"'{value}' är inte ett datum", expected)
        day = moment.date()
        return day, f"Excel-datumserienummer {value:g} tolkat som {day.isoformat()}"
    if isinstance(value, str):
        text = value.strip()
        # ISO datetime text with a time part: keep the date.
        text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", "", text)
        for pattern, note in _DATE_FORMATS:
            m = pattern.fullmatch(text)
            if m:
                y, mo, d = (int(g) for g in m.groups())
                try:
                    day = date(y, mo, d)
                except ValueError:
                    raise CoerceError(f"'{value}' är inget giltigt datum", expected) from None
                warning = f"{note} '{value.strip()}' tolkat som {day.isoformat()}" if note else None
                return day, warning
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            return to_date(float(text))
    raise CoerceError(f"'{value}' är inte ett datum", expected)


def to_datetime(value: object) -> Result:
    """A point in time (UTC, naive); text without a zone is taken as Swedish local time."""
    expected = "ISO 8601, t.ex. 2025-03-01T12:00:00+01:00"
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return _serial_datetime(value, expected)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{5}([.,]\d+)?", text):
            return _serial_datetime(float(text.replace(",", ".")), expected)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CoerceError(f"'{value}' är inte en tidpunkt", expected) from None
    else:
        raise CoerceError(f"'{value}' är inte en tidpunkt", expected)
    return _utc(moment), None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _from_serial(value: float) -> datetime | None:
    """The moment an Excel serial stands for (days since 1899-12-30, the fraction the time of
    day), or None outside the plausible range (EXCEL_SERIAL_MIN..MAX)."""
    if not (math.isfinite(value) and EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX):
        return None
    # Whole seconds: the fraction of a day carries float noise below that.
    seconds = round((value - int(value)) * 86400)
    return datetime.combine(EXCEL_EPOCH, datetime.min.time()) + timedelta(
        days=int(value), seconds=seconds
    )


def _serial_datetime(value: float, expected: str) -> Result:
    """An Excel serial as a point in time, read as Swedish local time."""
    moment = _from_serial(value)
    if moment is None:
        raise CoerceError(f"'{value}' är inte en tidpunkt", expected)
    shown = moment.isoformat(sep=" ")
    return _utc(moment), f"Excel-datumserienummer {value:.10g} tolkat som {shown}"


def to_code(value: object, width: int, known: set[str] | None, what: str) -> Result:
    """An SCB code as zero-padded text; `114` and 114 become `0114` with a warning."""
    expected = f"{width}-siffrig {what}, t.ex. {'0114' if width == 4 else '01'}"
    warning = None
    if isinstance(value, bool):
        raise CoerceError(f"'{value}' är ingen {what}", expected)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        warning = f"{what} lagrad som tal"
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d+\.0+", text):
            text = text.split(".")[0]
    else:
        raise CoerceError(f"'{value}' är ingen {what}", expected)
    if not re.fullmatch(rf"\d{{1,{width}}}", text):
        raise CoerceError(f"'{value}' är ingen {what}", expected)
    if len(text) < width:
        padded = text.zfill(width)
        warning = f"{what} '{text}' saknade inledande nolla, tolkad som {padded}"
        text = padded
    if known is not None and text not in known:
        raise CoerceError(f"{what} {text} finns inte i referenslistan", f"en befintlig {what}")
    return text, warning


@cache
def _enum_spellings(enum: str) -> dict[str, str]:
    """Every accepted spelling (normalised key, Swedish and English label) -> key."""
    out: dict[str, str] = {}
    for key, label in ENUMS[enum].items():
        for spelling in (label.en, label.sv, key):
            out[normalise_label(spelling)] = key
    return out


def to_enum(value: object, enum: str) -> Result:
    """An enum key from its key or its Swedish or English label (case and spaces ignored)."""
    if isinstance(value, str):
        key = _enum_spellings(enum).get(normalise_label(value))
        if key is not None:
            return key, None
    expected = "ett av: " + ", ".join(label.sv for label in ENUMS[enum].values())
    shown = value.strip() if isinstance(value, str) else value
    raise CoerceError(f"'{shown}' är inget tillåtet värde", expected)


def to_enum_list(value: object, enum: str) -> Result:
    """A list of enum keys from a JSON list or one cell with items separated by ';' or ','."""
    if isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, str):
        try:  # a whole-cell label that itself holds a separator
            return [to_enum(value, enum)[0]], None
        except CoerceError:
            pass
        # No label of any list holds ';' or ',', so both separate items, even mixed in one cell.
        items = [part for part in re.split(r"[;,]", value) if part.strip()]
    else:
        items = [value]
    keys: list[str] = []
    bad: list[str] = []
    for item in items:
        try:
            key = to_enum(item, enum)[0]
        except CoerceError:
            bad.append(str(item).strip())
            continue
        if key not in keys:
            keys.append(key)
    if bad:
        options = ", ".join(label.sv for label in ENUMS[enum].values())
        raise CoerceError(
            "okända värden: " + ", ".join(f"'{b}'" for b in bad), "värden bland: " + options
        )
    return keys, None


def to_text(value: object, max_len: int | None = None) -> Result:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CoerceError(f"'{value}' är ingen text", "text")
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if max_len is not None and len(text) > max_len:
        raise CoerceError(f"texten är {len(text)} tecken lång", f"högst {max_len} tecken")
    return text, None


_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


def to_grant_id(value: object) -> Result:
    """A grant id (diarienummer) in one spelling, so that report and register ids match:
    `bra-2024-0042` and `BRA–2024–0042` (Excel's automatic dash) become `BRA-2024-0042`, warned."""
    text = to_text(value)[0]
    canonical = text.upper().translate(_DASHES)
    warning = f"diarienumret '{text}' tolkat som '{canonical}'" if canonical != text else None
    return canonical, warning


def coerce(value: object, field: Field, *, known_codes: set[str] | None = None) -> Result:
    """Coerce one non-blank value by its contract field; range checks included."""
    if field.type in ("string", "text"):
        result = to_text(value, field.max_len)
        if field.type == "text" and result[0] == "":
            raise CoerceError("texten är tom", "minst ett tecken")
        return result
    if field.type == "code":
        width = 2 if field.key == "county_code" else 4
        what = "länskod" if width == 2 else "kommunkod"
        return to_code(value, width, known_codes, what)
    if field.type == "grant_id":
        return to_grant_id(value)
    if field.type == "bool":
        return to_bool(value)
    if field.type == "date":
        return to_date(value)
    if field.type == "datetime":
        return to_datetime(value)
    if field.type == "enum":
        return to_enum(value, field.enum or "")
    if field.type == "enums":
        return to_enum_list(value, field.enum or "")
    if field.type in ("year", "int"):
        number, warning = to_int(value, "årtal" if field.type == "year" else "heltal")
    else:
        number, warning = to_number(value)
    if field.min is not None and number < field.min:
        raise CoerceError(f"{number} är mindre än {field.min:g}", _range(field))
    if field.max is not None and number > field.max:
        raise CoerceError(f"{number} är större än {field.max:g}", _range(field))
    return number, warning


def _range(field: Field) -> str:
    if field.max is None:
        return f"minst {field.min:g}"
    return f"mellan {field.min:g} och {field.max:g}"
