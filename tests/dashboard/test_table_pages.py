"""Long tables are shown a page at a time; paging shows every row exactly once."""

from __future__ import annotations

import polars as pl

from dashboard.components.table import PAGE_SIZE, Table, _cells, page_view, render_table


def table(n: int) -> Table:
    frame = pl.DataFrame(
        {
            "Kommun": [f"K{i:03d}" for i in range(n)],
            "Råd": ["Ja" if i % 2 else "Ej rapporterat" for i in range(n)],
        }
    )
    links = {"Kommun": [f"/kommun?kod={i:04d}" for i in range(n)]}
    return Table("t", "Tabell", frame, kinds={"Råd": "status"}, links=links)


def texts(rows) -> list[str]:
    return [tr.children[0].children.children for tr in rows]


def test_a_short_table_has_no_pager():
    block = render_table(table(PAGE_SIZE), "sv", "p")
    assert [
        c for c in block.children if c is not None and "table-pager" in (c.className or "")
    ] == []


def test_paging_shows_every_row_once_in_order():
    cells = {**_cells(table(61), "sv"), "lang": "sv"}
    seen, start = [], 0
    while True:
        rows, text, start, prev_disabled, next_disabled = page_view(cells, start)
        seen.extend(texts(rows))
        assert text == f"Rad {start + 1}–{min(start + PAGE_SIZE, 61)} av 61"
        assert prev_disabled == (start == 0)
        if next_disabled:
            break
        start += PAGE_SIZE
    assert seen == [f"K{i:03d}" for i in range(61)]


def test_page_start_is_clamped():
    cells = {**_cells(table(30), "sv"), "lang": "sv"}
    assert page_view(cells, -25)[2] == 0
    assert page_view(cells, 500)[2] == PAGE_SIZE


def test_status_cells_keep_icon_and_word_and_links_their_row():
    cells = {**_cells(table(3), "sv"), "lang": "sv"}
    rows = page_view(cells, 0)[0]
    assert rows[1].children[0].children.href == "/kommun?kod=0001"
    icon, _, word = rows[1].children[1].children
    assert icon.children == "✓" and word == "Ja"
    assert rows[0].children[1].children[2] == "Ej rapporterat"
