"""Local indicators, precomputed: the authority's figures per period, kept as snapshot rows
with their numerators and denominators. Dashboards read only these rows.

Periods are census dates: the third Thursday of January, the day of the school census and the
SEN2 return. A period is open until its census date (its figures describe the day they were
worked out, ``as_at``, with flows over the calendar year so far) and final after it (worked
out as at the census date, then kept). ``snapshot_refresh`` works out the open period and, once
a census date has passed, the final figures for it; the first time, it also works out earlier
Januaries for the indicators the records' dates allow (plans started and ceased), so trends
start with history.

How: one SQL pass over the caseload (``facts.combined_sql`` on PostgreSQL: every count grouped
by the five breakdowns, and by setting for the capability heatmap), then the rollups in numpy
and one bulk insert, in a transaction that replaces the period's rows.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from assessments.rules.codes import CLASSIFICATION_CODES, NEEDS_DOMAIN_CODES
from valuing_send.core.locking import advisory_xact_lock

from . import facts, registry
from .dfe import dfe_percent
from .models import IndicatorSnapshot, SnapshotRun, SnapshotTrigger

HISTORY_YEARS = 5


def census_date(year: int) -> datetime.date:
    """The January school census (and SEN2) day: the third Thursday of January."""
    first = datetime.date(year, 1, 1)
    first_thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + datetime.timedelta(weeks=2)


def open_period(today: datetime.date) -> datetime.date:
    """The census date the figures of ``today`` belong to: this January's until its census
    day, then next January's."""
    this_year = census_date(today.year)
    return this_year if today <= this_year else census_date(today.year + 1)


def last_census(today: datetime.date) -> datetime.date:
    """The most recent census date on or before ``today``."""
    this_year = census_date(today.year)
    return this_year if today >= this_year else census_date(today.year - 1)


# ----- How each local indicator is worked out from the aggregate columns ---------------------


@dataclass(frozen=True)
class Formula:
    """``numerator`` and ``denominator`` are aggregate columns (``facts.COLUMNS``);
    ``kind``: count, sum, share, growth (numerator minus denominator over denominator) or
    mean. ``split``: category → (numerator, denominator) columns, for mixes; ``split_of_total``:
    the indicator's categories are the values of a breakdown (primary need), each over the
    whole."""

    kind: str
    numerator: str
    denominator: str = ""
    split: dict[str, tuple[str, str]] = field(default_factory=dict)
    split_of_total: str = ""


def _share(numerator, denominator, **kwargs) -> Formula:
    return Formula("share", numerator, denominator, **kwargs)


FORMULAS: dict[str, Formula] = {
    "ehc_plans": Formula("count", "plans"),
    "ehc_plans_growth_pct": Formula("growth", "plans", "plans_before"),
    "sen_support": Formula("count", "support"),
    "plans_by_need": _share("plans", "plans", split_of_total="primary_need"),
    "new_plans": Formula("count", "new_plans"),
    "new_plans_by_need": _share("new_plans", "new_plans", split_of_total="primary_need"),
    "plans_mainstream_pct": _share("plans_mainstream", "plans"),
    "plans_special_pct": _share("plans_special", "plans"),
    "plans_independent_special_pct": _share("plans_indep", "plans"),
    "plans_ap_pct": _share("plans_ap", "plans"),
    "plans_fe_pct": _share("plans_fe", "plans"),
    "plans_early_years_pct": _share("plans_ey", "plans"),
    "plans_elsewhere_pct": _share("plans_other", "plans"),
    "plans_placement_unknown_pct": _share("plans_none", "plans"),
    "new_plans_mainstream_pct": _share("new_mainstream", "new_plans"),
    "new_plans_special_pct": _share("new_special", "new_plans"),
    "sen_support_mainstream_pct": _share("support_mainstream", "support"),
    "ceased_plans": Formula("count", "ceased"),
    "ceased_needs_met_pct": _share("ceased_met", "ceased"),
    "ceased_to_work_or_study_pct": _share("ceased_ws", "ceased"),
    "pfa_coverage_pct": _share("pfa_num", "pfa_den"),
    "top_up_held": Formula("sum", "top_up_held"),
    "top_up_recommended": Formula("sum", "top_up_rec"),
    "top_up_avoidable": Formula("sum", "top_up_avoidable"),
    "top_up_per_plan": Formula("mean", "plans_top_up", "plans_priced"),
    "top_up_above_range": Formula("count", "above_range"),
    "avoidable_pct": _share("avoidable_esc", "esc"),
    "avoidable_of_all_pct": _share("avoidable", "profiled"),
    "mainstream_capable_pct": _share(
        "mc_esc",
        "esc",
        split={code: (f"mc_esc_{code}", "esc") for code in CLASSIFICATION_CODES},
    ),
    "mainstream_capable_of_all_pct": _share("mc_all", "profiled"),
    "mean_setting_readiness": Formula("mean", "readiness_sum", "readiness_children"),
    "capability_shortfall_pct": _share(
        "short_any",
        "at_setting",
        split={code: (f"short_{code}", f"needat_{code}") for code in NEEDS_DOMAIN_CODES},
    ),
    **{
        f"classified_{code}_pct": _share(f"cls_{code}", "profiled") for code in CLASSIFICATION_CODES
    },
}
SPLIT_DIMENSIONS = {
    "mainstream_capable_pct": "classification",
    "capability_shortfall_pct": "domain",
}
ONE_PLACE = Decimal("0.1")


def _value(formula: Formula, numerator: int, denominator: int) -> Decimal | None:
    if formula.kind in ("count", "sum"):
        return Decimal(int(numerator))
    if formula.kind == "mean":
        if not denominator:
            return None
        return (Decimal(int(numerator)) / Decimal(int(denominator))).quantize(
            ONE_PLACE, rounding=ROUND_HALF_UP
        )
    if formula.kind == "growth":
        return dfe_percent(int(numerator) - int(denominator), int(denominator))
    return dfe_percent(int(numerator), int(denominator))


@dataclass(frozen=True)
class Row:
    indicator: str
    dimension: str
    category: str
    value: Decimal | None
    numerator: int | None
    denominator: int | None


class Rollup:
    """The aggregate rows summed for the whole authority and for each breakdown category."""

    def __init__(self, rows: list[tuple], heatmap: list[tuple] = ()):
        width = len(facts.DIMENSION_COLUMNS)
        names = [*facts.COLUMNS, *facts.BY_SETTING_TYPE]
        self.columns = {name: index for index, name in enumerate(names)}
        if rows:
            keys = np.array([row[:width] for row in rows], dtype=object)
            counted = np.array([row[width:] for row in rows], dtype=np.int64)
            setting_types = keys[:, facts.DIMENSION_COLUMNS.index("setting_type")]
            by_type = [
                counted[:, self.columns[column]] * np.isin(setting_types, types)
                for column, types in facts.BY_SETTING_TYPE.values()
            ]
            values = np.column_stack([counted, *by_type]).astype(np.int64)
        else:
            keys = np.empty((0, width), dtype=object)
            values = np.zeros((0, len(names)), dtype=np.int64)
        self.total = values.sum(axis=0) if len(values) else np.zeros(len(names), np.int64)
        self.by: dict[str, dict[str, np.ndarray]] = {}
        for index, dimension in enumerate(facts.DIMENSION_COLUMNS):
            column = keys[:, index].astype(str) if len(keys) else np.array([], dtype=str)
            categories, inverse = np.unique(column, return_inverse=True)
            sums = np.zeros((len(categories), values.shape[1]), dtype=np.int64)
            np.add.at(sums, inverse, values)
            self.by[dimension] = dict(zip(categories.tolist(), sums, strict=True))
        # Per-domain counts for the whole authority, summed over the settings pass.
        self.domain_totals = dict.fromkeys(facts.DOMAIN_COLUMNS, 0)
        for _, _, *counts in heatmap:
            for name, count in zip(facts.DOMAIN_COLUMNS, counts, strict=True):
                self.domain_totals[name] += count

    def get(self, sums: np.ndarray, column: str) -> int:
        if column in self.domain_totals:
            return self.domain_totals[column]
        return int(sums[self.columns[column]])


def _row(rollup: Rollup, indicator_id, formula, dimension, category, sums, columns) -> Row | None:
    numerator_column, denominator_column = columns
    numerator = rollup.get(sums, numerator_column)
    denominator = rollup.get(sums, denominator_column) if denominator_column else None
    if dimension and not numerator and not denominator:
        return None  # a category with nobody in it
    return Row(
        indicator_id,
        dimension,
        category,
        _value(formula, numerator, denominator or 0),
        numerator,
        denominator,
    )


def indicator_rows(rollup: Rollup, ids: Iterable[str], *, exclude_breakdowns=()) -> list[Row]:
    """Every figure of ``ids``: the whole authority, each split category and each breakdown
    category (empty categories left out)."""
    rows: list[Row | None] = []
    for indicator_id in ids:
        indicator = registry.get(indicator_id)
        formula = FORMULAS[indicator_id]
        own = (formula.numerator, formula.denominator)
        rows.append(_row(rollup, indicator_id, formula, "", "", rollup.total, own))
        if formula.split_of_total:
            # A mix: each category's count over the whole authority's.
            whole = rollup.get(rollup.total, formula.denominator)
            for category, sums in rollup.by[formula.split_of_total].items():
                numerator = rollup.get(sums, formula.numerator)
                if numerator:
                    rows.append(
                        Row(
                            indicator_id,
                            formula.split_of_total,
                            category,
                            _value(formula, numerator, whole),
                            numerator,
                            whole,
                        )
                    )
            continue
        for category, columns in formula.split.items():
            dimension = SPLIT_DIMENSIONS[indicator_id]
            rows.append(
                _row(rollup, indicator_id, formula, dimension, category, rollup.total, columns)
            )
        for dimension in indicator.breakdowns:
            if dimension in exclude_breakdowns:
                continue
            for category, sums in rollup.by[dimension].items():
                rows.append(_row(rollup, indicator_id, formula, dimension, category, sums, own))
    return [row for row in rows if row is not None]


def heatmap_rows(result: list[tuple]) -> list[Row]:
    """Setting × domain and setting type × domain cells of the capability shortfall."""
    rows, by_type = [], {}
    for setting_id, setting_type, *counts in result:
        sums = by_type.setdefault(setting_type, [0] * len(counts))
        for index, count in enumerate(counts):
            sums[index] += count
        for index, code in enumerate(NEEDS_DOMAIN_CODES):
            short, need = counts[2 * index], counts[2 * index + 1]
            if short:  # a setting's cells without a shortfall are not stored: 0 by absence
                rows.append(
                    Row(
                        "capability_shortfall_pct",
                        "setting_domain",
                        f"{setting_id}:{code}",
                        dfe_percent(short, need),
                        short,
                        need,
                    )
                )
    for setting_type, counts in by_type.items():
        for index, code in enumerate(NEEDS_DOMAIN_CODES):
            short, need = counts[2 * index], counts[2 * index + 1]
            if need:
                rows.append(
                    Row(
                        "capability_shortfall_pct",
                        "setting_type_domain",
                        f"{setting_type}:{code}",
                        dfe_percent(short, need),
                        short,
                        need,
                    )
                )
    return rows


LOCAL_IDS = tuple(
    i for i in FORMULAS if registry.get(i).local in (registry.CHILDREN, registry.PROFILES)
)
HISTORY_IDS = tuple(i for i in LOCAL_IDS if registry.get(i).from_dates)


FACTS_TABLE = "indicator_facts"


def grouped_once(cursor, base: str, params) -> tuple[list[tuple], list[tuple]]:
    """The facts grouped by the five breakdowns and by setting, from one statement
    (PostgreSQL's GROUPING SETS, ``facts.combined_sql``)."""
    cursor.execute(facts.combined_sql(base), params)
    return facts.split_combined(cursor.fetchall())


def grouped_through_table(cursor, base: str, params) -> tuple[list[tuple], list[tuple]]:
    """The same rows as ``grouped_once``, from the facts written to a temporary table and read
    twice (SQLite has no GROUPING SETS)."""
    cursor.execute(f"DROP TABLE IF EXISTS {FACTS_TABLE}")
    cursor.execute(f"CREATE TEMPORARY TABLE {FACTS_TABLE} AS {base}", params)
    cursor.execute(facts.aggregate_sql(FACTS_TABLE))
    aggregates = cursor.fetchall()
    cursor.execute(facts.heatmap_sql(FACTS_TABLE))
    heatmap = cursor.fetchall()
    cursor.execute(f"DROP TABLE {FACTS_TABLE}")
    return aggregates, heatmap


def compute(authority, window: facts.Window, *, history: bool = False) -> tuple[list[Row], int]:
    """Every local figure for one period, from the caseload's facts worked out once: grouped by
    the five breakdowns, and (unless ``history``) by setting for the capability heatmap.
    Returns the rows and the number of children counted."""
    ctx = facts.context_for(authority, window)
    base, params = facts.base_sql(ctx)
    heatmap = []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Many small expressions: compiling them costs more than it saves, and the sort
            # for the grouping fits in memory at national scale.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        if history:
            cursor.execute(facts.aggregate_sql(f"({base})"), params)
            aggregates = cursor.fetchall()
        elif connection.vendor == "postgresql":
            aggregates, heatmap = grouped_once(cursor, base, params)
        else:
            aggregates, heatmap = grouped_through_table(cursor, base, params)
    rollup = Rollup(aggregates, heatmap)
    if history:
        rows = indicator_rows(rollup, HISTORY_IDS, exclude_breakdowns=("setting_type",))
    else:
        rows = indicator_rows(rollup, LOCAL_IDS) + heatmap_rows(heatmap)
    return rows, rollup.get(rollup.total, "children")


# The first key of the advisory lock that lets one store at a time write an authority's
# figures (the second is the authority's id).
SNAPSHOT_LOCK = 0x534E4150

SNAPSHOT_COLUMNS = (
    "authority_id",
    "run_id",
    "period",
    "indicator",
    "dimension",
    "category",
    "value",
    "numerator",
    "denominator",
)


def insert_snapshots(rows: Iterable[tuple]) -> None:
    """Write snapshot rows (tuples in ``SNAPSHOT_COLUMNS`` order): COPY on PostgreSQL, a
    batched INSERT elsewhere. A Kent-size period is about 6,000 rows; building model instances
    for them took longer than working the figures out."""
    table = IndicatorSnapshot._meta.db_table
    columns = ", ".join(SNAPSHOT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(SNAPSHOT_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(rows)
            )


@transaction.atomic
def store(
    authority, window: facts.Window, rows: list[Row], *, trigger: str, started
) -> SnapshotRun:
    """Replace the period's rows with ``rows`` (a period's figures are always one set, the
    current run's). One store at a time per authority: a second waits for the first to commit,
    then replaces its rows, so a period never holds two runs' figures."""
    advisory_xact_lock(SNAPSHOT_LOCK, authority.pk)
    replaced = list(
        SnapshotRun.objects.filter(
            authority=authority, period=window.period, current=True
        ).values_list("pk", flat=True)
    )
    SnapshotRun.objects.filter(pk__in=replaced).update(current=False)
    run = SnapshotRun.objects.create(
        authority=authority,
        period=window.period,
        as_at=window.as_at,
        trigger=trigger,
        started_at=started,
    )
    IndicatorSnapshot.objects.filter(run__in=replaced).delete()
    insert_snapshots(
        (
            authority.pk,
            run.pk,
            window.period,
            row.indicator,
            row.dimension,
            row.category,
            row.value,
            row.numerator,
            row.denominator,
        )
        for row in rows
    )
    return run


def snapshot_period(authority, window: facts.Window, *, trigger: str, history=False) -> SnapshotRun:
    started, clock = timezone.now(), time.perf_counter()
    rows, children = compute(authority, window, history=history)
    run = store(authority, window, rows, trigger=trigger, started=started)
    SnapshotRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        duration_ms=round((time.perf_counter() - clock) * 1000),
        rows=len(rows),
        children=children,
    )
    run.refresh_from_db()
    return run


def snapshot_refresh(
    authority, *, trigger: str = SnapshotTrigger.MANUAL, today=None
) -> list[SnapshotRun]:
    """Work out the authority's open period; finalise the last census period if it has not
    been worked out as at its census date; fill in earlier Januaries from the records' dates
    the first time. Idempotent: running it twice gives the same rows."""
    today = today or timezone.localdate()
    runs = [snapshot_period(authority, facts.Window(open_period(today), today), trigger=trigger)]
    census = last_census(today)
    final = SnapshotRun.objects.filter(
        authority=authority, period=census, as_at=census, trigger__in=_FULL_TRIGGERS
    )
    if census != runs[0].period and not final.exists():
        runs.append(snapshot_period(authority, facts.Window(census, census), trigger=trigger))
    for years_back in range(1, HISTORY_YEARS + 1):
        period = census_date(census.year - years_back)
        if not authority.indicator_snapshots.filter(period=period).exists():
            runs.append(
                snapshot_period(
                    authority,
                    facts.Window(period, period),
                    trigger=SnapshotTrigger.HISTORY,
                    history=True,
                )
            )
    return runs


_FULL_TRIGGERS = (SnapshotTrigger.CHANGE, SnapshotTrigger.NIGHTLY, SnapshotTrigger.MANUAL)
