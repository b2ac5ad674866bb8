"""What a well-formed callback request is: the body Dash's renderer posts for one callback.

``access`` checks every ``POST /_dash-update-component`` with ``check`` before Dash sees it: the
body must name a callback of this app and carry exactly the outputs, inputs and state that
callback declares (ids and properties as declared, pattern-matching ids as objects, ``ALL``
inputs as lists), ``changedPropIds`` must name inputs of the body, and the values must be of the
types the components send (a click count is a whole number, a location's search a text, a
page's state an object of texts and numbers, lists of them only where ``STATE_LISTS`` says, a
long table's rows the shape ``components.table`` writes). A browser never sends anything else,
so a body that fails is refused as a bad request (400) instead of reaching a callback that would
fail on it (500).

``parse`` reads the body itself: JSON nested deeper than ``MAX_DEPTH`` levels is refused before
anything walks it (Python's JSON reader raises ``RecursionError`` at about 1 000 levels; the
renderer's bodies are under 10 deep).
"""

from __future__ import annotations

import json

from dashboard.components.table import cells_ok

INT_PROPS = frozenset({"n_clicks", "n_intervals", "n_clicks_timestamp"})
TEXT_PROPS = frozenset({"pathname", "search", "href", "hash"})
# dcc.Store ids whose data is an object the page wrote (its state, an upload's reference)
OBJECT_STORES = ("-state", "up-job")
PATTERN_STORES = {"table-start": int, "table-rows": dict}
# A page's state holds texts and numbers; these keys alone hold lists of them.
STATE_LISTS = {"cp-state": frozenset({"picked", "unknown"})}
MAX_DEPTH = 64
_SCALARS = (str, int, float, bool)


class BadBody(ValueError):
    """The body is not what the renderer would post for the callback it names."""


def parse(raw: bytes) -> object:
    """The JSON of a callback body (``null`` when empty); ``BadBody`` when it is not JSON or is
    nested deeper than ``MAX_DEPTH``."""
    try:
        value = json.loads(raw or b"null")
    except RecursionError:
        raise BadBody(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError alike
        raise BadBody(f"the body is not JSON: {exc}") from None
    if _depth(value) > MAX_DEPTH:
        raise BadBody(f"the body is nested deeper than {MAX_DEPTH} levels")
    return value


def _depth(value: object) -> int:
    """How deep lists and objects nest in ``value``, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:  # deeper is refused anyway: no need to walk on
                stack.extend((child, level + 1) for child in item)
    return deepest


def _state_ok(component: str, value: object) -> bool:
    """A page's state: an object of scalars (lists of them under ``STATE_LISTS``' keys only)."""
    if not isinstance(value, dict):
        return False
    lists = STATE_LISTS.get(component, frozenset())
    for key, item in value.items():
        if key in lists and isinstance(item, list):
            if not all(v is None or isinstance(v, _SCALARS) for v in item):
                return False
        elif item is not None and not isinstance(item, _SCALARS):
            return False
    return True


def _pattern(spec_id: str) -> dict | None:
    return json.loads(spec_id) if spec_id.startswith("{") else None


def _wildcards(pattern: dict) -> set[str]:
    return {v[0] for v in pattern.values() if isinstance(v, list) and v}


def _matches(pattern: dict, given: object) -> bool:
    if not isinstance(given, dict) or set(given) != set(pattern):
        return False
    return all(isinstance(v, list) or given[k] == v for k, v in pattern.items())


def _value_ok(component: object, prop: str, value: object) -> bool:
    if value is None:
        return True
    if prop in INT_PROPS:
        return isinstance(value, int) and not isinstance(value, bool)
    if prop in TEXT_PROPS:
        return isinstance(value, str)
    if prop == "value":
        plain = (str, int, float)
        return isinstance(value, plain) or (
            isinstance(value, list) and all(isinstance(v, plain) for v in value)
        )
    if prop == "data":
        if isinstance(component, str) and component.endswith(OBJECT_STORES):
            return _state_ok(component, value)
        if isinstance(component, dict) and component.get("type") == "table-rows":
            return cells_ok(value)
        if isinstance(component, dict) and component.get("type") in PATTERN_STORES:
            wanted = PATTERN_STORES[component["type"]]
            return isinstance(value, wanted) and not isinstance(value, bool)
    return True


def _item(spec: dict, given: object, where: str) -> list[dict]:
    """The body's entries for one declared input or state (several for an ``ALL`` input)."""
    pattern = _pattern(spec["id"])
    if pattern is not None and _wildcards(pattern) & {"ALL", "ALLSMALLER"}:
        if not isinstance(given, list):
            raise BadBody(f"{where}: a list of components was expected")
        entries = given
    else:
        entries = [given]
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("property") != spec["property"]:
            raise BadBody(f"{where}: expected {spec['id']}.{spec['property']}")
        if pattern is None and entry.get("id") != spec["id"]:
            raise BadBody(f"{where}: expected {spec['id']}.{spec['property']}")
        if pattern is not None and not _matches(pattern, entry.get("id")):
            raise BadBody(f"{where}: the id does not fit {spec['id']}")
        if not _value_ok(entry.get("id"), spec["property"], entry.get("value")):
            raise BadBody(f"{where}: a value of the wrong type for {spec['property']}")
    return entries


def _listed(body: dict, key: str, specs: list[dict]) -> list[dict]:
    given = body.get(key, [])
    if not isinstance(given, list) or len(given) != len(specs):
        raise BadBody(f"'{key}' must hold {len(specs)} entries, as the callback declares")
    found: list[dict] = []
    for i, (spec, item) in enumerate(zip(specs, given, strict=True)):
        found.extend(_item(spec, item, f"{key}[{i}]"))
    return found


def _outputs(body: dict, entry: dict) -> None:
    outputs = body.get("outputs")
    single = isinstance(entry.get("outputs_indices"), int)
    if single:
        ok = isinstance(outputs, dict) and "id" in outputs and "property" in outputs
    else:
        wanted = len(entry.get("outputs_indices") or [])
        ok = (
            isinstance(outputs, list)
            and len(outputs) == wanted
            and all(isinstance(o, dict) and "id" in o and "property" in o for o in outputs)
        )
    if not ok:
        raise BadBody("'outputs' does not fit the callback's outputs")


def _changed(body: dict, inputs: list[dict]) -> None:
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadBody("'changedPropIds' must be a list of texts")
    names = set()
    for item in inputs:
        component = item.get("id")
        if isinstance(component, dict):
            component = json.dumps(component, sort_keys=True, separators=(",", ":"))
        names.add(f"{component}.{item.get('property')}")
    if any(c not in names for c in changed):
        raise BadBody("'changedPropIds' names something that is not an input of the body")


def check(body: dict, entry: dict) -> None:
    """Raise ``BadBody`` unless ``body`` fits the callback ``entry`` (of ``app.callback_map``)."""
    _outputs(body, entry)
    inputs = _listed(body, "inputs", entry.get("inputs") or [])
    _listed(body, "state", entry.get("state") or [])
    _changed(body, inputs)
