"""Kommun: pure builders for a municipality's profile.

Status year by year, the agreement with its expiry warning, citizen promises, funded projects and
grants, and the municipality beside its county, police region and the nation. Report text (titles)
stays plain text; enum keys become labels from ``pipelines.contract`` through ``i18n``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl

from dashboard import fmt
from dashboard.components.table import Table
from dashboard.i18n import (
    INDICATORS,
    Lang,
    enum_label,
    enum_labels,
    indicator_label,
    status_label,
    t,
)
from dashboard.views.overview import share_columns, share_text

EXPIRY_WARNING_DAYS = 180
AgreementState = Literal["expired", "expires_soon", "ok"]


def reference_date(year: int, today: dt.date, latest_year: int | None = None) -> dt.date:
    """The date a view of ``year`` is about: today for the current year and for the latest year
    reported (reports arrive after the year ends, so that is what holds now), else 31 December."""
    return today if year >= today.year or year == latest_year else dt.date(year, 12, 31)


def agreement_state(
    valid_to: dt.date | None, year: int, today: dt.date, latest_year: int | None = None
) -> tuple[AgreementState, int] | None:
    """Whether the agreement has expired or expires within 180 days, with the days left."""
    if valid_to is None:
        return None
    days = (valid_to - reference_date(year, today, latest_year)).days
    if days < 0:
        return "expired", days
    if days <= EXPIRY_WARNING_DAYS:
        return "expires_soon", days
    return "ok", days


def agreement_warning(
    valid_to: dt.date | None,
    year: int,
    today: dt.date,
    lang: Lang,
    latest_year: int | None = None,
) -> str | None:
    found = agreement_state(valid_to, year, today, latest_year)
    if found is None or found[0] == "ok":
        return None
    if found[0] == "expired":
        return t("agreement_expired", lang, date=fmt.date(valid_to))
    if found[1] == 0:
        return t("agreement_expires_today", lang, date=fmt.date(valid_to))
    return t("agreement_expires_soon", lang, days=found[1], date=fmt.date(valid_to))


def year_row(history: pl.DataFrame, year: int) -> dict | None:
    rows = history.filter(pl.col("year") == year)
    return rows.row(0, named=True) if rows.height else None


def agreement_facts(row: dict, lang: Lang) -> list[tuple[str, str]]:
    """(label, value) pairs describing the agreement of one report."""
    return [
        (t("valid_from", lang), fmt.date(row["agreement_valid_from"])),
        (t("valid_to", lang), fmt.date(row["agreement_valid_to"])),
        (t("signed", lang), fmt.date(row["agreement_signed_date"])),
        (t("police_area", lang), row["agreement_police_area"] or fmt.MISSING),
        (
            t("focus_areas", lang),
            enum_labels("focus_area", row["agreement_focus_areas"], lang) or fmt.MISSING,
        ),
    ]


def status_table(history: pl.DataFrame, lang: Lang) -> Table:
    """One row per year, newest first: report received, the indicators, FTE, promises, grants."""
    rows = history.sort("year", descending=True)
    year_col = t("year", lang)
    # Years and dates stay numbers and dates, so that a download is ready to analyse.
    columns: dict[str, list] = {year_col: rows["year"].to_list()}
    submitted_col = t("submitted_at", lang)
    columns[submitted_col] = [v.date() if v else None for v in rows["submitted_at"].to_list()]
    columns[t("late", lang)] = [status_label(v, lang) for v in rows["is_late"].to_list()]
    for key in INDICATORS:
        columns[INDICATORS[key].short(lang)] = [status_label(v, lang) for v in rows[key].to_list()]
    fte_col = indicator_label("coordinator_fte", lang)
    columns[fte_col] = rows["coordinator_fte"].to_list()
    promises_col = indicator_label("promises_count", lang)
    columns[promises_col] = rows["promises_count"].to_list()
    granted_col = indicator_label("granted_sek", lang)
    columns[granted_col] = rows["granted_sek"].to_list()
    frame = pl.DataFrame(columns, strict=False)
    # Icons mark the indicators only: a tick beside "late: yes" would read as good news.
    kinds = {INDICATORS[key].short(lang): "status" for key in INDICATORS}
    kinds.update(
        {submitted_col: "date", fte_col: "number", promises_col: "int", granted_col: "sek"}
    )
    return Table("status", t("status_by_year", lang), frame, kinds=kinds)  # type: ignore[arg-type]


def promises_table(promises: pl.DataFrame, year: int, lang: Lang) -> Table:
    frame = pl.DataFrame(
        {
            t("title", lang): promises["title"].to_list(),
            t("focus_area", lang): [
                enum_label("focus_area", v, lang) for v in promises["focus_area"].to_list()
            ],
            t("status", lang): [
                enum_label("promise_status", v, lang) for v in promises["status"].to_list()
            ],
            t("dialogue_methods", lang): [
                enum_labels("dialogue_method", v, lang)
                for v in promises["dialogue_methods"].to_list()
            ],
            t("start_date", lang): promises["start_date"].to_list(),
            t("end_date", lang): promises["end_date"].to_list(),
            t("followed_up", lang): [
                status_label(v, lang) for v in promises["followed_up"].to_list()
            ],
            t("published", lang): [status_label(v, lang) for v in promises["published"].to_list()],
        },
        schema_overrides={t("start_date", lang): pl.Date, t("end_date", lang): pl.Date},
        strict=False,
    )
    kinds = {t("start_date", lang): "date", t("end_date", lang): "date"}
    kinds.update({t("followed_up", lang): "status", t("published", lang): "status"})
    return Table("promises", t("promises_heading", lang, year=year), frame, kinds=kinds)  # type: ignore[arg-type]


def projects_table(projects: pl.DataFrame, year: int, lang: Lang) -> Table:
    frame = pl.DataFrame(
        {
            t("grant_id", lang): projects["grant_id"].to_list(),
            t("title", lang): projects["title"].to_list(),
            t("category", lang): [
                enum_label("focus_area", v, lang) for v in projects["category"].to_list()
            ],
            t("status", lang): [
                enum_label("project_status", v, lang) for v in projects["status"].to_list()
            ],
            t("spent", lang): projects["spent_sek"].to_list(),
            t("co_funding", lang): projects["co_funding_sek"].to_list(),
            t("effect_evaluated", lang): [
                status_label(v, lang) for v in projects["effect_evaluated"].to_list()
            ],
            t("in_register", lang): [
                status_label(v, lang) for v in projects["grant_in_register"].to_list()
            ],
        },
        schema_overrides={t("spent", lang): pl.Float64, t("co_funding", lang): pl.Float64},
        strict=False,
    )
    kinds = {
        t("spent", lang): "sek",
        t("co_funding", lang): "sek",
        t("effect_evaluated", lang): "status",
        t("in_register", lang): "status",
    }
    return Table("projects", t("projects_heading", lang, year=year), frame, kinds=kinds)  # type: ignore[arg-type]


def grants_table(grants: pl.DataFrame, year: int, lang: Lang) -> Table:
    money = {
        t("applied", lang): "amount_applied_sek",
        t("granted", lang): "amount_granted_sek",
        t("paid", lang): "amount_paid_sek",
        t("spent", lang): "reported_spent_sek",
    }
    frame = pl.DataFrame(
        {
            t("grant_id", lang): grants["grant_id"].to_list(),
            t("decision_date", lang): grants["decision_date"].to_list(),
            t("project_title", lang): grants["project_title"].to_list(),
            t("category", lang): [
                enum_label("focus_area", v, lang) for v in grants["category"].to_list()
            ],
            **{label: grants[col].to_list() for label, col in money.items()},
        },
        schema_overrides={
            t("decision_date", lang): pl.Date,
            **dict.fromkeys(money, pl.Float64),
        },
        strict=False,
    )
    kinds = {t("decision_date", lang): "date", **dict.fromkeys(money, "sek")}
    return Table("grants", t("grants_heading", lang, year=year), frame, kinds=kinds)  # type: ignore[arg-type]


def comparison_table(row: dict, regions: pl.DataFrame, lang: Lang) -> Table:
    """The municipality's own status beside its county's, police region's and nation's shares."""
    wanted = {
        "county": row["county_code"],
        "police_region": row["police_region"],
        "nation": "SE",
    }
    found = {
        level: regions.filter((pl.col("level") == level) & (pl.col("region_code") == code))
        for level, code in wanted.items()
    }
    names = {level: (f.row(0, named=True) if f.height else None) for level, f in found.items()}
    columns: dict[str, list[str]] = {
        t("indicator", lang): [],
        row["municipality_name"]: [],
        row["county_name"]: [],
        f"{t('police_region', lang)} {row['police_region']}": [],
        t("nation", lang): [],
    }
    keys = list(columns)
    numbers: dict[str, list] = {keys[0]: [], keys[1]: []}
    for col in keys[2:]:
        for part in (f"{col} (%)", f"{col}: {t('count', lang).lower()}", f"{col}: {_base(lang)}"):
            numbers[part] = []
    for key, ind in INDICATORS.items():
        share_col, count_col, denom_col = share_columns(key)
        for target in (columns, numbers):
            target[keys[0]].append(ind.label(lang))
            target[keys[1]].append(status_label(row[key], lang))
        for col, level in zip(keys[2:], ("county", "police_region", "nation"), strict=True):
            r = names[level] or {}
            share, count, base = r.get(share_col), r.get(count_col), r.get(denom_col)
            columns[col].append(share_text(share, count, base, lang, key) if r else fmt.MISSING)
            numbers[f"{col} (%)"].append(None if share is None else share * 100)
            numbers[f"{col}: {t('count', lang).lower()}"].append(count)
            numbers[f"{col}: {_base(lang)}"].append(base)
    caption = t("comparison_heading", lang, name=row["municipality_name"], year=row["year"])
    return Table(
        "comparison",
        caption,
        pl.DataFrame(columns),
        kinds={keys[1]: "status"},
        download=pl.DataFrame(numbers, strict=False),
    )


def _base(lang: Lang) -> str:
    return t("denominator", lang).lower()
