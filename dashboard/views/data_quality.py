"""Datakvalitet: pure builders for what arrived in a reporting year and what is missing.

Definitions follow shared/INDICATORS.md, "Data quality": received is a current report for the
year; on time / late by its ``submitted_at`` against the end of 31 March (Swedish time) of the
next year; revised when the current report superseded an earlier one; missing when there is no
current report, either because nothing arrived or because every file was rejected (the chase
list). The tables here are what the page shows and downloads.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard import fmt
from dashboard.components.kpi import Kpi
from dashboard.components.map import MapValues
from dashboard.components.table import Table
from dashboard.i18n import Lang, t
from dashboard.views.municipality import agreement_state

STATUSES = ("on_time", "late", "rejected", "missing")
FILE_STATUSES = ("loaded", "partially_loaded", "superseded", "duplicate", "rejected")
KINDS = ("report_json", "report_xlsx", "grants_csv", "grants_xlsx", "unknown")


def status_label(status: str | None, lang: Lang) -> str:
    return t(f"dq_status_{status}", lang) if status else fmt.MISSING


def file_status_label(status: str | None, lang: Lang) -> str | None:
    """The fate of a file in words; None where there is no file (an empty cell, as its name)."""
    return t(f"dq_file_{status}", lang) if status else None


def counts(rows: pl.DataFrame) -> dict[str, int]:
    """The year's figures over the municipalities in ``rows``."""
    status = pl.col("status")
    out = rows.select(
        municipalities=pl.len(),
        received=pl.col("has_report").sum(),
        on_time=(status == "on_time").sum(),
        late=(status == "late").sum(),
        revised=pl.col("is_revised").fill_null(False).sum(),
        missing=status.is_in(["missing", "rejected"]).sum(),
        nothing=(status == "missing").sum(),
        only_rejected=(status == "rejected").sum(),
    ).row(0, named=True)
    return {k: int(v or 0) for k, v in out.items()}


def kpis(rows: pl.DataFrame, files: pl.DataFrame, year: int, lang: Lang) -> list[Kpi]:
    """The year's figures as cards, each with its base."""
    c = counts(rows)
    rejected = files.filter(pl.col("status") == "rejected").height
    of_all = t("of_municipalities", lang, n=c["municipalities"])
    of_received = t("dq_of_received", lang, n=c["received"])
    missing_detail = t("dq_missing_detail", lang, nothing=c["nothing"], rejected=c["only_rejected"])
    cards = (
        ("dq_received", c["received"], of_all, ""),
        ("dq_on_time", c["on_time"], of_received, ""),
        ("dq_late", c["late"], of_received, ""),
        ("dq_revised", c["revised"], of_received, ""),
        ("dq_missing", c["missing"], of_all, missing_detail),
        ("dq_rejected_files", rejected, t("dq_files_for_year", lang, n=files.height), ""),
    )
    return [
        Kpi(k, t(k, lang), fmt.number(v, lang), detail, change) for k, v, detail, change in cards
    ]


COUNTY_COLUMNS = (
    "municipalities",
    "received",
    "on_time",
    "late",
    "revised",
    "nothing",
    "only_rejected",
)


def county_table(rows: pl.DataFrame, year: int, lang: Lang) -> Table:
    """Per county, the nation first: the year's figures."""
    ordered = (
        rows.select("county_code", "county_name").unique().sort(fmt.swedish_order("county_name"))
    )
    records = [(t("nation", lang), counts(rows))]
    links: list[str | None] = [None]
    for code, name in ordered.iter_rows():
        records.append((name, counts(rows.filter(pl.col("county_code") == code))))
        links.append(f"/region?niva=lan&kod={code}&year={year}")
    labels = [t(f"dq_col_{k}", lang) for k in COUNTY_COLUMNS]
    frame = pl.DataFrame(
        [(name, *(c[k] for k in COUNTY_COLUMNS)) for name, c in records],
        schema=[t("county", lang), *labels],
        orient="row",
    )
    caption = t("dq_county_heading", lang, year=year)
    return Table(
        "counties",
        caption,
        frame,
        kinds=dict.fromkeys(labels, "int"),  # type: ignore[arg-type]
        links={t("county", lang): links},
    )


def chase_table(rows: pl.DataFrame, year: int, lang: Lang) -> Table:
    """The municipalities still missing for the year, by county and name, with the last file
    received from them for the year and its fate: ready to mail merge."""
    missing = rows.filter(pl.col("status").is_in(["missing", "rejected"])).sort(
        [fmt.swedish_order("county_name"), fmt.swedish_order("municipality_name")]
    )
    name_col = t("municipality", lang)
    frame = pl.DataFrame(
        {
            name_col: missing["municipality_name"].to_list(),
            t("municipality_code", lang): missing["municipality_code"].to_list(),
            t("county", lang): missing["county_name"].to_list(),
            t("police_region", lang): missing["police_region"].to_list(),
            t("dq_why", lang): [status_label(s, lang) for s in missing["status"].to_list()],
            t("dq_last_file", lang): missing["last_file_name"].to_list(),
            t("dq_last_received", lang): missing["last_received_at"].to_list(),
            t("dq_last_fate", lang): [
                file_status_label(s, lang) for s in missing["last_status"].to_list()
            ],
        },
        schema_overrides={t("dq_last_received", lang): pl.Datetime("us")},
        strict=False,
    )
    links = {
        name_col: [f"/kommun?kod={c}&year={year}" for c in missing["municipality_code"].to_list()]
    }
    caption = t("dq_chase_heading", lang, year=year)
    return Table("chase", caption, frame, kinds={t("dq_last_received", lang): "date"}, links=links)


def unattributed_rejected(files: pl.DataFrame) -> int:
    """Rejected files of the year that name no municipality that could be read."""
    return files.filter(
        (pl.col("status") == "rejected")
        & pl.col("kind").str.starts_with("report")
        & pl.col("municipality_code").is_null()
    ).height


def filter_files(files: pl.DataFrame, search: str | None) -> pl.DataFrame:
    if not search:
        return files
    needle = search.strip().lower()
    return files.filter(
        pl.concat_str(
            [
                pl.col("file_name"),
                pl.col("municipality_code").fill_null(""),
                pl.col("municipality_name").fill_null(""),
                pl.col("status"),
            ],
            separator=" ",
        )
        .str.to_lowercase()
        .str.contains(needle, literal=True)
    )


def _files_frame(files: pl.DataFrame, lang: Lang, history: bool = False) -> Table:
    """Files with their fate: the year's list, or (``history``) a municipality's every year
    with the reasons each was rejected."""
    received = t("dq_received_at", lang)
    columns: dict[str, list] = {}
    if history:
        columns[t("year", lang)] = files["year"].to_list()
    columns |= {
        t("dq_file", lang): files["file_name"].to_list(),
        received: files["received_at"].to_list(),
        t("dq_kind", lang): [t(f"dq_kind_{k}", lang) for k in files["kind"].to_list()],
    }
    if not history:
        columns[t("municipality", lang)] = files["municipality_name"].to_list()
    columns |= {
        t("dq_fate", lang): [file_status_label(s, lang) for s in files["status"].to_list()],
        t("dq_errors", lang): files["n_errors"].to_list(),
        t("dq_warnings", lang): files["n_warnings"].to_list(),
    }
    if history:
        columns[t("dq_reason", lang)] = [
            "; ".join(e or []) or None for e in files["errors"].to_list()
        ]
    frame = pl.DataFrame(columns, schema_overrides={received: pl.Datetime("us")}, strict=False)
    kinds = {
        t("year", lang): "text",
        received: "date",
        t("dq_errors", lang): "int",
        t("dq_warnings", lang): "int",
    }
    name, caption = ("submissions", t("dq_history_heading", lang)) if history else ("files", "")
    return Table(name, caption, frame, kinds=kinds)  # type: ignore[arg-type]


def files_table(files: pl.DataFrame, year: int, lang: Lang) -> Table:
    """Every file received for the year with its fate, newest first."""
    table = _files_frame(files, lang)
    return Table("files", t("dq_files_heading", lang, year=year), table.frame, kinds=table.kinds)


def reasons_table(files: pl.DataFrame, year: int, lang: Lang) -> Table:
    """Every reason of every rejected file of the year, one row each (file, sheet, row, field,
    what was expected: the pipelines' own readable line)."""
    # whole files rejected, and the rows a register lost (the register itself partly loaded)
    rejected = files.filter(
        (pl.col("status") == "rejected")
        | ((pl.col("status") == "partially_loaded") & (pl.col("n_errors") > 0))
    )
    records = [
        (r["file_name"], r["received_at"], r["municipality_name"], reason)
        for r in rejected.iter_rows(named=True)
        for reason in (r["errors"] or [t("dq_no_reason", lang)])
    ]
    cols = [
        t("dq_file", lang),
        t("dq_received_at", lang),
        t("municipality", lang),
        t("dq_reason", lang),
    ]
    frame = pl.DataFrame(
        records,
        schema={
            cols[0]: pl.String,
            cols[1]: pl.Datetime("us"),
            cols[2]: pl.String,
            cols[3]: pl.String,
        },
        orient="row",
    )
    caption = t("dq_reasons_heading", lang, year=year)
    return Table("reasons", caption, frame, kinds={cols[1]: "date"})


def attention_table(
    muni: pl.DataFrame, year: int, today: dt.date, latest_year: int, lang: Lang
) -> Table:
    """What needs attention in the year's reports (INDICATORS.md): situation reports not updated
    for two years or more, agreements that have expired or expire within 180 days (judged on
    today for the latest year, on 31 December for earlier ones), and a situation report without
    an action plan. One row per municipality and matter."""
    records: list[tuple] = []
    for r in muni.sort(
        [fmt.swedish_order("county_name"), fmt.swedish_order("municipality_name")]
    ).iter_rows(named=True):
        updated = r["situation_report_updated_year"]
        if r["has_situation_report"] and updated is not None and updated <= year - 2:
            records.append((r, "stale", t("dq_att_stale_detail", lang, year=updated)))
        if r["has_agreement"]:
            found = agreement_state(r["agreement_valid_to"], year, today, latest_year)
            if found is not None and found[0] != "ok":
                detail = t(
                    f"dq_att_{found[0]}_detail",
                    lang,
                    date=fmt.date(r["agreement_valid_to"]),
                    days=found[1],
                )
                records.append((r, found[0], detail))
        if r["has_situation_report"] and r["has_action_plan"] is False:
            records.append((r, "no_plan", t("dq_att_no_plan_detail", lang)))
    order = {"expired": 0, "expires_soon": 1, "stale": 2, "no_plan": 3}
    records.sort(key=lambda rec: order[rec[1]])
    name_col = t("municipality", lang)
    frame = pl.DataFrame(
        {
            t("dq_att_what", lang): [t(f"dq_att_{kind}", lang) for _, kind, _ in records],
            name_col: [r["municipality_name"] for r, _, _ in records],
            t("municipality_code", lang): [r["municipality_code"] for r, _, _ in records],
            t("county", lang): [r["county_name"] for r, _, _ in records],
            t("dq_att_detail", lang): [detail for _, _, detail in records],
        },
        schema_overrides={t("municipality_code", lang): pl.String},
        strict=False,
    )
    links = {name_col: [f"/kommun?kod={r['municipality_code']}&year={year}" for r, _, _ in records]}
    caption = t("dq_att_heading", lang, year=year)
    return Table("attention", caption, frame, links=links)


def submission_history(files: pl.DataFrame, lang: Lang) -> Table:
    """Every file received that names a municipality (all years, newest first) and its fate:
    the Kommun page's submission history."""
    return _files_frame(files, lang, history=True)


RUN_COLUMNS = ("files", "loaded", "partially_loaded", "superseded", "duplicates", "rejected")


def runs_table(runs: pl.DataFrame, lang: Lang, last: int = 10) -> Table:
    """What each of the last ingest runs added, newest first (by the files' fate today)."""
    shown = runs.head(last)
    labels = {k: t(f"dq_run_{k}", lang) for k in RUN_COLUMNS}
    frame = pl.DataFrame(
        {
            t("dq_run", lang): shown["run_id"].to_list(),
            t("dq_run_started", lang): shown["started_at"].to_list(),
            **{labels[k]: shown[k].to_list() for k in RUN_COLUMNS},
        },
        schema_overrides={t("dq_run_started", lang): pl.Datetime("us")},
        strict=False,
    )
    kinds = {t("dq_run", lang): "text", t("dq_run_started", lang): "datetime"}
    kinds |= dict.fromkeys(labels.values(), "int")
    return Table("runs", t("dq_runs_heading", lang, n=shown.height), frame, kinds=kinds)  # type: ignore[arg-type]


def warehouse_text(meta, runs: pl.DataFrame, lang: Lang) -> str:
    built = meta.built_at.strftime("%Y-%m-%d %H:%M") if meta.built_at else fmt.MISSING
    return t(
        "dq_warehouse_text",
        lang,
        built=built,
        version=meta.version,
        files=fmt.number(int(runs["files"].sum() or 0), lang),
        runs=t("dq_runs_one" if runs.height == 1 else "dq_runs_many", lang, n=runs.height),
    )


# On time dark blue, late light orange, only rejected files vermilion, nothing grey: four hues
# apart for every kind of colour blindness, and the two that need action (rejected, missing)
# apart from the two that arrived.
CLASSES = (
    ("on_time", "#005a8c"),
    ("late", "#f2b950"),
    ("rejected", "#d55e00"),
    ("missing", "#939393"),
)


def map_values(rows: pl.DataFrame, muni: pl.DataFrame, lang: Lang, points: bool) -> MapValues:
    """Each municipality coloured by its status in the year (one class each)."""
    index = {status: i for i, (status, _) in enumerate(CLASSES)}
    shapes = (
        muni.select("municipality_code", "lat", "lon", "population")
        .join(
            rows.select("municipality_code", "municipality_name", "status"),
            on="municipality_code",
            how="left",
        )
        .sort("municipality_code")
    )
    statuses = shapes["status"].to_list()
    return MapValues(
        kind="classes",
        locations=shapes["municipality_code"].to_list(),
        z=[float(index.get(s, index["missing"])) for s in statuses],
        text=[status_label(s, lang) for s in statuses],
        names=shapes["municipality_name"].to_list(),
        targets=[f"kommun:{c}" for c in shapes["municipality_code"]],
        lat=shapes["lat"].to_list() if points else None,
        lon=shapes["lon"].to_list() if points else None,
        population=shapes["population"].to_list() if points else None,
        classes=tuple((status_label(s, lang), colour) for s, colour in CLASSES),
    )
