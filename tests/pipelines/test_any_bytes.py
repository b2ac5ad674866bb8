"""No byte string makes `ingest` crash: every file is loaded or rejected, and accounted for; and
no hostile XLSX structure (zip bombs, far cells, deep nesting, lying sizes) gets past the child's
memory ceiling."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from pipelines.ingest import ingest
from pipelines.parse import Context, parse
from pipelines.read import isolated
from pipelines.submission import Submission
from tests.conftest import FIXTURES, query
from tests.pipelines import hostile_files

VALID_JSON = (FIXTURES / "report_valid.json").read_bytes()
SEEDS = [
    VALID_JSON,
    (FIXTURES / "grants_libreoffice.xlsx").read_bytes(),
    (FIXTURES / "report_libreoffice.xlsx").read_bytes(),
    "Diarienummer;Beslutsdatum;Bidragsår;Kommunkod;Länskod;Projektnamn;Kategori;Sökt belopp;"
    "Beviljat belopp;Utbetalt belopp\r\nBRA-2024-1;2024-01-01;2024;0114;;P;Narkotika;1 000;"
    "1 000;500\r\n".encode("cp1252"),
]
CONTEXT = Context()


@st.composite
def damaged(draw) -> bytes:
    """Real files cut, spliced or overwritten at random places, plus plain random bytes."""
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.binary(max_size=2000))
    seed = draw(st.sampled_from(SEEDS))
    if choice == 1:
        return seed[: draw(st.integers(0, len(seed)))]
    if choice == 2:
        at = draw(st.integers(0, len(seed)))
        return seed[:at] + draw(st.binary(min_size=1, max_size=50)) + seed[at:]
    if choice == 3:
        at = draw(st.integers(0, max(0, len(seed) - 1)))
        junk = draw(st.binary(min_size=1, max_size=20))
        return seed[:at] + junk + seed[at + len(junk) :]
    report = json.loads(VALID_JSON)
    key = draw(st.sampled_from(sorted(report)))
    report[key] = draw(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=6,
        )
    )
    return json.dumps(report).encode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged())
def test_parse_never_raises_and_rejections_carry_reasons(data):
    sub = Submission("f", Path("f"), "x", len(data), datetime(2025, 1, 1))
    parse(sub, data, CONTEXT)
    assert sub.status in ("loaded", "partially_loaded", "rejected")
    if sub.status == "rejected":
        assert sub.errors, "a rejected file always says why"
        assert all(e.message for e in sub.errors)
    # The readers handle bad input themselves; ingest's last-resort guard is not what caught it.
    assert not [e for e in sub.errors if e.message.startswith("filen kunde inte läsas (")]
    if sub.status == "loaded" and sub.kind.startswith("report"):
        assert sub.report is not None and sub.municipality_code and sub.year


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=damaged())
def test_ingest_accounts_for_any_file(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("any")
    path = folder / "mottagen.bin"
    path.write_bytes(data)
    result = ingest([path], folder / "wh", folder)
    [file] = result.files
    assert file["status"] in ("loaded", "partially_loaded", "rejected", "duplicate", "superseded")
    assert query(folder / "wh", "select count(*) from mart_submissions") == [(1,)]
    assert path.read_bytes() == data, "an explicitly given file is never changed"


# -- hostile XLSX structures --------------------------------------------------------------------

# Generated, not shrunk: shrinking a workbook of this size would take minutes.
HOSTILE = settings(
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@settings(HOSTILE, max_examples=25)
@given(data=hostile_files.hostile_xlsx())
def test_hostile_xlsx_structures_are_rejected_or_read_in_bounded_memory(data):
    """Through the child process ingest uses: never an exception, always a status and a reason,
    and the child's peak memory below its ceiling."""
    parser = isolated.shared(CONTEXT)
    sub = Submission("f.xlsx", Path("f.xlsx"), "x", len(data), datetime(2025, 1, 1))
    peak = parser.parse(sub, data)
    event(f"{sub.status}: {', '.join(sorted({e.code for e in sub.errors})) or '-'}")
    assert sub.status in ("loaded", "partially_loaded", "rejected")
    if sub.status == "rejected":
        assert sub.errors and all(e.message for e in sub.errors)
    assert peak is not None and peak < parser.memory_mb * 1024 + 200 * 1024


@settings(HOSTILE, max_examples=4)
@given(files=st.lists(hostile_files.hostile_xlsx(), min_size=1, max_size=4))
def test_ingest_accounts_for_every_hostile_xlsx(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("hostile")
    paths = []
    for i, data in enumerate(files):
        paths.append(folder / f"fil{i}.xlsx")
        paths[-1].write_bytes(data)
    result = ingest(paths, folder / "wh", folder)
    assert sorted(f["file"] for f in result.files) == sorted(p.name for p in paths)
    for f in result.files:
        assert f["status"] in ("loaded", "partially_loaded", "rejected", "duplicate", "superseded")
        if f["status"] == "rejected":
            assert f["errors"]
