"""What a published warehouse holds, read from its marts (read-only)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.publish import current_path


def warehouse_status(warehouse: Path) -> dict | None:
    path = current_path(warehouse)
    if path is None:
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        version, built_at, synthetic = con.execute(
            "select version, built_at, synthetic from meta"
        ).fetchall()[0]
        years = con.execute(
            """
            select year, count(*) filter (where has_report), count(*),
                   count(*) filter (where is_late), sum(grants_count)
            from mart_municipality_year group by year order by year
            """
        ).fetchall()
        files = dict(
            con.execute(
                "select status, count(*) from mart_submissions group by status order by status"
            ).fetchall()
        )
        rejected = con.execute(
            "select file_name, n_errors from mart_submissions where status = 'rejected' "
            "order by submission_id"
        ).fetchall()
    finally:
        con.close()
    return {
        "version": version,
        "built_at": built_at,
        "synthetic": synthetic,
        "years": years,
        "files": files,
        "files_total": sum(files.values()),
        "rejected": rejected,
    }
