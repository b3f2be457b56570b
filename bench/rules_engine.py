"""Rules engine benchmark: a Kent-size caseload (70,000 children) against ~600 local settings.

Run from the repository root:  .venv/bin/python -m bench.rules_engine

The floor is numpy doing the least a banding scheme needs, on the same arrays the engine reads:
a per-domain point lookup and a sum (``numpy_points_floor``). Every figure is the median of the
same number of rounds as the floor's, and the load average is recorded with them:
- **points, bands and amounts**: ``funding_in`` (levels counted, area weights and caps, the
  band and the outcome above the range, the published amount's year's worth at the current
  setting), for the default scheme and for a per-term scheme with hours variants
  (Herefordshire). Target: within 5 times the floor.
- **whole batch**: ``evaluate_caseload`` (adds setting matching, tiers and classification).
- **end to end**: decoding the stored vectors (``Caseload.from_vectors``) and the whole batch.
- single ``evaluate`` with its full trace, p50/p95, checked against the batch rows.
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
from assessments.rules.batch import NO_VALUE, counted_levels, funding_in
from assessments.rules.codes import (
    CLASSIFICATION_CODES,
    NEEDS_DOMAIN_CODES,
    PHASE_AGE_RANGES,
    REQUEST_CODES,
    TIER_CODES,
)
from assessments.vectors import decode, encode_rows
from bench._report import Metric, median_time, median_times, write_report

CHILDREN = 70_000
SEED = 20_260_101
RUNS = 9
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


def headline(figures) -> tuple:
    """The figures the batch path (a CaseloadRow) and `evaluate` (a Recommendation) must agree on."""
    band = figures.band_number if hasattr(figures, "band_number") else figures.band
    return (
        figures.tier,
        band,
        figures.above_range,
        figures.total_points,
        figures.annual_top_up_at_current_setting,
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


def numpy_points_floor(levels, ruleset):
    """The least numpy work a points scheme is: each domain's points looked up by level, and
    summed (the same domain-major level arrays the engine reads)."""
    tables = [np.array(row, dtype=np.int64) for row in ruleset.weighted_points]
    length = len(tables)

    def floor():
        total = tables[0][levels[0]]
        for d in range(1, length):
            total += tables[d][levels[d]]
        return total

    return floor


def funding_subject(caseload, ruleset, setting_type, attendance):
    """Points, bands and amounts: what `evaluate_caseload` does before matching and tiers."""

    def subject():
        return funding_in(counted_levels(caseload, ruleset), setting_type, attendance, ruleset)

    return subject


def resolved_setting_types(caseload, register):
    from assessments.rules.batch import _register_index

    current = _register_index(caseload, register)
    setting_type = caseload.current_setting_type.astype(np.int64)
    unknown = (setting_type == NO_VALUE) & (current >= 0)
    setting_type[unknown] = register.setting_type_index[current[unknown]]
    return setting_type


def ratio_metrics(label, seconds, floor_seconds, floor_label, target_times=None) -> Metric:
    return Metric(
        label,
        seconds * 1000,
        "ms",
        floor=floor_seconds * 1000,
        floor_label=floor_label,
        # "Within 5 times the floor": floor ÷ figure at least 1/5.
        min_ratio=None if target_times is None else 1 / target_times,
        higher_is_better=False,
    )


def main() -> None:
    shipped = load_shipped_rulesets()
    ruleset = shipped["valuing-send-default"]
    per_term = shipped["herefordshire-early-years"]
    rng = np.random.default_rng(SEED)
    records = build_register_records(rng)
    columns = synthetic_caseload(rng, records)

    register_seconds, register = median_time(lambda: SettingsRegister.build(records, ruleset), RUNS)
    caseload = Caseload.from_vectors(**columns)
    setting_type = resolved_setting_types(caseload, register)
    unrecorded = np.full(CHILDREN, np.nan)
    hours = rng.choice(np.array([np.nan, 15.0, 30.0]), CHILDREN)
    medians, results = median_times(
        {
            "floor": numpy_points_floor(caseload.levels, ruleset),
            "funding": funding_subject(caseload, ruleset, setting_type, unrecorded),
            "per_term_floor": numpy_points_floor(caseload.levels, per_term),
            "per_term": funding_subject(caseload, per_term, setting_type, hours),
            "batch": lambda: evaluate_caseload(caseload, ruleset, register),
            "decode": lambda: Caseload.from_vectors(**columns),
            "end_to_end": lambda: evaluate_caseload(
                Caseload.from_vectors(**columns), ruleset, register
            ),
        },
        RUNS,
    )
    floor_seconds, funding_seconds = medians["floor"], medians["funding"]
    per_term_floor, per_term_seconds = medians["per_term_floor"], medians["per_term"]
    batch_seconds, decode_seconds = medians["batch"], medians["decode"]
    end_to_end_seconds = medians["end_to_end"]
    result, per_term_result = results["batch"], results["per_term"]

    sample = [profile_at(columns, row) for row in range(LATENCY_SAMPLE)]
    latencies, mismatches, _ = timed_single_evaluations(
        list(enumerate(sample)), ruleset, register, result
    )
    quantiles = statistics.quantiles(latencies, n=100)
    floor_label = "numpy per-domain point lookup + sum"

    metrics = [
        Metric("numpy floor", floor_seconds * 1000, "ms", higher_is_better=False),
        ratio_metrics("points, bands and amounts", funding_seconds, floor_seconds, floor_label, 5),
        ratio_metrics(
            "points, bands and amounts (per term, by hours)",
            per_term_seconds,
            per_term_floor,
            floor_label,
            5,
        ),
        ratio_metrics("whole batch (with matching)", batch_seconds, floor_seconds, floor_label),
        ratio_metrics(
            "end to end (decode + batch)", end_to_end_seconds, floor_seconds, floor_label
        ),
        Metric(
            "batch throughput end to end",
            CHILDREN / end_to_end_seconds,
            "profiles/s",
            target=100_000,
        ),
        Metric("single evaluate p50", quantiles[49], "ms", target=2, higher_is_better=False),
        Metric("single evaluate p95", quantiles[94], "ms", target=2, higher_is_better=False),
        Metric("decode (vectors to arrays)", decode_seconds * 1000, "ms", higher_is_better=False),
        Metric("register build", register_seconds * 1000, "ms", higher_is_better=False),
    ]
    extra = {
        "children": CHILDREN,
        "settings": len(records),
        "ruleset": f"{ruleset.id} {ruleset.version}",
        "per_term_ruleset": f"{per_term.id} {per_term.version}",
        "rounds_each": RUNS,
        "statistic": "median of the same rounds for subject and floor",
        "latency_sample": LATENCY_SAMPLE,
        "batch_rows_checked_against_evaluate": LATENCY_SAMPLE,
        "batch_rows_differing": mismatches,
        "above_range_default": int(result.above_range.sum()),
        "above_range_per_term": int(per_term_result.above.sum()),
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
