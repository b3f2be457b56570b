"""The rules on the real caseload of a Kent-size authority, read from PostgreSQL.

Run from the repository root against the bench database (scripts/bench.sh sets it up):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.rules_caseload

Measures:
- **batch throughput**: ``evaluate_caseload`` over every current profile, read as
  ``assessments.caseload.caseload_for`` reads them, under the active rule set with the
  authority's settings register. Floor: a bare Python loop summing weighted levels over the
  same need vectors (best of several runs each).
- **single evaluate** with its full trace, p50/p95 over a sample of the same children.
- **replay end to end**: ``replays.replay_start`` + ``replays.replay_execute`` run
  synchronously (database read, both rule sets evaluated, changes and summary stored) for a
  draft that weights severe needs more. Floor: reading the same rows (``caseload_for`` alone).
  Target: under 1.5 s. Median of several runs each.

``bench/rules_engine.py`` stays the synthetic, no-Django version of the first two.
"""

from __future__ import annotations

import statistics
import time

from bench import _dataset
from bench._report import Metric, write_report
from bench.rules_engine import bare_weighted_sum, timed_single_evaluations

BATCH_RUNS = 5
REPLAY_RUNS = 5
LATENCY_SAMPLE = 2_000
# The draft replayed: the shipped default with levels 3 and 4 worth more (0, 1, 3, 6, 10 now).
DRAFT_POINTS = (0, 1, 3, 7, 12)


def best_time(action, runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def profile_at(caseload, index: int):
    """The engine's Profile for one row of a Caseload (as the batch path reads it)."""
    from assessments.rules import Profile
    from assessments.rules.codes import REQUEST_CODES, SEN_STATUS_CODES, SETTING_TYPE_CODES

    def column(matrix):
        return {code: int(matrix[d, index]) for d, code in enumerate(caseload.domain_codes)}

    setting = int(caseload.current_setting[index])
    setting_type = int(caseload.current_setting_type[index])
    held_band = int(caseload.held_band[index])
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
    from assessments import recommendations, replays, rulesets
    from assessments.caseload import caseload_for
    from assessments.rules import evaluate_caseload

    authority = _dataset.bench_authority()
    user = _dataset.bench_caseworker(authority)
    active = rulesets.active_rule_set(authority)
    ruleset = active.ruleset

    read_seconds, caseloads = best_time(lambda: caseload_for(authority), BATCH_RUNS)
    recommendations._REGISTERS.clear()  # time the register read from the database once
    started = time.perf_counter()
    register = recommendations.register_for(authority, ruleset)
    register_seconds = time.perf_counter() - started
    children = sum(len(caseload) for _, caseload, _ in caseloads)

    def batch():
        return [evaluate_caseload(caseload, ruleset, register) for _, caseload, _ in caseloads]

    batch_seconds, results = best_time(batch, BATCH_RUNS)

    level_rows, weights_by_group = [], []
    for codes, caseload, _ in caseloads:
        weights = tuple(
            ruleset.areas[ruleset.domain_area[ruleset.domain_index[code]]].weight
            if code in ruleset.domain_index
            else 0
            for code in codes
        )
        rows = [tuple(int(level) for level in column) for column in caseload.levels.T]
        level_rows.append(rows)
        weights_by_group.append(weights)
    floor_seconds, _ = best_time(
        lambda: [
            bare_weighted_sum(rows, weights)
            for rows, weights in zip(level_rows, weights_by_group, strict=True)
        ],
        BATCH_RUNS,
    )

    # Single evaluate, with the trace, on an evenly spread sample of the caseload.
    largest = max(range(len(caseloads)), key=lambda index: len(caseloads[index][1]))
    caseload, result = caseloads[largest][1], results[largest]
    step = max(1, len(caseload) // LATENCY_SAMPLE)
    rows = list(range(0, len(caseload), step))[:LATENCY_SAMPLE]
    sample = [(row, profile_at(caseload, row)) for row in rows]
    latencies, mismatches, trace_steps = timed_single_evaluations(sample, ruleset, register, result)

    # Replay end to end, against reading the same rows.
    draft = bench_draft(authority, user)
    replay_seconds, runs = [], []
    for _ in range(REPLAY_RUNS):
        started = time.perf_counter()
        run = replays.replay_start(authority, draft, by=user)
        run = replays.replay_execute(run.pk)
        replay_seconds.append(time.perf_counter() - started)
        runs.append(run)
    read_seconds_runs = []
    for _ in range(REPLAY_RUNS):
        started = time.perf_counter()
        caseload_for(authority)
        read_seconds_runs.append(time.perf_counter() - started)
    replay_median = statistics.median(replay_seconds)
    read_median = statistics.median(read_seconds_runs)

    metrics = [
        Metric(
            "batch throughput",
            children / batch_seconds,
            "profiles/s",
            floor=children / floor_seconds,
            floor_label="bare Python weighted-sum loop",
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
            replay_median,
            "s",
            floor=read_median,
            floor_label="caseload_for read alone",
            target=1.5,
            higher_is_better=False,
        ),
        Metric("caseload read", read_seconds * 1000, "ms", higher_is_better=False),
        Metric("register read", register_seconds * 1000, "ms", higher_is_better=False),
        Metric("batch evaluate", batch_seconds * 1000, "ms", higher_is_better=False),
    ]
    last = runs[-1]
    extra = _dataset.context(authority) | {
        "children_evaluated": children,
        "framework_versions": len(caseloads),
        "ruleset": f"{ruleset.id} {ruleset.version}",
        "draft": f"{draft.ruleset_id} {draft.version}, points per level {list(DRAFT_POINTS)}",
        "settings_in_register": len(register.settings),
        "batch_runs": BATCH_RUNS,
        "latency_sample": len(sample),
        "trace_steps_last_profile": trace_steps,
        "batch_rows_checked_against_evaluate": len(sample),
        "batch_rows_differing": mismatches,
        "replay_runs": REPLAY_RUNS,
        "replay_seconds": [round(s, 3) for s in replay_seconds],
        "read_seconds": [round(s, 3) for s in read_seconds_runs],
        "replay_children": last.summary.get("children"),
        "replay_changed": last.summary.get("changed"),
        "replay_timings_ms_last_run": last.summary.get("timings_ms"),
    }
    write_report("rules_caseload", metrics, extra)
    if mismatches:
        print(f"  WARNING: {mismatches} batch rows differ from evaluate")


if __name__ == "__main__":
    main()
