"""Fixtures for the dashboard tests: a tiny real warehouse and one app over it.

``tiny_warehouse`` is a warehouse directory written by ``tiny_warehouse.build`` (a handful of
municipalities, three years, every NULL case). When the project's real ``demo_warehouse``
fixture (built by the pipelines from seeded demo data) exists, ``any_warehouse`` runs the
warehouse-agnostic tests over both.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import tiny_warehouse as tiny

from dashboard import data


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("tiny_warehouse")
    tiny.build(directory)
    return directory


@pytest.fixture(params=["tiny_warehouse", "demo_warehouse"])
def any_warehouse(request) -> Path:
    """Each available warehouse in turn (the demo one only once tests/conftest.py has it)."""
    try:
        return Path(request.getfixturevalue(request.param))
    except pytest.FixtureLookupError:
        pytest.skip(f"{request.param} fixture not available yet")


@pytest.fixture
def wh(tiny_warehouse) -> data.Warehouse:
    return data.Warehouse(tiny_warehouse)


@pytest.fixture(scope="session")
def geo_dir(tmp_path_factory) -> Path:
    """A boundary folder with a two-feature counties file (enough for the route and URLs)."""
    directory = tmp_path_factory.mktemp("geo")
    (directory / "counties.geojson").write_text(
        '{"type":"FeatureCollection","features":[]}', encoding="utf-8"
    )
    return directory


@pytest.fixture(scope="session")
def app(tiny_warehouse, geo_dir):
    """One app for the session: Dash pages register callbacks globally, once per import."""
    from dashboard.app import create_app

    return create_app(tiny_warehouse, geo_dir)


@pytest.fixture
def client(app):
    return app.server.test_client()
