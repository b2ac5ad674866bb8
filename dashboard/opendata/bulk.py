"""Bulk downloads at ``/data/``: every mart of a published version as Parquet and CSV.

The pipelines write each version's files and manifest when they publish it
(``pipelines/export.py``, ``<warehouse>/exports/<version>/``); this module only serves them:

- ``/data/``: a page listing the current version's files, and the earlier versions still kept;
- ``/data/manifest.json``: the current version's manifest (a client polls this one);
- ``/data/<version>/manifest.json`` and ``/data/<version>/<file>``: one version's files, which
  never change, so they are cached for a year;
- ``/data/definitioner.json``: every figure's label, definition and source (``i18n``), and
  ``/data/definitioner.md``: what every mart column means (``docs/marts.md``).

A file is served only when the version's manifest names it (a request's path is never a path on
disk), and the marts that list received files and the reasons for rejections only to the
accounts ``access.can_download_mart`` allows.

Caching (``dashboard/security/caching.py``): a public mart's file is the same for everyone and is
cached for a year (``public, immutable``) while the statistics are public. A file that needed an
account (``mart_submissions``, ``mart_issues``, or any file while ``BF_PUBLIC=0``) is ``private,
no-store`` with ``Vary: Authorization, Cookie``; so are the manifests and the listing a signed-in
caller is shown, since they list the files that caller may fetch.
"""

from __future__ import annotations

import json
from pathlib import Path

import flask

from dashboard import context, i18n
from dashboard.security import access, auth, caching
from pipelines import export, publish

MIMETYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}
MARTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "marts.md"
YEAR = 365 * 24 * 3600


def install(server: flask.Flask) -> None:
    server.add_url_rule("/data/", "bulk_index", index)
    server.add_url_rule("/data/manifest.json", "bulk_manifest", current_manifest)
    server.add_url_rule("/data/definitioner.json", "bulk_definitions", definitions)
    server.add_url_rule("/data/definitioner.md", "bulk_marts_doc", marts_doc)
    server.add_url_rule("/data/<int:version>/manifest.json", "bulk_version", version_manifest)
    server.add_url_rule("/data/<int:version>/<name>", "bulk_file", bulk_file)


def _warehouse_dir() -> Path:
    return context.warehouse().directory


def _kept() -> list[int]:
    """The versions whose exports can be served, newest first."""
    directory = _warehouse_dir()
    kept = set(publish.versions(directory))
    current = publish.current_version(directory)
    found = []
    for number in sorted(kept, reverse=True):
        if number <= current and (export.exports_dir(directory) / str(number)).is_dir():
            found.append(number)
    return found


def _manifest(version: int, kept: list[int]) -> dict | None:
    """The version's manifest as this caller may see it, with the kept versions (``_kept()``,
    listed once per request by the caller)."""
    manifest = export.read_manifest(_warehouse_dir(), version)
    if manifest is None:
        return None
    account = auth.current_account()
    files = [
        {**f, "url": f"/data/{version}/{f['file']}"}
        for f in manifest["files"]
        if access.can_download_mart(account, f["mart"])
    ]
    return {
        **manifest,
        "files": files,
        "definitions": "/data/definitioner.json",
        "column_definitions": "/data/definitioner.md",
        "versions": [{"version": v, "manifest": f"/data/{v}/manifest.json"} for v in kept],
    }


def _json(
    body: dict, *, version: int | None, immutable: bool, per_account: bool = False
) -> flask.Response:
    """``per_account``: the body lists what this caller may fetch (a manifest)."""
    response = flask.Response(
        json.dumps(body, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    if version is not None:
        response.headers["X-Warehouse-Version"] = str(version)
    response.headers["Cache-Control"] = (
        f"public, max-age={YEAR}, immutable" if immutable else "no-cache"
    )
    return _per_account(response) if per_account else response


def _per_account(response: flask.Response) -> flask.Response:
    """An answer that lists what the caller may fetch: a signed-in caller's is kept by no one,
    the public's may be cached but not handed to a signed-in caller (``Vary``)."""
    if auth.current_account() is not None:
        return caching.keep_private(response)
    return caching.vary_on_account(response)


def _needed_account(mart: str) -> bool:
    """Whether a mart's file was served only because the caller has an account."""
    return not access.can_download_mart(None, mart) or not access.is_public()


def current_manifest():
    version = publish.current_version(_warehouse_dir())
    manifest = _manifest(version, _kept()) if version else None
    if manifest is None:
        return access.refuse(404, "ingen publicerad version med exportfiler")
    response = _json(manifest, version=version, immutable=False, per_account=True)
    # the manifest a viewer gets lists more files than the public's: never the same tag
    listed = {f["mart"] for f in manifest["files"]}
    response.set_etag(f"v{version}" + ("-alla" if listed & access.SUBMISSION_MARTS else ""))
    return response.make_conditional(flask.request)


def version_manifest(version: int):
    kept = _kept()
    manifest = _manifest(version, kept) if version in kept else None
    if manifest is None:
        return access.refuse(404, f"version {version} finns inte (längre) här")
    return _json(manifest, version=version, immutable=True, per_account=True)


def bulk_file(version: int, name: str):
    manifest = export.read_manifest(_warehouse_dir(), version) if version in _kept() else None
    entry = next((f for f in (manifest or {}).get("files", []) if f["file"] == name), None)
    if entry is None:
        return access.refuse(404, f"filen {name} finns inte i version {version}")
    if not access.can_download_mart(auth.current_account(), entry["mart"]):
        refusal = access.refuse(403, "filen visar inskickade filer och skäl till avvisning")
        return caching.vary_on_account(refusal)
    private = _needed_account(entry["mart"])
    path = export.exports_dir(_warehouse_dir()) / str(version) / entry["file"]
    response = flask.send_file(
        path,
        mimetype=MIMETYPES[entry["format"]],
        as_attachment=True,
        download_name=f"v{version}_{entry['file']}",
        etag=entry["sha256"],
        max_age=None if private else YEAR,
        conditional=True,
    )
    response.headers["X-Warehouse-Version"] = str(version)
    if private:
        # who sent what, or statistics closed to the public: never in a shared cache
        return caching.keep_private(response)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def definitions():
    """Every figure the dashboard and the exports show: label, definition and source."""
    tables = i18n.definition_tables()
    body = {
        name: [
            {
                "key": ind.key,
                "label": {"sv": ind.label("sv"), "en": ind.label("en")},
                "definition": {"sv": ind.definition("sv"), "en": ind.definition("en")},
                "source": {"sv": ind.source("sv"), "en": ind.source("en")},
            }
            for ind in table.values()
        ]
        for name, table in tables.items()
    }
    return _json(body, version=None, immutable=False)


def marts_doc():
    return flask.Response(MARTS_DOC.read_text("utf-8"), mimetype="text/markdown")


def index():
    directory = _warehouse_dir()
    version = publish.current_version(directory)
    kept = _kept()
    manifest = _manifest(version, kept) if version else None
    lang = i18n.lang_or_default(flask.request.args.get("lang"))
    html = flask.render_template(
        "bulk.html",
        lang=lang,
        t=lambda key, **kw: i18n.t(key, lang, **kw),
        manifest=manifest,
        version=version,
        versions=kept,
        size=lambda n: f"{n / 1024:,.0f} kB".replace(",", " "),
    )
    response = _per_account(flask.Response(html, mimetype="text/html"))
    if version:
        response.headers["X-Warehouse-Version"] = str(version)
    return response
