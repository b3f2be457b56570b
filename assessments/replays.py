"""Replaying the authority's current caseload under a draft rule set, compared with the active
one: who moves between tiers and bands, what it costs, how many needs mainstream can meet.

The caseload is every child's latest complete needs profile, read in bulk as the compact
vectors stored at completion, and evaluated with the rules module's batch path."""

import time

import numpy as np
from django.db import transaction
from django.utils import timezone

from valuing_send.celery import enqueue_on_commit
from valuing_send.core.workflow import record_start, transition

from .caseload import caseload_for
from .models import ReplayChange, ReplayRun, ReplayStatus, RuleSetVersion
from .recommendations import register_for
from .rules import evaluate_caseload
from .rules.codes import CLASSIFICATION_CODES, TIER_CODES
from .rulesets import active_rule_set

CHUNK = 20_000
NO_TOP_UP = -1


@transaction.atomic
def replay_start(authority, draft: RuleSetVersion, *, by) -> ReplayRun:
    """Queue a replay of the caseload under ``draft`` against the active rule set."""
    baseline = active_rule_set(authority)
    draft.ruleset  # noqa: B018 - a rule set that does not validate is never replayed
    run = ReplayRun.objects.create(
        authority=authority,
        draft=draft,
        baseline=baseline,
        draft_checksum=draft.checksum,
        requested_by=by,
    )
    record_start(run, by=by)
    enqueue_on_commit(REPLAY_TASK, run.pk)
    return run


REPLAY_TASK = "assessments.tasks.replay_caseload"


@transaction.atomic
def replay_retry(run: ReplayRun, *, by) -> ReplayRun:
    """Queue a failed replay again (the worker died, or the database was away)."""
    transition(run, ReplayStatus.QUEUED, by=by, error="", finished_at=None, processed=0)
    enqueue_on_commit(REPLAY_TASK, run.pk)
    return run


def _slice(result, start, stop) -> dict:
    return {
        "tier": result.tier_rank[start:stop],
        "band": result.band[start:stop],
        "top_up": result.top_up_at_current_setting[start:stop],
        "mainstream": result.mainstream_capable[start:stop],
        "classification": result.classification[start:stop],
    }


def replay_execute(run_id: int) -> ReplayRun:
    """Do the replay (the Celery task calls this). Idempotent: a finished run is left alone."""
    run = ReplayRun.objects.select_related("authority", "draft", "baseline").get(pk=run_id)
    if run.is_finished:
        return run
    started = time.perf_counter()
    ReplayChange.objects.filter(run=run).delete()
    if run.status == ReplayStatus.QUEUED:
        transition(run, ReplayStatus.RUNNING, by=run.requested_by, started_at=timezone.now())
    # A run already RUNNING was interrupted (its worker died and the task was delivered again):
    # it starts over from the beginning, which is safe because nothing is kept until the end.
    ReplayRun.objects.filter(pk=run.pk).update(processed=0)
    authority = run.authority
    before_rules, after_rules = run.baseline.ruleset, run.draft.ruleset
    before_register = register_for(authority, before_rules)
    after_register = register_for(authority, after_rules)
    caseloads = caseload_for(authority)
    read_ms = (time.perf_counter() - started) * 1000
    total = sum(len(caseload) for _, caseload, _ in caseloads)
    ReplayRun.objects.filter(pk=run.pk).update(total=total)

    before_parts, after_parts, refs = [], [], []
    processed = 0
    evaluate_started = time.perf_counter()
    for _, caseload, ids in caseloads:
        before = evaluate_caseload(caseload, before_rules, before_register)
        after = evaluate_caseload(caseload, after_rules, after_register)
        for start in range(0, len(caseload), CHUNK):
            stop = min(start + CHUNK, len(caseload))
            before_parts.append(_slice(before, start, stop))
            after_parts.append(_slice(after, start, stop))
            refs.extend(ids[start:stop])
            processed += stop - start
            ReplayRun.objects.filter(pk=run.pk).update(processed=processed)
    evaluate_ms = (time.perf_counter() - evaluate_started) * 1000

    def joined(parts, key):
        return (
            np.concatenate([part[key] for part in parts]) if parts else np.array([], dtype=np.int64)
        )

    before = {
        key: joined(before_parts, key)
        for key in ("tier", "band", "top_up", "mainstream", "classification")
    }
    after = {
        key: joined(after_parts, key)
        for key in ("tier", "band", "top_up", "mainstream", "classification")
    }
    write_started = time.perf_counter()
    changed = np.flatnonzero(changed_rows(before, after))
    # Plain Python lists once, rather than a numpy scalar conversion per field per row.
    cols = {
        side: {key: values[changed].tolist() for key, values in data.items()}
        for side, data in (("b", before), ("a", after))
    }
    changes = [
        ReplayChange(
            run=run,
            assessment_id=refs[i][0],
            child_id=refs[i][1],
            tier_before=TIER_CODES[cols["b"]["tier"][n]],
            tier_after=TIER_CODES[cols["a"]["tier"][n]],
            band_before=cols["b"]["band"][n] or None,
            band_after=cols["a"]["band"][n] or None,
            top_up_before=None if cols["b"]["top_up"][n] == NO_TOP_UP else cols["b"]["top_up"][n],
            top_up_after=None if cols["a"]["top_up"][n] == NO_TOP_UP else cols["a"]["top_up"][n],
            mainstream_before=cols["b"]["mainstream"][n],
            mainstream_after=cols["a"]["mainstream"][n],
            classification_before=CLASSIFICATION_CODES[cols["b"]["classification"][n]],
            classification_after=CLASSIFICATION_CODES[cols["a"]["classification"][n]],
        )
        for n, i in enumerate(changed.tolist())
    ]
    summary = summarise(before, after, total)
    with transaction.atomic():
        ReplayChange.objects.bulk_create(changes, batch_size=5000)
        write_ms = (time.perf_counter() - write_started) * 1000
        summary["timings_ms"] = {
            "read": round(read_ms, 1),
            "evaluate": round(evaluate_ms, 1),
            "write": round(write_ms, 1),
            "total": round((time.perf_counter() - started) * 1000, 1),
        }
        transition(
            run,
            ReplayStatus.DONE,
            by=run.requested_by,
            processed=total,
            summary=summary,
            finished_at=timezone.now(),
        )
    return run


def replay_fail(run_id: int, error: Exception) -> None:
    run = ReplayRun.objects.select_related("requested_by").get(pk=run_id)
    if run.is_finished:
        return
    transition(
        run,
        ReplayStatus.FAILED,
        by=run.requested_by,
        reason="The replay stopped with an error",
        error=f"{error.__class__.__name__}: {error}"[:2000],
        finished_at=timezone.now(),
    )


def summarise(before: dict, after: dict, total: int) -> dict:
    """The headline comparison, kept with the run (numbers only, no names). Counted with numpy:
    a Kent-size caseload is 70,000 rows."""

    def counts(values, labels):
        counted = np.bincount(values, minlength=len(labels))
        return {label: int(counted[i]) for i, label in enumerate(labels)}

    def bands(values):
        numbers, counted = np.unique(values, return_counts=True)
        return {str(int(band)): int(count) for band, count in zip(numbers, counted, strict=True)}

    def spend(top_up, band):
        paid = top_up != NO_TOP_UP
        numbers, position = np.unique(band[paid], return_inverse=True)
        sums = np.bincount(position, weights=top_up[paid], minlength=len(numbers))
        return int(top_up[paid].sum()), {
            str(int(b)): int(total) for b, total in zip(numbers, sums, strict=True)
        }

    tiers = len(TIER_CODES)
    moved = np.bincount(before["tier"] * tiers + after["tier"], minlength=tiers * tiers).reshape(
        tiers, tiers
    )
    cost_before, per_band_before = spend(before["top_up"], before["band"])
    cost_after, per_band_after = spend(after["top_up"], after["band"])
    return {
        "children": total,
        "changed": int(changed_rows(before, after).sum()),
        "tiers_before": counts(before["tier"], TIER_CODES),
        "tiers_after": counts(after["tier"], TIER_CODES),
        "tier_moves": {
            TIER_CODES[b]: {TIER_CODES[a]: int(moved[b, a]) for a in range(tiers) if moved[b, a]}
            for b in range(tiers)
            if moved[b].any()
        },
        "bands_before": bands(before["band"]),
        "bands_after": bands(after["band"]),
        "top_up_before": cost_before,
        "top_up_after": cost_after,
        "top_up_by_band_before": per_band_before,
        "top_up_by_band_after": per_band_after,
        "mainstream_before": int(before["mainstream"].sum()),
        "mainstream_after": int(after["mainstream"].sum()),
        "classifications_before": counts(before["classification"], CLASSIFICATION_CODES),
        "classifications_after": counts(after["classification"], CLASSIFICATION_CODES),
    }


def changed_rows(before: dict, after: dict):
    """Children whose tier, band, top-up, mainstream answer or classification differs."""
    return (
        (before["tier"] != after["tier"])
        | (before["band"] != after["band"])
        | (before["top_up"] != after["top_up"])
        | (before["mainstream"] != after["mainstream"])
        | (before["classification"] != after["classification"])
    )
