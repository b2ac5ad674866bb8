"""The pipelines' command line: `python -m pipelines demo|template|ingest|uploads|status`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    help=(
        "Brottsförebyggande lägesbild: demo data, XLSX template, ingest, uploads and warehouse"
        " status."
    ),
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
out = Console()

DEFAULT_WAREHOUSE = Path("data/warehouse")
DEFAULT_INBOX = Path("data/inbox")
WarehouseOpt = Annotated[
    Path, typer.Option("--warehouse", help="Warehouse directory (holds current.duckdb).")
]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _parse_years(text: str) -> range:
    try:
        if "-" in text:
            first, last = (int(p) for p in text.split("-", 1))
        else:
            first = last = int(text)
    except ValueError:
        raise typer.BadParameter("ange år som 2016-2025 eller 2024") from None
    if first > last:
        raise typer.BadParameter("första året ska vara före det sista")
    return range(first, last + 1)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the inbox to.")] = (
        DEFAULT_INBOX
    ),
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same bytes.")
    ] = 42,
    years: Annotated[str, typer.Option(help="Reporting years, e.g. 2016-2025.")] = "2016-2025",
) -> None:
    """Write a realistic synthetic inbox (reports, grant registers, some broken files)."""
    from pipelines.demo import generate

    year_range = _parse_years(years)
    manifest = generate(out_dir, seed=seed, years=year_range)
    files = manifest.get("files", [])
    out.print(f"Wrote {len(files)} demo files to {out_dir} (seed {seed}, years {years}).")


@app.command()
def template(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the XLSX template.")] = (
        Path("rapportmall.xlsx")
    ),
) -> None:
    """Write the XLSX report template with drop-down lists and instructions."""
    from pipelines.template import write_template

    write_template(out_file)
    out.print(f"Wrote the report template to {out_file}.")


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders; default: every file in the inbox."),
    ] = None,
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    inbox: Annotated[Path, typer.Option(help="Inbox folder used when no PATH is given.")] = (
        DEFAULT_INBOX
    ),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a machine-readable summary.")
    ] = False,
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Mark the warehouse as holding demo data.")
    ] = False,
) -> None:
    """Validate and load received files, rebuild the marts and publish a new warehouse version.

    Exit code 0 when nothing was rejected, 1 when something was (the good files still load),
    2 for a usage error.
    """
    from pipelines.ingest import ingest as run_ingest

    if paths:
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            err.print(f"[red]No such file or folder:[/red] {', '.join(missing)}")
            raise typer.Exit(2)
    elif not inbox.is_dir():
        inbox.mkdir(parents=True, exist_ok=True)
    with _progress() as bar:
        task = bar.add_task("Ingesting", total=None)  # ingest tells the total with the first file
        result = run_ingest(
            list(paths) if paths else None,
            warehouse,
            inbox,
            synthetic=synthetic,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str))
        sys.stdout.write("\n")
    else:
        _print_summary(result)
    raise typer.Exit(1 if result.rejected else 0)


def _print_summary(result) -> None:
    summary = result.as_dict()
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(summary["counts"].items())) or "no files"
    out.print(
        f"Published warehouse version {result.version} in {result.warehouse} "
        f"({summary['files_received']} files: {counts})."
    )
    for f in result.files:
        if f["errors"]:
            out.print(f"[red]{f['status']}[/red] {f['file']}")
            for issue in f["errors"][:20]:
                out.print(f"   - {issue['text']}", markup=False)
            if len(f["errors"]) > 20:
                out.print(f"   … and {len(f['errors']) - 20} more errors")


@app.command()
def uploads(
    upload_dir: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Upload directory (default: $BF_UPLOAD_DIR, else data/uploads)."
        ),
    ] = None,
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Mark the warehouse as holding demo data.")
    ] = False,
) -> None:
    """Ingest the queued upload jobs of the web app, one at a time, under the writer lock.

    Prints one line per job. Exit code 0 (a rejected file is an outcome, not a failure),
    1 when a job failed as a whole, 2 for a usage error.
    """
    from pipelines.uploads import describe, read_job, run_pending, upload_dir_from_env

    folder = upload_dir or upload_dir_from_env()
    ids = run_pending(folder, warehouse, synthetic=synthetic)
    failed = False
    for job_id in ids:
        job = read_job(folder, job_id)
        failed |= job is None or job["state"] != "done"
        # Plain lines, never wrapped: the runner's log is read by people and by grep.
        typer.echo(describe(job) if job else f"{job_id}: record unreadable")
    if not ids:
        typer.echo(f"No queued upload jobs in {folder}.")
    raise typer.Exit(1 if failed else 0)


@app.command()
def status(
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a machine-readable summary.")
    ] = False,
) -> None:
    """What the warehouse holds: version, years, reports per year, files rejected."""
    from pipelines.status import warehouse_status

    info = warehouse_status(warehouse)
    if as_json:
        sys.stdout.write(json.dumps(_status_dict(info), ensure_ascii=False, indent=2, default=str))
        sys.stdout.write("\n")
        return
    if info is None:
        out.print(f"No warehouse published in {warehouse} yet. Run `python -m pipelines ingest`.")
        raise typer.Exit(0)
    out.print(
        f"Warehouse {warehouse}: version {info['version']}, built {info['built_at']} UTC"
        + (" (synthetic demo data)" if info["synthetic"] else "")
    )
    table = Table("year", "reports (current)", "of municipalities", "late", "grants")
    for row in info["years"]:
        table.add_row(*(str(v) for v in row))
    out.print(table)
    statuses = ", ".join(f"{k}: {v}" for k, v in info["files"].items())
    out.print(f"Files received: {info['files_total']} ({statuses})")
    for name, n_errors in info["rejected"]:
        out.print(f"  rejected: {name} ({n_errors} errors)", markup=False)


def _status_dict(info: dict | None) -> dict:
    if info is None:
        return {"published": False}
    keys = ("year", "reports", "municipalities", "late", "grants")
    return {
        "published": True,
        "version": info["version"],
        "built_at": info["built_at"],
        "synthetic": info["synthetic"],
        "years": [dict(zip(keys, row, strict=True)) for row in info["years"]],
        "files": info["files"],
        "files_total": info["files_total"],
        "rejected": [{"file": name, "errors": n} for name, n in info["rejected"]],
    }


if __name__ == "__main__":
    app()
