"""Every column of every published mart is documented in docs/marts.md (the app's interface)."""

from __future__ import annotations

import re

from tests.conftest import ROOT, query

DOC = (ROOT / "docs" / "marts.md").read_text(encoding="utf-8")


def documented(table: str) -> set[str]:
    """Names in backticks or table cells in the section of `table`."""
    section = DOC.split(f"## `{table}`", 1)[1].split("\n## ", 1)[0]
    names = set(re.findall(r"`([a-z_0-9<>]+)`", section))
    names |= {
        name.strip().strip("`")
        for line in section.splitlines()
        if line.startswith("| ")
        for name in line.split("|")[1].split(",")
    }
    for name in re.findall(r"`([^`]+)`", section):
        names |= {part.split("(")[0].strip() for part in name.split(",")}
    return names


def test_every_mart_column_is_documented(demo_warehouse):
    tables = [
        t
        for (t,) in query(
            demo_warehouse,
            "select table_name from information_schema.tables"
            " where table_name like 'mart_%' or table_name = 'meta' order by 1",
        )
    ]
    assert "mart_municipality_year" in tables
    missing = {}
    for table in tables:
        columns = [
            c
            for (c,) in query(
                demo_warehouse,
                f"select column_name from information_schema.columns where table_name = '{table}'",
            )
        ]
        names = documented(table)
        # count_<indicator> / share_<indicator> / denominator_<indicator> are documented as patterns
        undocumented = [
            c
            for c in columns
            if c not in names
            and not re.fullmatch(
                r"(count|share|denominator)_(has_\w+|uses_\w+|meets_legal_requirements)", c
            )
        ]
        if undocumented:
            missing[table] = undocumented
    assert missing == {}
