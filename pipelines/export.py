"""Bulk exports: every mart of a new version as Parquet and as CSV, with a manifest.

Written beside the warehouse, in ``exports/<version>/``, from the finished version's file before
it is published, so a version's files exist as soon as the version is current, and they go when
the version is pruned. The folder is filled under a temporary name and renamed into place whole:
a reader never sees half an export.

``manifest.json`` names the version, its build time, whether it holds demo data, the contract
version, and for every file its mart, format, row count, size and SHA-256. The CSV files are the
Swedish Excel flavour of the dashboard's own downloads (``excel_csv``); lists become text there
and stay lists in Parquet.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from pipelines.excel_csv import to_csv

EXPORTS = "exports"
MANIFEST = "manifest.json"


def exports_dir(warehouse: Path) -> Path:
    return warehouse / EXPORTS


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        """
        select table_name from information_schema.tables
        where table_schema = 'main' and (starts_with(table_name, 'mart_') or table_name = 'meta')
        order by table_name
        """
    ).fetchall()
    return [r[0] for r in rows]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_exports(database: Path, warehouse: Path, version: int) -> dict:
    """Export the marts of ``database`` (a closed, finished version) for ``version``."""
    target = exports_dir(warehouse) / str(version)
    tmp = exports_dir(warehouse) / f".tmp-{version}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    con = duckdb.connect(str(database), read_only=True)
    try:
        meta = con.table("meta").pl().row(0, named=True)
        files = []
        for name in _tables(con):
            frame = con.table(name).pl()
            parquet = tmp / f"{name}.parquet"
            frame.write_parquet(parquet, compression="zstd")
            csv = tmp / f"{name}.csv"
            csv.write_bytes(to_csv(frame))
            for path, fmt in ((parquet, "parquet"), (csv, "csv")):
                files.append(
                    {
                        "file": path.name,
                        "mart": name,
                        "format": fmt,
                        "rows": frame.height,
                        "bytes": path.stat().st_size,
                        "sha256": _sha256(path),
                    }
                )
    finally:
        con.close()
    manifest = {
        "version": version,
        "built_at": meta["built_at"].isoformat() + "Z" if meta.get("built_at") else None,
        "synthetic": bool(meta.get("synthetic")),
        "contract_version": meta.get("contract_version"),
        "first_year": meta.get("first_year"),
        "last_year": meta.get("last_year"),
        "files": files,
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    shutil.rmtree(target, ignore_errors=True)  # a run killed after renaming, before publishing
    os.replace(tmp, target)
    return manifest


def prune_exports(warehouse: Path, keep: set[int]) -> None:
    """Remove the exports of versions no longer kept, and leftovers of killed runs."""
    folder = exports_dir(warehouse)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.startswith(".tmp-") or (path.name.isdigit() and int(path.name) not in keep):
            shutil.rmtree(path, ignore_errors=True)


def read_manifest(warehouse: Path, version: int) -> dict | None:
    path = exports_dir(warehouse) / str(version) / MANIFEST
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
