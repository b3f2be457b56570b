"""Replaying the authority's current caseload under a draft rule set, compared with the active
one: who moves between tiers, what it costs, how many are above each scheme's range, how many
needs mainstream can meet, and the children who change.

The two schemes may have different scales (band 7 of 7 is not band 7 of 20), so a replay
compares money (annual equivalents at each child's current setting), tiers and the counts
above each scheme's range; bands are counted and named within their own scheme, never
compared by number. A child's held band is read on the active scheme's scale under both.

The caseload is every child's latest complete needs profile, read in one query
(``caseload_for``) and evaluated with the rules module's batch path; the children who change
are written with COPY on PostgreSQL."""

import time

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from valuing_send.celery import enqueue_on_commit
from valuing_send.core.workflow import record_start, transition

from .caseload import caseload_for, int_array
from .models import Child, ReplayChange, ReplayRun, ReplayStatus, RuleSetVersion
from .recommendations import register_for
from .rules import evaluate_caseload
from .rules.codes import CLASSIFICATION_CODES, TIER_CODES
from .rules.money import pounds_decimal
from .rulesets import active_rule_set
from .services import erasure_lock

NO_TOP_UP = -1
COLUMNS = ("tier", "band", "above", "top_up", "mainstream", "classification")


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


def _columns(result) -> dict:
    return {
        "tier": result.tier_rank,
        "band": result.band,
        "above": result.above_range,
        "top_up": result.annual_top_up,
        "mainstream": result.mainstream_capable,
        "classification": result.classification,
    }


def replay_execute(run_id: int) -> ReplayRun:
    """Do the replay (the Celery task calls this). Idempotent: a finished run is left alone."""
    run = ReplayRun.objects.select_related("authority", "draft", "baseline").get(pk=run_id)
    if run.is_finished:
        return run
    started = time.perf_counter()
    # Counted first, so the page can say when a worker that stopped part way was replaced.
    ReplayRun.objects.filter(pk=run.pk).update(attempts=F("attempts") + 1)
    ReplayChange.objects.filter(run=run).delete()
    if run.status == ReplayStatus.QUEUED:
        transition(run, ReplayStatus.RUNNING, by=run.requested_by, started_at=timezone.now())
    # A run already RUNNING was interrupted (its worker died and the task was delivered again):
    # it starts over from the beginning, which is safe because nothing is kept until the end.
    authority = run.authority
    before_rules, after_rules = run.baseline.ruleset, run.draft.ruleset
    before_register = register_for(authority, before_rules)
    after_register = register_for(authority, after_rules)
    caseloads = caseload_for(authority)
    read_ms = (time.perf_counter() - started) * 1000
    total = sum(len(caseload) for _, caseload, _ in caseloads)
    ReplayRun.objects.filter(pk=run.pk).update(total=total, processed=0)

    evaluate_started = time.perf_counter()
    before_parts, after_parts, assessment_ids, child_ids = [], [], [], []
    for _, caseload, refs in caseloads:
        # Held bands are on the active scheme's scale, under both.
        before_parts.append(_columns(evaluate_caseload(caseload, before_rules, before_register)))
        after_parts.append(
            _columns(evaluate_caseload(caseload, after_rules, after_register, before_rules))
        )
        assessment_ids.append(refs.assessment_ids)
        child_ids.append(refs.child_ids)
    evaluate_ms = (time.perf_counter() - evaluate_started) * 1000

    def joined(parts):
        return {
            key: np.concatenate([part[key] for part in parts])
            if parts
            else np.array([], dtype=np.int64)
            for key in COLUMNS
        }

    before, after = joined(before_parts), joined(after_parts)
    ids = (
        np.concatenate(assessment_ids) if assessment_ids else np.array([], dtype=np.int64),
        np.concatenate(child_ids) if child_ids else np.array([], dtype=np.int64),
    )
    write_started = time.perf_counter()
    changed = np.flatnonzero(changed_rows(before, after))
    summary = summarise(before, after, total, before_rules, after_rules)
    with transaction.atomic():
        write_changes(run, ids, changed, before, after)
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


def _pounds_text(pence: np.ndarray) -> list[str]:
    """Pence as the text of a Decimal of pounds for COPY (\\N for none)."""
    text = list(map("{}.{:02d}".format, (pence // 100).tolist(), (pence % 100).tolist()))
    for n in np.flatnonzero(pence == NO_TOP_UP).tolist():
        text[n] = "\\N"
    return text


def write_changes(run, ids, changed, before, after) -> None:
    """The children who change, in one COPY on PostgreSQL (bulk_create elsewhere)."""
    assessment_ids, child_ids = ids
    count = len(changed)
    if connection.vendor != "postgresql":
        rows = {
            "assessment_id": assessment_ids[changed].tolist(),
            "child_id": child_ids[changed].tolist(),
            **{f"{key}_b": before[key][changed].tolist() for key in COLUMNS},
            **{f"{key}_a": after[key][changed].tolist() for key in COLUMNS},
        }
        ReplayChange.objects.bulk_create(
            [
                ReplayChange(
                    run=run,
                    assessment_id=rows["assessment_id"][n],
                    child_id=rows["child_id"][n],
                    tier_before=TIER_CODES[rows["tier_b"][n]],
                    tier_after=TIER_CODES[rows["tier_a"][n]],
                    band_before=rows["band_b"][n] or None,
                    band_after=rows["band_a"][n] or None,
                    above_range_before=rows["above_b"][n],
                    above_range_after=rows["above_a"][n],
                    top_up_before=_decimal(rows["top_up_b"][n]),
                    top_up_after=_decimal(rows["top_up_a"][n]),
                    mainstream_before=rows["mainstream_b"][n],
                    mainstream_after=rows["mainstream_a"][n],
                    classification_before=CLASSIFICATION_CODES[rows["classification_b"][n]],
                    classification_after=CLASSIFICATION_CODES[rows["classification_a"][n]],
                )
                for n in range(count)
            ],
            batch_size=5000,
        )
        return
    table = connection.ops.quote_name(ReplayChange._meta.db_table)
    columns = (
        "run_id",
        "assessment_id",
        "child_id",
        "tier_before",
        "tier_after",
        "band_before",
        "band_after",
        "above_range_before",
        "above_range_after",
        "top_up_before",
        "top_up_after",
        "mainstream_before",
        "mainstream_after",
        "classification_before",
        "classification_after",
    )
    if not count:
        return
    _check_children(run, child_ids[changed])
    flags = np.array(["f", "t"])
    tiers, classifications = np.array(TIER_CODES), np.array(CLASSIFICATION_CODES)
    text_columns = [
        [str(run.pk)] * count,
        list(map(str, assessment_ids[changed].tolist())),
        list(map(str, child_ids[changed].tolist())),
        tiers[before["tier"][changed]].tolist(),
        tiers[after["tier"][changed]].tolist(),
        _band_text(before["band"][changed]),
        _band_text(after["band"][changed]),
        flags[before["above"][changed].astype(np.intp)].tolist(),
        flags[after["above"][changed].astype(np.intp)].tolist(),
        _pounds_text(before["top_up"][changed]),
        _pounds_text(after["top_up"][changed]),
        flags[before["mainstream"][changed].astype(np.intp)].tolist(),
        flags[after["mainstream"][changed].astype(np.intp)].tolist(),
        classifications[before["classification"][changed]].tolist(),
        classifications[after["classification"][changed]].tolist(),
    ]
    text = "\n".join(map("\t".join, zip(*text_columns, strict=True))) + "\n"
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as wrapper, wrapper.cursor.copy(statement) as copy:
        copy.write(text)


def _check_children(run, child_ids: np.ndarray) -> None:
    """Refuse the changes if a child they name has been erased since the caseload was read,
    and keep any child from being erased until the replay commits: what a foreign-key
    constraint would do row by row (``ReplayChange`` has none; see the model), in one lock and
    one query. ``child_erase`` takes the same lock alone, first."""
    erasure_lock(run.authority_id, shared=True)
    wanted = np.unique(child_ids)
    table = connection.ops.quote_name(Child._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table} WHERE id = ANY(%s::bigint[])", [int_array(wanted)]
        )
        (kept,) = cursor.fetchone()
    if kept != len(wanted):
        raise IntegrityError(
            f"{len(wanted) - kept} of the children this replay changes were erased while it ran"
        )


def _band_text(bands: np.ndarray) -> list[str]:
    """Band numbers for COPY, \\N for none (0)."""
    text = list(map(str, bands.tolist()))
    for n in np.flatnonzero(bands == 0).tolist():
        text[n] = "\\N"
    return text


def _decimal(pence: int):
    return None if pence == NO_TOP_UP else pounds_decimal(pence)


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


def _bands(values: dict, ruleset) -> list[dict]:
    """Children and annual top-up (pence) per band of one scheme, in its own order, with a
    row for no band when any child has none; counted within the scheme, never across."""
    numbers = [0] + [band.number for band in ruleset.bands]
    labels = ["No band (below the first band)"] + [band.label for band in ruleset.bands]
    position = np.searchsorted(np.array(numbers[1:]), values["band"], side="left") + 1
    position = np.where(values["band"] == 0, 0, position)
    in_range = ~values["above"]
    children = np.bincount(position[in_range], minlength=len(numbers))
    paid = in_range & (values["top_up"] != NO_TOP_UP)
    spend = np.bincount(
        position[paid], weights=values["top_up"][paid].astype(np.float64), minlength=len(numbers)
    )
    return [
        {
            "number": number,
            "label": label,
            "children": int(children[i]),
            "top_up_pence": int(round(spend[i])),
        }
        for i, (number, label) in enumerate(zip(numbers, labels, strict=True))
        if number or children[i]
    ]


def summarise(before: dict, after: dict, total: int, before_rules=None, after_rules=None) -> dict:
    """The headline comparison, kept with the run (numbers only, no names). Counted with numpy:
    a Kent-size caseload is 70,000 rows. Money is in pence a year; children above a scheme's
    range are counted on their own and are in no money total (a panel agrees their funding)."""

    def counts(values, labels):
        counted = np.bincount(values, minlength=len(labels))
        return {label: int(counted[i]) for i, label in enumerate(labels)}

    def spend(values) -> int:
        paid = values["top_up"] != NO_TOP_UP
        return int(values["top_up"][paid].sum())

    tiers = len(TIER_CODES)
    moved = np.bincount(
        before["tier"].astype(np.int64) * tiers + after["tier"], minlength=tiers * tiers
    ).reshape(tiers, tiers)
    summary = {
        "children": total,
        "changed": int(changed_rows(before, after).sum()),
        "tiers_before": counts(before["tier"], TIER_CODES),
        "tiers_after": counts(after["tier"], TIER_CODES),
        "tier_moves": {
            TIER_CODES[b]: {TIER_CODES[a]: int(moved[b, a]) for a in range(tiers) if moved[b, a]}
            for b in range(tiers)
            if moved[b].any()
        },
        "top_up_before_pence": spend(before),
        "top_up_after_pence": spend(after),
        "above_range_before": int(before["above"].sum()),
        "above_range_after": int(after["above"].sum()),
        "mainstream_before": int(before["mainstream"].sum()),
        "mainstream_after": int(after["mainstream"].sum()),
        "classifications_before": counts(before["classification"], CLASSIFICATION_CODES),
        "classifications_after": counts(after["classification"], CLASSIFICATION_CODES),
    }
    if before_rules is not None and after_rules is not None:
        summary["scheme_before"] = f"{before_rules.name} {before_rules.version}"
        summary["scheme_after"] = f"{after_rules.name} {after_rules.version}"
        summary["bands_before"] = _bands(before, before_rules)
        summary["bands_after"] = _bands(after, after_rules)
    return summary


def changed_rows(before: dict, after: dict):
    """Children whose tier, top-up (money a year), place above the range, mainstream answer or
    classification differs. Band numbers are not compared: the two schemes' scales differ."""
    return (
        (before["tier"] != after["tier"])
        | (before["top_up"] != after["top_up"])
        | (before["above"] != after["above"])
        | (before["mainstream"] != after["mainstream"])
        | (before["classification"] != after["classification"])
    )
