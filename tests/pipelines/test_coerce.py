"""The messy forms of report-format.md section 2, value by value."""

from datetime import date, datetime

import pytest

from pipelines.validate import coerce as c


@pytest.mark.parametrize(
    ("raw", "expected", "warned"),
    [
        ("2025-03-01", date(2025, 3, 1), False),
        (" 2025-03-01 ", date(2025, 3, 1), False),
        ("2025-03-01T00:00:00", date(2025, 3, 1), False),
        (45717, date(2025, 3, 1), True),  # Excel serial
        (45717.0, date(2025, 3, 1), True),
        ("45717", date(2025, 3, 1), True),
        (datetime(2025, 3, 1, 0, 0), date(2025, 3, 1), False),
        (date(2025, 3, 1), date(2025, 3, 1), False),
        ("2025/03/01", date(2025, 3, 1), True),
    ],
)
def test_dates(raw, expected, warned):
    value, warning = c.to_date(raw)
    assert value == expected
    assert (warning is not None) == warned


@pytest.mark.parametrize("raw", ["2025-02-30", "01/03/2025", "mars", "", 12, True])
def test_bad_dates(raw):
    with pytest.raises(c.CoerceError) as exc:
        c.to_date(raw)
    assert "ÅÅÅÅ-MM-DD" in exc.value.expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 234 567 kr", 1234567),
        ("1\u00a0234,50", 1234.5),
        ("1\u202f234,50 kr", 1234.5),
        ("1234,5", 1234.5),
        ("1.234.567,50", 1234567.5),
        ("250000", 250000),
        (250000, 250000),
        (1234.5, 1234.5),
        ("12 000:-", 12000),
        ("3 000 SEK", 3000),
    ],
)
def test_amounts(raw, expected):
    assert c.to_number(raw)[0] == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["tolv", "1 234 kr 50", "", "1,2,3", True, float("nan")])
def test_bad_amounts(raw):
    with pytest.raises(c.CoerceError):
        c.to_number(raw)


@pytest.mark.parametrize(
    ("raw", "expected", "warned"),
    [
        ("Ja", True, False),
        ("ja", True, False),
        ("JA", True, False),
        (" Nej ", False, False),
        ("x", True, True),
        ("X", True, True),
        ("1", True, False),
        ("0", False, False),
        (1, True, False),
        (0, False, False),
        (True, True, False),
        (False, False, False),
    ],
)
def test_booleans(raw, expected, warned):
    value, warning = c.to_bool(raw)
    assert value is expected
    assert (warning is not None) == warned


@pytest.mark.parametrize("raw", ["kanske", 2, "ja!"])
def test_bad_booleans(raw):
    with pytest.raises(c.CoerceError):
        c.to_bool(raw)


KNOWN = {"0114", "0180", "2584"}


@pytest.mark.parametrize(
    ("raw", "expected", "warned"),
    [("0114", "0114", False), ("114", "0114", True), (114, "0114", True), (114.0, "0114", True)],
)
def test_codes_pad_and_warn(raw, expected, warned):
    value, warning = c.to_code(raw, 4, KNOWN, "kommunkod")
    assert value == expected
    assert (warning is not None) == warned


@pytest.mark.parametrize("raw", ["9999", "01144", "abc", -114])
def test_unknown_codes(raw):
    with pytest.raises(c.CoerceError):
        c.to_code(raw, 4, KNOWN, "kommunkod")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Trygghet i offentlig miljö", ["public_space_safety"]),
        ("trygghet i  offentlig MILJÖ", ["public_space_safety"]),
        ("drugs; Skolåtgärder", ["drugs", "school"]),
        ("Narkotika, Skolåtgärder", ["drugs", "school"]),
        (["drugs", "school", "drugs"], ["drugs", "school"]),
    ],
)
def test_enum_lists(raw, expected):
    assert c.to_enum_list(raw, "focus_area")[0] == expected


def test_enum_list_names_every_bad_item():
    with pytest.raises(c.CoerceError) as exc:
        c.to_enum_list("drugs; bowling; karate", "focus_area")
    assert "bowling" in exc.value.message and "karate" in exc.value.message


@pytest.mark.parametrize(
    ("value", "expected", "warned"),
    [
        ("BRA-2024-0042", "BRA-2024-0042", False),
        (" BRA-2024-0042 ", "BRA-2024-0042", False),
        ("bra-2024-0042", "BRA-2024-0042", True),
        ("BRA\u20132024\u20130042", "BRA-2024-0042", True),  # Excel's automatic en dash
    ],
)
def test_grant_ids_get_one_spelling(value, expected, warned):
    canonical, warning = c.to_grant_id(value)
    assert canonical == expected
    assert (warning is not None) == warned
