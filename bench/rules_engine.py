"""Rules engine benchmark: a Kent-size caseload (70,000 children) against ~600 local settings.

Run from the repository root:  .venv/bin/python -m bench.rules_engine

Measures, best of several runs: building the Caseload and the SettingsRegister, batch
throughput of evaluate_caseload, and single evaluate (with its full trace) latency. The floor
for throughput is a bare Python loop summing weighted levels over the same profiles, measured
in the same run, so the ratio says how the batch path compares with the least work a
per-child Python loop could do.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter

import numpy as np

from assessments.rule_files import load_shipped_rulesets
from assessments.rules import (
    Caseload,
    Profile,
    SettingRecord,
    SettingsRegister,
    evaluate,
    evaluate_caseload,
)
from assessments.rules.codes import (
    CLASSIFICATION_CODES,
    NEEDS_DOMAIN_CODES,
    PHASE_AGE_RANGES,
    REQUEST_CODES,
    TIER_CODES,
)
from assessments.vectors import decode, encode_rows
from bench._report import Metric, write_report

CHILDREN = 70_000
SEED = 20_260_101
RUNS = 5
LATENCY_SAMPLE = 2_000
DOMAINS = len(NEEDS_DOMAIN_CODES)

# (setting type, phase, how many): roughly a large county's mix.
REGISTER_MIX = [
    ("mainstream", "primary", 360),
    ("mainstream", "secondary", 90),
    ("mainstream", "all_through", 8),
    ("resourced", "primary", 25),
    ("resourced", "secondary", 15),
    ("state_special", "all_through", 24),
    ("independent_special", "all_through", 18),
    ("ap", "secondary", 10),
    ("fe", "post_16", 12),
    ("early_years", "early_years", 38),
]
# Need level mix per domain (levels 0–4): most children mostly 0–2, a fifth with more complex
# profiles where 3s and 4s are common.
LEVEL_WEIGHTS = [0.62, 0.2, 0.14, 0.035, 0.005]
COMPLEX_LEVEL_WEIGHTS = [0.4, 0.2, 0.2, 0.13, 0.07]
COMPLEX_SHARE = 0.2


def build_register_records(rng: np.random.Generator) -> list[SettingRecord]:
    records = []
    for setting_type, phase, count in REGISTER_MIX:
        for _ in range(count):
            if setting_type in ("state_special", "independent_special"):
                capabilities = rng.integers(2, 5, DOMAINS)
            elif setting_type == "resourced":
                capabilities = rng.integers(1, 3, DOMAINS)
                capabilities[rng.integers(0, DOMAINS)] = 4
            else:
                capabilities = rng.choice([0, 1, 2, 3], DOMAINS, p=[0.05, 0.35, 0.45, 0.15])
            records.append(
                SettingRecord(
                    id=len(records) + 1,
                    name=f"{phase.replace('_', ' ').title()} setting {len(records) + 1}",
                    setting_type=setting_type,
                    phase=phase,
                    capabilities=dict(zip(NEEDS_DOMAIN_CODES, capabilities.tolist(), strict=True)),
                )
            )
    return records


def synthetic_caseload(rng: np.random.Generator, records: list[SettingRecord]) -> dict:
    """Plain columns, as a database read would produce them."""
    ages = rng.choice(np.arange(2, 26), CHILDREN, p=_age_weights())
    complex_profile = rng.random(CHILDREN) < COMPLEX_SHARE
    levels = np.where(
        complex_profile[:, None],
        rng.choice(5, (CHILDREN, DOMAINS), p=COMPLEX_LEVEL_WEIGHTS),
        rng.choice(5, (CHILDREN, DOMAINS), p=LEVEL_WEIGHTS),
    )
    previous = np.maximum(levels - rng.integers(0, 2, (CHILDREN, DOMAINS)), 0)
    family = rng.choice(4, (CHILDREN, DOMAINS), p=[0.05, 0.15, 0.4, 0.4])
    ability = rng.choice(4, (CHILDREN, DOMAINS), p=[0.05, 0.15, 0.4, 0.4])
    statuses = rng.choice(np.array(["N", "K", "E"]), CHILDREN, p=[0.05, 0.62, 0.33])
    requests = rng.choice(np.array(REQUEST_CODES), CHILDREN, p=[0.7, 0.1, 0.05, 0.05, 0.1])
    held_bands = np.where(statuses == "E", rng.integers(1, 8, CHILDREN), 0)

    serving = {
        age: [
            record.id
            for record in records
            if PHASE_AGE_RANGES[record.phase][0] <= age <= PHASE_AGE_RANGES[record.phase][1]
        ]
        for age in range(26)
    }
    with_setting = rng.random(CHILDREN) < 0.92
    picks = rng.random(CHILDREN)
    current_ids = [
        serving[age][int(pick * len(serving[age]))] if has and serving[age] else None
        for age, pick, has in zip(ages.tolist(), picks.tolist(), with_setting.tolist(), strict=True)
    ]
    has_previous = rng.random(CHILDREN) < 0.5
    previous_vectors = encode_rows(previous)
    return {
        "domain_codes": NEEDS_DOMAIN_CODES,
        "need_vectors": encode_rows(levels),
        "ages": ages.tolist(),
        "sen_statuses": statuses.tolist(),
        "family_vectors": encode_rows(family, not_rated=rng.random((CHILDREN, DOMAINS)) < 0.3),
        "ability_vectors": encode_rows(ability, not_rated=rng.random((CHILDREN, DOMAINS)) < 0.3),
        "previous_need_vectors": [
            vector if has else None
            for vector, has in zip(previous_vectors, has_previous.tolist(), strict=True)
        ],
        "current_setting_ids": current_ids,
        "current_setting_types": [None] * CHILDREN,
        "held_bands": [band or None for band in held_bands.tolist()],
        "requests": requests.tolist(),
        "refs": list(range(CHILDREN)),
    }


def _age_weights() -> np.ndarray:
    ages = np.arange(2, 26)
    weights = np.where(ages <= 18, 1.0, 0.35)
    return weights / weights.sum()


def profile_at(columns: dict, row: int) -> Profile:
    previous = columns["previous_need_vectors"][row]
    return Profile(
        levels=decode(NEEDS_DOMAIN_CODES, columns["need_vectors"][row]),
        setting_ability=decode(NEEDS_DOMAIN_CODES, columns["ability_vectors"][row]),
        family_capacity=decode(NEEDS_DOMAIN_CODES, columns["family_vectors"][row]),
        age=columns["ages"][row],
        sen_status=columns["sen_statuses"][row],
        current_setting_id=columns["current_setting_ids"][row],
        held_band=columns["held_bands"][row],
        request=columns["requests"][row],
        previous_levels=None if previous is None else decode(NEEDS_DOMAIN_CODES, previous),
    )


def best_time(action, runs: int = RUNS) -> tuple[float, object]:
    best = float("inf")
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def bare_weighted_sum(level_rows: list[tuple[int, ...]], weights: tuple[int, ...]) -> list[int]:
    totals = []
    for row in level_rows:
        total = 0
        for weight, level in zip(weights, row, strict=True):
            total += weight * level
        totals.append(total)
    return totals


def headline(figures) -> tuple:
    """The figures the batch path (a CaseloadRow) and `evaluate` (a Recommendation) must agree on."""
    band = figures.band_number if hasattr(figures, "band_number") else figures.band
    return (
        figures.tier,
        band,
        figures.total_points,
        figures.top_up_at_current_setting,
        figures.mainstream_capable,
        figures.classification,
    )


def timed_single_evaluations(sample, ruleset, register, result) -> tuple[list[float], int, int]:
    """`evaluate` with its trace on each (row, profile) of `sample` after a warm-up: the
    latencies in ms, how many differ from the batch result's row, and the last trace's length."""
    for _, profile in sample[:200]:
        evaluate(profile, ruleset, register)
    latencies, mismatches, trace_steps = [], 0, 0
    for row, profile in sample:
        started = time.perf_counter()
        recommendation = evaluate(profile, ruleset, register)
        latencies.append((time.perf_counter() - started) * 1000)
        mismatches += headline(result.row(row)) != headline(recommendation)
        trace_steps = len(recommendation.trace)
    return latencies, mismatches, trace_steps


def main() -> None:
    ruleset = load_shipped_rulesets()["valuing-send-default"]
    rng = np.random.default_rng(SEED)
    records = build_register_records(rng)
    columns = synthetic_caseload(rng, records)

    register_seconds, register = best_time(lambda: SettingsRegister.build(records, ruleset))
    caseload_seconds, caseload = best_time(lambda: Caseload.from_vectors(**columns))
    batch_seconds, result = best_time(lambda: evaluate_caseload(caseload, ruleset, register))

    weights = tuple(ruleset.areas[area].weight for area in ruleset.domain_area)
    level_rows = [tuple(map(int, vector)) for vector in columns["need_vectors"]]
    floor_seconds, _ = best_time(lambda: bare_weighted_sum(level_rows, weights))

    sample = [profile_at(columns, row) for row in range(LATENCY_SAMPLE)]
    latencies, mismatches, _ = timed_single_evaluations(
        list(enumerate(sample)), ruleset, register, result
    )
    quantiles = statistics.quantiles(latencies, n=100)

    metrics = [
        Metric(
            "batch throughput",
            CHILDREN / batch_seconds,
            "profiles/s",
            floor=CHILDREN / floor_seconds,
            floor_label="bare Python weighted-sum loop",
            target=100_000,
        ),
        Metric("single evaluate p50", quantiles[49], "ms", target=2, higher_is_better=False),
        Metric("single evaluate p95", quantiles[94], "ms", target=2, higher_is_better=False),
        Metric("caseload build", caseload_seconds * 1000, "ms", higher_is_better=False),
        Metric("register build", register_seconds * 1000, "ms", higher_is_better=False),
        Metric("batch evaluate", batch_seconds * 1000, "ms", higher_is_better=False),
    ]
    extra = {
        "children": CHILDREN,
        "settings": len(records),
        "ruleset": f"{ruleset.id} {ruleset.version}",
        "runs": RUNS,
        "latency_sample": LATENCY_SAMPLE,
        "batch_rows_checked_against_evaluate": LATENCY_SAMPLE,
        "batch_rows_differing": mismatches,
        "tiers": dict(Counter(TIER_CODES[rank] for rank in result.tier_rank.tolist())),
        "classifications": dict(
            Counter(CLASSIFICATION_CODES[index] for index in result.classification.tolist())
        ),
        "mainstream_capable_share": round(float(result.mainstream_capable.mean()), 3),
    }
    write_report("rules_engine", metrics, extra)
    if mismatches:
        raise SystemExit(f"{mismatches} batch rows differ from evaluate")


if __name__ == "__main__":
    main()
