"""/data/: the bulk downloads of the published version, served over HTTP with their manifest,
caching and access rules (the marts of received files and rejections need a viewer)."""

from __future__ import annotations

import hashlib
import io

import polars as pl
import pytest
from sign_in import sign_in

from dashboard.app import create_app
from dashboard.security.users import UserStore

PASSWORD = "ett-langt-losenord"
PROTECTED = {"mart_submissions", "mart_issues"}


@pytest.fixture(scope="module")
def apps(demo_warehouse, geo_dir, tmp_path_factory):
    state = tmp_path_factory.mktemp("bulk")
    UserStore(state / "users.toml").add("granskare", "viewer", PASSWORD)
    UserStore(state / "users.toml").add("rapportor", "kommun", PASSWORD, "0180")

    def make(public: bool):
        return create_app(
            demo_warehouse,
            geo_dir,
            public=public,
            users_file=state / "users.toml",
            audit_file=state / "audit.log",
            upload_dir=state / "uploads",
        )

    return make(True), make(False)


def _signed_in(app, name):
    client = app.server.test_client()
    assert sign_in(client, name, PASSWORD).status_code == 302
    return client


def test_the_manifest_describes_every_public_file_truly(apps):
    public, _ = apps
    client = public.server.test_client()
    answer = client.get("/data/manifest.json")
    assert answer.status_code == 200
    manifest = answer.get_json()
    version = manifest["version"]
    assert answer.headers["X-Warehouse-Version"] == str(version)
    assert manifest["synthetic"] is True  # the demo corpus
    marts = {f["mart"] for f in manifest["files"]}
    assert "mart_municipality_year" in marts and "meta" in marts
    assert not marts & PROTECTED
    for entry in manifest["files"]:
        got = client.get(entry["url"])
        assert got.status_code == 200, entry
        assert hashlib.sha256(got.data).hexdigest() == entry["sha256"]
        assert got.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        if entry["format"] == "parquet":
            assert pl.read_parquet(io.BytesIO(got.data)).height == entry["rows"]


def test_the_municipality_year_export_holds_every_municipality_and_year(apps, demo_inbox):
    public, _ = apps
    client = public.server.test_client()
    version = client.get("/data/manifest.json").get_json()["version"]
    frame = pl.read_parquet(
        io.BytesIO(client.get(f"/data/{version}/mart_municipality_year.parquet").data)
    )
    codes = pl.read_csv(
        "data/reference/municipalities.csv", schema_overrides={"municipality_code": pl.String}
    )["municipality_code"]
    # the demo corpus reports 2022-2025 (tests/conftest.py): 290 municipalities each year
    assert frame.height == codes.len() * 4
    assert set(frame["municipality_code"]) == set(codes)
    assert sorted(set(frame["year"])) == [2022, 2023, 2024, 2025]


def test_the_marts_of_received_files_need_a_viewer(apps):
    public, _ = apps
    anonymous = public.server.test_client()
    version = anonymous.get("/data/manifest.json").get_json()["version"]
    assert anonymous.get(f"/data/{version}/mart_submissions.csv").status_code == 403
    assert (
        _signed_in(public, "rapportor").get(f"/data/{version}/mart_issues.parquet").status_code
        == 403
    )
    viewer = _signed_in(public, "granskare")
    files = {f["mart"] for f in viewer.get("/data/manifest.json").get_json()["files"]}
    assert files >= PROTECTED
    assert viewer.get(f"/data/{version}/mart_submissions.csv").status_code == 200


def test_private_statistics_keep_the_bulk_files_private_too(apps):
    _, private = apps
    anonymous = private.server.test_client()
    assert anonymous.get("/data/manifest.json").status_code == 401
    assert anonymous.get("/data/").status_code == 302
    assert _signed_in(private, "granskare").get("/data/manifest.json").status_code == 200


def test_caches_revalidate_the_current_manifest_and_paths_are_never_paths(apps):
    public, _ = apps
    client = public.server.test_client()
    first = client.get("/data/manifest.json")
    again = client.get("/data/manifest.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    version = first.get_json()["version"]
    for path in (
        f"/data/{version}/..%2Fcurrent.duckdb",
        f"/data/{version}/manifest.jsonx",
        "/data/999/meta.csv",
    ):
        assert client.get(path).status_code == 404
    page = client.get("/data/").get_data(as_text=True)
    assert "Öppna data" in page and f"/data/{version}/meta.parquet" in page
