"""The grant register's contract (report-format.md section 3), checked row by row.

`validate_grants` takes the raw rows a reader found and returns the typed rows that passed. A row
with any error is left out and each of its errors is logged with the row's line number, the field
and what was expected, so the grant office can fix exactly that line; the good rows still load.
Warnings (a padded municipality code, an Excel date serial, amounts out of order) never block.
"""

from __future__ import annotations

import math
from datetime import date

from pipelines.contract import FIRST_REPORTING_YEAR, GRANT_FIELDS, Field
from pipelines.issues import IssueLog, Location
from pipelines.validate.coerce import CoerceError, coerce, is_blank

FIELDS = {f.key: f for f in GRANT_FIELDS}
AMOUNTS = ("amount_applied_sek", "amount_granted_sek", "amount_paid_sek")


def validate_grants(
    rows: list[tuple[Location, dict]],
    *,
    municipalities: dict[str, str],
    counties: set[str],
    log: IssueLog,
    today: date | None = None,
) -> list[dict]:
    """Typed good rows (contract keys plus `line_no`); every problem of the others is logged.

    `municipalities` maps municipality code -> county code (the reference list); `counties` holds
    the known county codes. `today` fixes "current year" for the funding-year range in tests.
    """
    today = today or date.today()
    municipality_codes = set(municipalities)
    first_line: dict[str, int | None] = {}
    good: list[dict] = []
    for loc, raw in rows:
        check = _RowCheck(loc, raw if isinstance(raw, dict) else {}, log)
        typed: dict = {}
        for field in GRANT_FIELDS:
            if field.key == "municipality_code":
                typed[field.key] = check.value(field, known_codes=municipality_codes)
            elif field.key == "county_code":
                typed[field.key] = check.value(field, known_codes=counties)
            elif field.key == "amount_paid_sek" and check.blank(field.key):
                typed[field.key] = _assume_unpaid(check, field)
            else:
                typed[field.key] = check.value(field)

        _check_grant_id(check, typed.get("grant_id"), first_line)
        _check_funding_year(check, typed.get("funding_year"), today)
        _place(check, typed, municipalities)
        _check_amount_order(check, typed)

        if not check.failed:
            typed["line_no"] = loc.row
            good.append(typed)
    return good


class _RowCheck:
    """One row's checks: logs at the row's place and remembers whether any error was found."""

    def __init__(self, loc: Location, raw: dict, log: IssueLog):
        self.loc = loc
        self.raw = raw
        self.log = log
        self.failed = False
        # Fields whose value was present but invalid, so that rules built on them stay quiet
        # instead of piling a second, derived error on the same mistake.
        self.invalid: set[str] = set()

    def error(self, code: str, message: str, field: str, **kw) -> None:
        self.failed = True
        self.log.error(code, message, field=field, loc=self.loc, **kw)

    def warn(self, code: str, message: str, field: str, **kw) -> None:
        self.log.warn(code, message, field=field, loc=self.loc, **kw)

    def blank(self, key: str) -> bool:
        return is_blank(self.raw.get(key))

    def value(self, field: Field, known_codes: set[str] | None = None) -> object:
        """The typed value of one field, or None when blank or invalid (errors logged)."""
        value = self.raw.get(field.key)
        if is_blank(value):
            if field.required:
                self.error(
                    "missing_required",
                    f"'{field.sv}' saknas",
                    field.key,
                    expected=_EXPECTED.get(field.type, "ett värde"),
                )
            return None
        try:
            result, warning = coerce(value, field, known_codes=known_codes)
            if field.type == "number":
                result = float(result)
                if not math.isfinite(result):
                    raise CoerceError("talet är för stort", "ett belopp i kronor")
        except CoerceError as exc:
            self.invalid.add(field.key)
            self.error(
                "invalid_value",
                f"'{field.sv}': {exc.message}",
                field.key,
                expected=exc.expected,
                value=value,
            )
            return None
        except (ValueError, OverflowError):
            # int() refuses digit strings longer than Python's limit and float() overflows on
            # huge integers; either way the cell holds no usable value.
            self.invalid.add(field.key)
            self.error(
                "invalid_value",
                f"'{field.sv}': värdet kan inte tolkas",
                field.key,
                expected=_EXPECTED.get(field.type, "ett värde"),
                value=value,
            )
            return None
        if warning:
            self.warn("guessed_value", f"'{field.sv}': {warning}", field.key, value=value)
        return result


_EXPECTED = {
    "grant_id": "ett diarienummer, t.ex. BRA-2025-0042",
    "text": "en text",
    "date": "ett datum ÅÅÅÅ-MM-DD",
    "year": "ett årtal",
    "enum": "ett fokusområde från listan",
    "number": "ett belopp i kronor, 0 eller mer",
}


def _assume_unpaid(check: _RowCheck, field: Field) -> float:
    """An empty paid amount is a grant not paid yet: 0 kr, with a warning (the row still loads,
    so the grant does not vanish). An empty granted or applied amount stays an error."""
    check.warn(
        "missing_paid_amount",
        f"'{field.sv}' är tomt; tolkat som 0 kr (bidraget ännu inte utbetalt)",
        field.key,
        expected="ett belopp i kronor, 0 om inget har betalats ut",
    )
    return 0.0


def _check_grant_id(check: _RowCheck, grant_id: object, first_line: dict[str, int | None]) -> None:
    if not isinstance(grant_id, str):
        return
    if grant_id in first_line:
        earlier = first_line[grant_id]
        where = f"rad {earlier}" if earlier is not None else "en tidigare rad"
        check.error(
            "duplicate_id",
            f"diarienumret '{grant_id}' förekommer redan på {where}",
            "grant_id",
            expected="ett unikt diarienummer per beslut",
            value=grant_id,
        )
    else:
        first_line[grant_id] = check.loc.row


def _check_funding_year(check: _RowCheck, year: object, today: date) -> None:
    if not isinstance(year, int):
        return
    last = today.year + 1
    if not FIRST_REPORTING_YEAR <= year <= last:
        check.error(
            "out_of_range",
            f"'{FIELDS['funding_year'].sv}' {year} ligger utanför tillåtna år",
            "funding_year",
            expected=f"ett år mellan {FIRST_REPORTING_YEAR} och {last}",
            value=year,
        )


def _place(check: _RowCheck, typed: dict, municipalities: dict[str, str]) -> None:
    """Municipality or county: derive the county, or demand it for a county-level grant."""
    municipality = typed.get("municipality_code")
    county = typed.get("county_code")
    m_label, c_label = FIELDS["municipality_code"].sv, FIELDS["county_code"].sv
    if check.blank("municipality_code"):
        typed["municipality_code"] = None
        if check.blank("county_code"):
            check.error(
                "missing_required",
                f"'{c_label}' krävs när '{m_label}' är tom (bidrag på länsnivå)",
                "county_code",
                expected=f"en tvåsiffrig länskod, eller en kommunkod i '{m_label}'",
            )
        return
    if municipality is None:
        return  # an invalid municipality code is already an error
    derived = municipalities.get(municipality)
    if county is not None and derived is not None and county != derived:
        check.error(
            "county_mismatch",
            f"kommunkod {municipality} ligger i län {derived}, inte i län {county}",
            "county_code",
            expected=f"länskod {derived} eller en tom '{c_label}'",
            value=county,
        )
        return
    if county is None and "county_code" not in check.invalid:
        typed["county_code"] = derived


def _check_amount_order(check: _RowCheck, typed: dict) -> None:
    """paid <= granted <= applied; a break is worth a look, not a rejection."""
    applied, granted, paid = (typed.get(key) for key in AMOUNTS)
    if granted is not None and applied is not None and granted > applied:
        check.warn(
            "amount_order",
            f"beviljat belopp {_kr(granted)} är större än sökt belopp {_kr(applied)}",
            "amount_granted_sek",
            expected="beviljat belopp högst lika med sökt belopp",
            value=granted,
        )
    if paid is not None and granted is not None and paid > granted:
        check.warn(
            "amount_order",
            f"utbetalt belopp {_kr(paid)} är större än beviljat belopp {_kr(granted)}",
            "amount_paid_sek",
            expected="utbetalt belopp högst lika med beviljat belopp",
            value=paid,
        )


def _kr(amount: float) -> str:
    """Swedish form: 1 234 567 kr, 1 234,50 kr (no-break space between thousands)."""
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",") + " kr"
