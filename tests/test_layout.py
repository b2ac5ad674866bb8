"""The house plan holds: no circle between modules, no arrow up, and README names every room.

Every module of the product packages (``dashboard``, ``pipelines``) and of ``bench`` is parsed
(``ast``, nothing is imported) and each of its imports is an arrow, wherever it is written: at the
top, inside a function, or under ``if TYPE_CHECKING:`` (a circle hidden that way is still a
circle: the two modules cannot be understood, tested or moved one without the other).

The rules:

- no cycle between modules of ``dashboard`` and ``pipelines``;
- ``pipelines`` imports neither ``dashboard`` nor ``bench`` nor ``tests`` (the pipelines run
  without the app);
- ``dashboard`` imports neither ``bench`` nor ``tests`` (the benchmark and the load test drive
  the product, never the other way round);
- ``dashboard.components`` imports neither ``dashboard.views`` nor ``dashboard.pages``, and
  ``dashboard.views`` does not import ``dashboard.pages`` (parts below, builders in the middle,
  pages on top);
- README's "What is where" names every package, folder and root module of ``dashboard/``,
  ``pipelines/`` and ``bench/``, and every folder of ``tests/``; its "Settings" names every
  environment variable the product reads.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("dashboard", "pipelines")
PARSED = (*PRODUCT, "bench")
TOP_LEVEL = (*PARSED, "tests")

# Known circles, each with the slice that removes it. Nothing may be added here. (The one
# between ingest and uploads went when `Sender` moved to `pipelines.submission` and a file's
# parsing to `pipelines.parse`, which the parsing child imports without importing ingest.)
KNOWN_CYCLES: set[frozenset[str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for top in PARSED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "vendor" in path.relative_to(ROOT).parts:
                continue
            found[module_name(path)] = path
    return found


def imports(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """Every module of ours ``path`` imports, at any depth of its code (names in TOP_LEVEL only).

    ``from a.b import c`` is an arrow to ``a.b.c`` when that is a module, else to ``a.b``;
    relative imports are resolved against the module's package.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        found.update(t for t in targets if t.split(".")[0] in TOP_LEVEL)
    found.discard(name)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, name, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def test_the_parser_sees_every_kind_of_import(graph):
    """The rules below are only as good as the arrows: a TYPE_CHECKING import and a
    function-level import must be seen (the circle ingest <-> uploads was made of those)."""
    assert "pipelines.submission" in graph["pipelines.read.isolated"]  # under TYPE_CHECKING
    assert "pipelines.parse" in graph["pipelines.read.isolated"]  # also in a function
    assert "pipelines.ingest" in graph["pipelines.uploads"]  # in a function
    # a function-level import in the CLI, and ``from package import module``
    assert "dashboard.serving.serve" in graph["dashboard.cli"]
    assert "dashboard.security.access" in graph["dashboard.app"]


def test_no_circle_between_modules(graph):
    product = {
        name: {t for t in targets if t.split(".")[0] in PRODUCT}
        for name, targets in graph.items()
        if name.split(".")[0] in PRODUCT
    }
    found = set(cycles(product))
    new = sorted(sorted(c) for c in found - KNOWN_CYCLES)
    assert not new, f"modules that import each other, directly or round a circle: {new}"
    # a known circle that is gone must leave the list too, so that it cannot come back unseen
    assert found >= KNOWN_CYCLES, f"no longer a circle, remove it: {KNOWN_CYCLES - found}"


ARROWS_UP = [
    # (importer, imported): no module under the first may import one under the second
    ("pipelines", "dashboard"),
    ("pipelines", "bench"),
    ("pipelines", "tests"),
    ("dashboard", "bench"),
    ("dashboard", "tests"),
    ("dashboard.components", "dashboard.views"),
    ("dashboard.components", "dashboard.pages"),
    ("dashboard.views", "dashboard.pages"),
]


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize(("importer", "imported"), ARROWS_UP, ids="->".join)
def test_no_arrow_up(graph, importer, imported):
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in graph.items()
        if under(name, importer)
        for target in targets
        if under(target, imported)
    )
    assert not wrong, wrong


def what_is_where() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    return text.split("## What is where", 1)[1].split("\n## ", 1)[0]


def block(section: str, top: str) -> str:
    """The lines of ``section`` from ``top/`` at a line's start to the next top-level entry."""
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{top}/"))
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(r"^[a-z.]", lines[i])), len(lines)
    )
    return "\n".join(lines[start:end])


def rooms(top: str) -> list[str]:
    """The packages and folders (``name/``) and root modules (``name.py``) of a top folder."""
    folder = ROOT / top
    folders = [p.name + "/" for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"]
    files = [p.name for p in folder.glob("*.py") if p.name != "__init__.py"]
    return sorted(folders + files)


def named(room: str, text: str) -> bool:
    end = "" if room.endswith("/") else r"(?!\w)"  # vendor/ is named by vendor/plotly/
    return re.search(rf"(?<![\w/]){re.escape(room)}{end}", text) is not None


@pytest.mark.parametrize("top", ["dashboard", "pipelines", "bench"])
def test_readme_names_every_package_and_root_module(top):
    text = block(what_is_where(), top)
    missing = [room for room in rooms(top) if not named(room, text)]
    assert not missing, f"README's 'What is where' does not name these in {top}/: {missing}"


def test_readme_names_every_test_folder():
    text = block(what_is_where(), "tests")
    missing = [room for room in rooms("tests") if room.endswith("/") and not named(room, text)]
    assert not missing, f"README's 'What is where' does not name these in tests/: {missing}"


def test_the_plan_check_would_see_a_missing_room():
    """The check above is not vacuous: a room left out of the text is reported."""
    text = block(what_is_where(), "dashboard")
    assert named("security/", text) and named("app.py", text)
    assert not named("security/", text.replace("security/", "sec/"))
    assert not named("app.py", text.replace("app.py", "application.py"))


SETTING = re.compile(
    r"""(?:environ(?:\.get)?\(\s*|environ\[\s*|getenv\(\s*|_setting\(\s*)"([A-Z][A-Z0-9_]+)\""""
)


def test_readme_documents_every_setting_the_code_reads():
    read = {
        name
        for top in PRODUCT
        for path in (ROOT / top).rglob("*.py")
        for name in SETTING.findall(path.read_text("utf-8"))
    }
    # the known ones must be found, so the pattern still matches how settings are read
    assert {"WAREHOUSE_DIR", "BF_SECURE_COOKIES", "BF_AUDIT_KEEP", "REFERENCE_DIR"} <= read
    text = (ROOT / "README.md").read_text("utf-8")
    settings = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in read if f"`{name}`" not in settings)
    assert not missing, f"README's Settings section does not document: {missing}"
