"""Jämför: a municipality (or a county) against its peers, as pure functions over frames.

Definitions follow shared/INDICATORS.md, "Peer comparison": peers are the same county, police
region, SKR municipality group, a population band, or a hand-picked list, never the place itself.
A yes/no indicator over the peers is the share of those that reported with "yes", with its
denominator, and the peers that did not report counted apart; a number is the median, quartiles
(P25, P75, linear interpolation as in Excel's QUARTILE.INC) and min-max over the peers with a
value. Rank: 1 is the best (the highest value, but the fewest years since the situation report
was updated), ties share the better rank (1, 2, 2, 4), among the place and its peers with a value.

The "units" frame has one row per place (municipality or county) with one column per indicator:
booleans for a municipality's yes/no indicators, numbers for everything else (a county's yes/no
indicators are its share in percent over its reporting municipalities).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import polars as pl

from dashboard import fmt
from dashboard.i18n import INDICATORS, REQUIREMENTS

BOOLS: tuple[str, ...] = tuple(INDICATORS)
NUMBERS: tuple[str, ...] = (
    "coordinator_fte_per_10k",
    "promises_count",
    "promises_fulfilled_share",
    "granted_per_inhabitant",
    "spent_per_inhabitant",
    "situation_report_age",
    "agreement_days_left",
)
# Lower is better: rank 1 is the smallest value.
LOWER_IS_BETTER = frozenset({"situation_report_age"})
GROUPS = ("kommungrupp", "lan", "polisregion", "folkmangd", "egen")
COUNTY_GROUPS = ("lan_alla", "egen")
# The population band of "similar population": from half to twice the municipality's.
BAND = (0.5, 2.0)


def reference_dates(latest_year: int, today: dt.date) -> pl.Expr:
    """The date each year's agreement is judged on (as ``views.municipality.reference_date``):
    today for the current and the latest reporting year, 31 December for an earlier one."""
    year = pl.col("year")
    return (
        pl.when((year >= today.year) | (year == latest_year))
        .then(pl.lit(today))
        .otherwise(pl.date(year, 12, 31))
    )


def municipality_units(muni: pl.DataFrame, latest_year: int, today: dt.date) -> pl.DataFrame:
    """One row per municipality and year of ``mart_municipality_year`` rows, every indicator.

    The agreement's days left are counted from ``reference_dates``."""
    days = (pl.col("agreement_valid_to") - reference_dates(latest_year, today)).dt.total_days()
    return muni.select(
        *[pl.col(k) for k in BOOLS],
        code=pl.col("municipality_code"),
        name=pl.col("municipality_name"),
        county_code=pl.col("county_code"),
        police_region=pl.col("police_region"),
        group=pl.col("municipality_group"),
        group_name=pl.col("municipality_group_name"),
        population=pl.col("population"),
        year=pl.col("year"),
        coordinator_fte_per_10k=pl.col("coordinator_fte") / pl.col("population") * 10_000,
        promises_count=pl.col("promises_count").cast(pl.Float64),
        promises_fulfilled_share=pl.when(pl.col("promises_count") > 0).then(
            pl.col("promises_fulfilled") / pl.col("promises_count") * 100
        ),
        granted_per_inhabitant=pl.col("granted_sek") / pl.col("population"),
        spent_per_inhabitant=pl.col("spent_sek") / pl.col("population"),
        situation_report_age=(pl.col("year") - pl.col("situation_report_updated_year")).cast(
            pl.Float64
        ),
        agreement_days_left=pl.when(pl.col("has_agreement")).then(days).cast(pl.Float64),
        # Where a number applies to a report: a value missing there was left out of the report
        # ("ej rapporterat"); elsewhere it does not exist (no agreement: no days left).
        applies_coordinator_fte_per_10k=pl.col("has_report"),
        applies_promises_count=pl.col("has_report"),
        applies_promises_fulfilled_share=(pl.col("promises_count") > 0).fill_null(False),
        applies_granted_per_inhabitant=pl.lit(True),
        applies_spent_per_inhabitant=pl.col("has_report"),
        applies_situation_report_age=pl.col("has_situation_report").fill_null(False),
        applies_agreement_days_left=pl.col("has_agreement").fill_null(False),
    )


def county_units(units: pl.DataFrame, regions: pl.DataFrame, level: str = "county") -> pl.DataFrame:
    """One row per county: yes/no indicators as the share (%) of its reporting municipalities,
    FTE per 10 000 over those that gave one, promises per reporting municipality, the fulfilled
    share of all its promises, money per inhabitant with county-level grants (``regions``:
    ``mart_region_year`` of the year), the medians of situation report age and days left."""
    shares = [
        (pl.col(k).cast(pl.Float64).mean() * 100).alias(k) for k in BOOLS if k != "has_report"
    ]
    with_fte = pl.col("coordinator_fte_per_10k").is_not_null()
    bases = [pl.col(k).count().alias(f"base_{k}") for k in (*BOOLS, *NUMBERS)]
    out = units.group_by("year", "county_code").agg(
        *shares,
        *bases,
        has_report=pl.col("has_report").cast(pl.Float64).mean() * 100,
        population=pl.col("population").sum(),
        coordinator_fte_per_10k=(
            (pl.col("coordinator_fte_per_10k") * pl.col("population")).filter(with_fte).sum()
            / pl.col("population").filter(with_fte).sum()
        ),
        promises_count=pl.col("promises_count").mean(),
        promises_fulfilled_share=(
            (pl.col("promises_fulfilled_share") * pl.col("promises_count") / 100).sum()
            / pl.col("promises_count").filter(pl.col("promises_count") > 0).sum()
            * 100
        ),
        situation_report_age=pl.col("situation_report_age").median(),
        agreement_days_left=pl.col("agreement_days_left").median(),
    )
    money = regions.filter(pl.col("level") == level).select(
        "year",
        county_code=pl.col("region_code"),
        name=pl.col("region_name"),
        police_region=pl.lit(None, pl.String),
        granted_per_inhabitant=pl.col("granted_per_inhabitant"),
        spent_per_inhabitant=pl.col("spent_per_inhabitant"),
    )
    out = out.join(money, on=["year", "county_code"], how="left").with_columns(
        code=pl.col("county_code"),
        group=pl.lit(None, pl.String),
        group_name=pl.lit(None, pl.String),
    )
    # a county with no reporting municipality has NaN from empty means: not reported
    return out.with_columns(pl.col(pl.Float64).fill_nan(None)).sort("year", "code")


def nation_units(units: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """The nation as one more "county" per year: its shares over every reporting municipality,
    its money per inhabitant with every county-level grant (a county comparison's "Riket")."""
    whole = units.with_columns(county_code=pl.lit("SE"))
    regions = regions.with_columns(region_code=pl.lit("SE"))
    return county_units(whole, regions, level="nation")


def peers(
    units: pl.DataFrame, code: str, group: str, picked: list[str] | None = None
) -> pl.DataFrame:
    """The peers of ``code`` (never ``code`` itself) in ``group``."""
    me = units.filter(pl.col("code") == code).row(0, named=True)
    others = units.filter(pl.col("code") != code)
    if group == "lan":
        return others.filter(pl.col("county_code") == me["county_code"])
    if group == "polisregion":
        return others.filter(pl.col("police_region") == me["police_region"])
    if group == "kommungrupp":
        return others.filter(pl.col("group") == me["group"])
    if group == "folkmangd":
        low, high = population_band(me["population"])
        return others.filter(pl.col("population").is_between(low, high))
    if group == "egen":
        return others.filter(pl.col("code").is_in(picked or []))
    return others  # lan_alla: every other county


def population_band(population: int) -> tuple[int, int]:
    """The whole numbers of inhabitants from half to twice ``population``, both included."""
    return math.ceil(population * BAND[0]), math.floor(population * BAND[1])


def rank(value: float | None, others: list[float | None], lower_is_better: bool) -> tuple | None:
    """(rank, among how many) of ``value`` among itself and ``others`` with a value; ties share
    the better rank. None when ``value`` is None."""
    if value is None:
        return None
    values = [v for v in others if v is not None]
    better = sum(1 for v in values if (v < value if lower_is_better else v > value))
    return better + 1, len(values) + 1


def as_number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    return float(value)


@dataclass(frozen=True)
class Row:
    """One indicator of the comparison."""

    key: str
    kind: str  # "bool" (a municipality's yes/no) or "number"
    value: object
    # bool: yes, reported with a value, not reported; number: n, median, p25, p75, min, max
    peers_yes: int | None = None
    peers_base: int | None = None
    peers_not_reported: int | None = None
    peers_share: float | None = None
    peers_n: int | None = None
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    low: float | None = None
    high: float | None = None
    rank: tuple | None = None
    national: float | None = None
    national_base: int | None = None


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (Excel's QUARTILE.INC, numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return None
    pos = (len(ordered) - 1) * q
    lower = int(pos)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (pos - lower)


def compare(
    me: dict,
    group: pl.DataFrame,
    nation: pl.DataFrame,
    county_mode: bool,
    national: dict | None = None,
) -> list[Row]:
    """Every indicator: the place's value, the peers' summary, its rank, the national value.

    ``nation`` is every unit of the level (all 290 municipalities, or all 21 counties); for
    counties, ``national`` (``nation_unit``) gives the nation's own value of each indicator
    rather than the median of the counties."""
    rows = []
    for key in (*BOOLS, *NUMBERS):
        lower = key in LOWER_IS_BETTER
        values = group[key].to_list()
        if key in BOOLS and not county_mode:
            # has_report is never NULL: every peer counts in its base
            known = [v for v in values if v is not None]
            answered = [v for v in nation[key].to_list() if v is not None]
            rows.append(
                Row(
                    key,
                    "bool",
                    me[key],
                    peers_yes=sum(1 for v in known if v),
                    peers_base=len(known),
                    peers_not_reported=len(values) - len(known),
                    peers_share=(sum(1 for v in known if v) / len(known) * 100) if known else None,
                    rank=rank(as_number(me[key]), [as_number(v) for v in values], lower),
                    national=(sum(1 for v in answered if v) / len(answered) * 100)
                    if answered
                    else None,
                    national_base=len(answered),
                )
            )
            continue
        known = [float(v) for v in values if v is not None]
        everyone = [float(v) for v in nation[key].to_list() if v is not None]
        # Apart are the peers that did not report; a peer that reported without a value (no
        # promises, no agreement) is neither a value nor "not reported".
        if county_mode:
            not_reported = len(values) - len(known)
        else:
            applies = f"applies_{key}"
            applies_col = pl.col(applies) if applies in group.columns else pl.col("has_report")
            not_reported = group.filter(
                pl.col(key).is_null() & (~pl.col("has_report") | applies_col)
            ).height
        national_value = (
            as_number(national[key]) if national is not None else quantile(everyone, 0.5)
        )
        rows.append(
            Row(
                key,
                "number",
                as_number(me[key]),
                peers_n=len(known),
                peers_not_reported=not_reported,
                median=quantile(known, 0.5),
                p25=quantile(known, 0.25),
                p75=quantile(known, 0.75),
                low=min(known) if known else None,
                high=max(known) if known else None,
                rank=rank(as_number(me[key]), [as_number(v) for v in values], lower),
                national=national_value,
                # a county comparison: the nation's own base (its municipalities with a value)
                national_base=national[f"base_{key}"] if national is not None else len(everyone),
            )
        )
    return rows


def lacks(me: dict) -> list[str]:
    """The requirements the municipality answered "no" to in its report (not reported is not
    "no": the page says so apart)."""
    return [k for k in REQUIREMENTS if me[k] is False]


def learn_from(me: dict, group: pl.DataFrame, key: str) -> pl.DataFrame:
    """The peers that meet requirement ``key``: same municipality group first, then the closest
    population, then name."""
    return (
        group.filter(pl.col(key) == True)  # noqa: E712
        .with_columns(
            same_group=(pl.col("group") == me["group"]).fill_null(False),
            distance=(pl.col("population") - me["population"]).abs(),
        )
        .sort(
            ["same_group", "distance", fmt.swedish_order("name")],
            descending=[True, False, False],
        )
    )


def county_learn_from(me: dict, group: pl.DataFrame, key: str) -> pl.DataFrame:
    """The counties with a higher share than this one for requirement ``key``, highest first."""
    if me[key] is None:
        return group.filter(pl.col(key).is_not_null()).sort(key, descending=True)
    return group.filter(pl.col(key) > me[key]).sort([key, "code"], descending=[True, False])
