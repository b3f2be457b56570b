"""The rules on the real caseload of a Kent-size authority, read from PostgreSQL.

Run from the repository root against the bench database (scripts/bench.sh sets it up):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.rules_caseload

Measures, each the median of the same number of rounds as its floor, with the load average:
- **read**: ``caseload_for``, one SQL query straight into numpy arrays (each row's vectors and
  codes as a few string aggregates, the numbers as integer arrays, no aggregate
  sorting its own input; setting types looked up per setting), and, for comparison, the
  row-by-row ORM reader.
- **points, bands and amounts** (``funding_in``) and the **whole batch**
  (``evaluate_caseload``) over every current profile, against the numpy floor (per-domain
  point lookup + sum over the same arrays). Target for the first: within 5 times the floor.
- **end to end**: read + whole batch.
- **single evaluate** with its full trace, p50/p95 over a sample of the same children.
- **replay end to end**: ``replays.replay_start`` + ``replays.replay_execute`` run
  synchronously (one-query read, both rule sets evaluated, changes written with COPY, summary
  stored) for a draft that weights severe needs more. Floor: the read alone. Target: 0.5 s.
  Beside it, the medians of the replay's own phases over the same rounds (read with the run's
  bookkeeping, evaluate, write), as each run records them.

``bench/rules_engine.py`` stays the synthetic, no-Django version of the first two.
"""

from __future__ import annotations

import statistics
import time

from bench import _dataset
from bench._report import Metric, median_time, median_times, write_report
from bench.rules_engine import (
    funding_subject,
    numpy_points_floor,
    ratio_metrics,
    resolved_setting_types,
    timed_single_evaluations,
)

BATCH_RUNS = 9
REPLAY_RUNS = 7
LATENCY_SAMPLE = 2_000
# The draft replayed: the shipped default with levels 3 and 4 worth more (0, 1, 3, 6, 10 now).
DRAFT_POINTS = (0, 1, 3, 7, 12)


def profile_at(caseload, index: int):
    """The engine's Profile for one row of a Caseload (as the batch path reads it)."""
    from assessments.rules import Profile
    from assessments.rules.codes import REQUEST_CODES, SEN_STATUS_CODES, SETTING_TYPE_CODES

    def column(matrix):
        return {code: int(matrix[d, index]) for d, code in enumerate(caseload.domain_codes)}

    setting = int(caseload.current_setting[index])
    setting_type = int(caseload.current_setting_type[index])
    held_band = int(caseload.held_band[index])
    hours = (
        float(caseload.attendance_hours[index]) if caseload.attendance_hours is not None else None
    )
    return Profile(
        levels=column(caseload.levels),
        setting_ability=column(caseload.setting_ability),
        family_capacity=column(caseload.family_capacity),
        age=int(caseload.ages[index]),
        sen_status=SEN_STATUS_CODES[caseload.sen_status[index]],
        current_setting_id=caseload.setting_ids[setting] if setting >= 0 else None,
        current_setting_type=SETTING_TYPE_CODES[setting_type] if setting_type >= 0 else None,
        held_band=held_band if held_band >= 0 else None,
        request=REQUEST_CODES[caseload.request[index]],
        previous_levels=column(caseload.previous_levels) if caseload.has_previous[index] else None,
        attendance_hours=None if hours is None or hours != hours else hours,
    )


def bench_draft(authority, user):
    """A draft of the shipped default with different points per level (made once)."""
    from assessments import rulesets
    from assessments.models import RuleSetStatus

    draft = authority.rule_sets.filter(status=RuleSetStatus.DRAFT, created_by=user).first()
    if draft is not None:
        return draft
    shipped = rulesets.active_rule_set(authority)
    draft = rulesets.ruleset_copy(shipped, authority, by=user)
    return rulesets.ruleset_update_points(draft, DRAFT_POINTS, by=user)


def main() -> None:
    _dataset.django_setup()
    import numpy as np

    from assessments import recommendations, replays, rulesets
    from assessments.caseload import caseload_for, caseload_row_by_row
    from assessments.rules import evaluate_caseload

    authority = _dataset.bench_authority()
    user = _dataset.bench_caseworker(authority)
    active = rulesets.active_rule_set(authority)
    ruleset = active.ruleset

    caseloads = caseload_for(authority)
    recommendations._REGISTERS.clear()  # time the register read from the database once
    started = time.perf_counter()
    register = recommendations.register_for(authority, ruleset)
    register_seconds = time.perf_counter() - started
    children = sum(len(caseload) for _, caseload, _ in caseloads)
    largest = max(range(len(caseloads)), key=lambda index: len(caseloads[index][1]))
    caseload = caseloads[largest][1]
    setting_type = resolved_setting_types(caseload, register)

    def batch():
        return [evaluate_caseload(c, ruleset, register) for _, c, _ in caseloads]

    def end_to_end():
        return [evaluate_caseload(c, ruleset, register) for _, c, _ in caseload_for(authority)]

    medians, found = median_times(
        {
            "floor": numpy_points_floor(caseload.levels, ruleset),
            "funding": funding_subject(caseload, ruleset, setting_type, caseload.attendance_hours),
            "batch": batch,
            "read": lambda: caseload_for(authority),
            "end_to_end": end_to_end,
        },
        BATCH_RUNS,
    )
    orm_seconds, _ = median_time(lambda: caseload_row_by_row(authority), 3)
    floor_seconds, funding_seconds = medians["floor"], medians["funding"]
    batch_seconds, read_seconds = medians["batch"], medians["read"]
    end_to_end_seconds, results = medians["end_to_end"], found["batch"]

    # Single evaluate, with the trace, on an evenly spread sample of the caseload.
    result = results[largest]
    step = max(1, len(caseload) // LATENCY_SAMPLE)
    rows = list(range(0, len(caseload), step))[:LATENCY_SAMPLE]
    sample = [(row, profile_at(caseload, row)) for row in rows]
    latencies, mismatches, trace_steps = timed_single_evaluations(sample, ruleset, register, result)

    # Replay end to end, against reading the same rows, over the same rounds.
    draft = bench_draft(authority, user)
    runs = []

    def replay():
        run = replays.replay_start(authority, draft, by=user)
        run = replays.replay_execute(run.pk)
        runs.append(run)

    replay_medians, _ = median_times(
        {"replay": replay, "read": lambda: caseload_for(authority)}, REPLAY_RUNS
    )
    replay_seconds, read_again = replay_medians["replay"], replay_medians["read"]
    phases = {
        phase: statistics.median(run.summary["timings_ms"][phase] for run in runs[-REPLAY_RUNS:])
        for phase in ("read", "evaluate", "write")
    }
    floor_label = "numpy per-domain point lookup + sum"

    metrics = [
        Metric("numpy floor", floor_seconds * 1000, "ms", higher_is_better=False),
        ratio_metrics("points, bands and amounts", funding_seconds, floor_seconds, floor_label, 5),
        ratio_metrics("whole batch (with matching)", batch_seconds, floor_seconds, floor_label),
        ratio_metrics("end to end (read + batch)", end_to_end_seconds, floor_seconds, floor_label),
        Metric(
            "caseload read (one query into numpy)",
            read_seconds * 1000,
            "ms",
            floor=orm_seconds * 1000,
            floor_label="the row-by-row ORM reader, for comparison",
            higher_is_better=False,
        ),
        Metric(
            "batch throughput end to end",
            children / end_to_end_seconds,
            "profiles/s",
            target=100_000,
        ),
        Metric(
            "single evaluate p50",
            _dataset.percentile(latencies, 0.5),
            "ms",
            target=2,
            higher_is_better=False,
        ),
        Metric(
            "single evaluate p95",
            _dataset.percentile(latencies, 0.95),
            "ms",
            target=2,
            higher_is_better=False,
        ),
        Metric(
            "replay end to end",
            replay_seconds,
            "s",
            floor=read_again,
            floor_label="caseload_for read alone",
            target=0.5,
            higher_is_better=False,
        ),
        Metric("replay: read phase", phases["read"], "ms", higher_is_better=False),
        Metric(
            "replay: evaluate phase (both schemes)",
            phases["evaluate"],
            "ms",
            higher_is_better=False,
        ),
        Metric(
            "replay: write phase (COPY of the changes)",
            phases["write"],
            "ms",
            higher_is_better=False,
        ),
        Metric("register read", register_seconds * 1000, "ms", higher_is_better=False),
    ]
    last = runs[-1]
    extra = _dataset.context(authority) | {
        "children_evaluated": children,
        "framework_versions": len(caseloads),
        "ruleset": f"{ruleset.id} {ruleset.version}",
        "draft": f"{draft.ruleset_id} {draft.version}, points per level {list(DRAFT_POINTS)}",
        "settings_in_register": len(register.settings),
        "rounds": {"batch": BATCH_RUNS, "replay": REPLAY_RUNS},
        "statistic": "median of the same rounds for subject and floor",
        "latency_sample": len(sample),
        "trace_steps_last_profile": trace_steps,
        "batch_rows_checked_against_evaluate": len(sample),
        "batch_rows_differing": mismatches,
        "replay_children": last.summary.get("children"),
        "replay_changed": last.summary.get("changed"),
        "replay_above_range": [
            last.summary.get("above_range_before"),
            last.summary.get("above_range_after"),
        ],
        "replay_timings_ms_last_run": last.summary.get("timings_ms"),
        "above_range_active": int(np.sum([r.above_range.sum() for r in results])),
    }
    write_report("rules_caseload", metrics, extra)
    if mismatches:
        print(f"  WARNING: {mismatches} batch rows differ from evaluate")


if __name__ == "__main__":
    main()
