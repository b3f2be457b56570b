"""Reads the panel pages share: the work tray, its counts, and a case's timeline.

The tray is one indexed range query over open cases ordered by their stored next deadline
(``PanelCase.next_due``, kept by the services from ``panels/clocks.py``) plus one aggregate for
the counts at the top: the same number of queries whatever the tray's size.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from valuing_send.authorities import choices

from . import clocks
from .codes import STATUSES_BY_STAGE

# Tray sort keys → ordering. Cases with no running statutory deadline sort last.
TRAY_SORTS = {
    "due": [F("next_due").asc(nulls_last=True), "pk"],
    "-due": [F("next_due").desc(nulls_last=True), "-pk"],
    "child": ["child__last_name", "child__first_name", "pk"],
    "-child": ["-child__last_name", "-child__first_name", "-pk"],
    "kind": ["kind", F("next_due").asc(nulls_last=True), "pk"],
    "-kind": ["-kind", F("next_due").asc(nulls_last=True), "pk"],
    "received": [F("received_date").asc(nulls_last=True), "pk"],
    "-received": [F("received_date").desc(nulls_last=True), "-pk"],
}
DUE_BUCKETS = ("overdue", "this_week", "later", "none")


def due_bucket_filter(bucket: str, today: datetime.date) -> Q:
    soon = today + datetime.timedelta(days=clocks.DUE_SOON_DAYS)
    return {
        "overdue": Q(next_due__lt=today),
        "this_week": Q(next_due__gte=today, next_due__lt=soon),
        "later": Q(next_due__gte=soon),
        "none": Q(next_due__isnull=True),
    }[bucket]


def tray_cases(authority, filters: dict, *, user):
    """Open cases matching the tray's filters (not yet ordered or sliced)."""
    cases = authority.panel_cases.open()
    if filters.get("view") == "mine":
        cases = cases.filter(caseworker=user)
    if filters.get("kind"):
        cases = cases.filter(kind=filters["kind"])
    if filters.get("stage"):
        cases = cases.filter(status__in=sorted(STATUSES_BY_STAGE[filters["stage"]]))
    caseworker = filters.get("caseworker")
    if caseworker == "none":
        cases = cases.filter(caseworker__isnull=True)
    elif caseworker:
        cases = cases.filter(caseworker_id=int(caseworker))
    if filters.get("school"):
        cases = cases.filter(child__current_setting_id=filters["school"])
    return cases


def tray_counts(cases, today: datetime.date) -> dict[str, int]:
    """Overdue, due this week, due later and with no statutory deadline: one query."""
    counts = cases.aggregate(
        **{bucket: Count("pk", filter=due_bucket_filter(bucket, today)) for bucket in DUE_BUCKETS}
    )
    counts["total"] = sum(counts.values())
    return counts


def tray_page_rows(cases, *, sort: str, offset: int, limit: int) -> list[dict]:
    """A page of the tray as plain rows (``presenters.tray_rows`` writes them): what a row
    shows of the case, its child, the child's setting and the caseworker, not three model
    instances a case (those were most of the cost of reading a page of 50)."""
    return list(
        cases.order_by(*TRAY_SORTS[sort]).values(
            "pk",
            "kind",
            "status",
            "next_due",
            "next_clock",
            "received_date",
            child_first_name=F("child__first_name"),
            child_last_name=F("child__last_name"),
            setting_name=F("child__current_setting__name"),
            caseworker_name=F("caseworker__full_name"),
        )[offset : offset + limit]
    )


def tray_choices(authority, *, reads=None):
    """Choices for the caseworker and school filters (kept in the cache: ``choices``; ``reads``:
    the page's cache entries already read together, ``core.cache.KeptReads``)."""
    return choices.caseworkers(authority, reads=reads), choices.register(authority, reads=reads)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    title: str
    by: str
    description: str = ""
    kind: str = ""


def _when(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)))


def case_detail(case):
    """What a case's page needs, fetched once: status rows, advice, exceptions, disputes,
    contributions, decisions and letters (a fixed number of queries)."""
    status_changes = list(case.status_changes.select_related("by", "by_invitation"))
    advice = list(case.advice_requests.all())
    exceptions = list(case.clock_exceptions.select_related("by"))
    disputes = list(case.disputes.all())
    contributions = list(case.contributions.select_related("entered_by", "invitation"))
    decisions = list(case.decisions.select_related("decided_by", "meeting__panel"))
    letters = list(case.letters.only("pk", "subject", "kind", "created_at", "decision_id"))
    invitations = list(case.invitations.all())
    deadlines = case.deadlines(advice, exceptions)
    return {
        "status_changes": status_changes,
        "advice": advice,
        "exceptions": exceptions,
        "disputes": disputes,
        "contributions": contributions,
        "decisions": decisions,
        "letters": letters,
        "invitations": invitations,
        "deadlines": deadlines,
    }


def timeline(case, detail) -> list[TimelineEntry]:
    """What has happened on the case, newest first."""
    labels = dict(case._meta.get_field("status").choices)
    entries = []
    for change in detail["status_changes"]:
        if not change.from_status:
            title = f"Case opened: {labels.get(change.to_status, change.to_status).lower()}"
        else:
            title = (
                f"{labels.get(change.from_status, change.from_status)} → "
                f"{labels.get(change.to_status, change.to_status)}"
            )
        by = (
            change.by.full_name
            if change.by
            else f"{change.by_invitation.get_role_display()} (secure link)"
        )
        entries.append(TimelineEntry(change.at, title, by, change.reason, "status"))
    for contribution in detail["contributions"]:
        who = contribution.get_role_display()
        if contribution.entered_by:
            by = f"Entered by {contribution.entered_by.full_name} on their behalf"
        else:
            by = "Given through a secure link"
        entries.append(
            TimelineEntry(
                contribution.submitted_at, f"View received: {who.lower()}", by, "", "view"
            )
        )
    for advice in detail["advice"]:
        entries.append(
            TimelineEntry(
                _when(advice.asked_on),
                f"Advice asked for: {advice.get_service_display().lower()}",
                "",
                f"Due by {advice.due:%-d %B %Y}",
                "advice",
            )
        )
        if advice.received_on:
            entries.append(
                TimelineEntry(
                    _when(advice.received_on),
                    f"Advice received: {advice.get_service_display().lower()}",
                    "",
                    "",
                    "advice",
                )
            )
    for exception in detail["exceptions"]:
        entries.append(
            TimelineEntry(
                _when(exception.recorded_on),
                f"Exception recorded: {exception.get_clock_display().lower()}",
                exception.by.full_name,
                f"{exception.get_reason_display()} ({exception.citation}). {exception.note}".strip(),
                "exception",
            )
        )
    for dispute in detail["disputes"]:
        entries.append(
            TimelineEntry(
                _when(dispute.started_on),
                f"{dispute.get_kind_display()} started",
                "",
                dispute.get_about_display(),
                "dispute",
            )
        )
    for decision in detail["decisions"]:
        panel = f" at {decision.meeting.panel.name}" if decision.meeting else ""
        entries.append(
            TimelineEntry(
                decision.decided_at,
                f"Panel decision: {decision.get_outcome_display().lower()}{panel}",
                decision.decided_by.full_name,
                decision.reasons,
                "decision",
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def next_steps(deadlines, today):
    """Running deadlines first (soonest first), then those already done."""
    running = clocks.open_deadlines(deadlines)
    done = sorted((d for d in deadlines if d.is_done), key=lambda d: d.done_on, reverse=True)
    return [
        {"deadline": d, "state": d.state(today), "days_left": d.days_left(today)} for d in running
    ], [{"deadline": d, "state": d.state(today)} for d in done]


def latest_profile(child):
    """The child's latest completed needs profile, its ratings and its framework's definition
    (or the current framework's, with no ratings, if the child has none)."""
    from assessments.models import AssessmentStatus
    from assessments.services import current_framework

    assessment = (
        child.assessments.filter(status=AssessmentStatus.COMPLETE)
        .select_related("framework")
        .order_by("-completed_at", "-pk")
        .first()
    )
    if assessment is None:
        return None, [], current_framework().definition
    return assessment, list(assessment.ratings.all()), assessment.framework.definition


def profile_and_recommendation(authority, assessment) -> dict:
    """The needs profile (rows, radar chart) and the recommendation with its trace, from the
    assessments app's request-free presenters (empty with no completed profile): the same
    context serves the evidence pack and a parent's secure link, where nobody is signed in."""
    if assessment is None:
        return {}
    from assessments import presenters

    return {
        **presenters.profile_context(authority, assessment),
        **presenters.recommendation_context(authority, assessment),
    }


def evidence_pack_context(authority, case, *, today: datetime.date | None = None) -> dict:
    """Everything the panel reads on one case, from plain data (never a request): the needs
    profile and recommendation, every view side by side domain by domain (where they
    disagree), advice and the clocks. The evidence pack page and its PDF share it."""
    from .contributions import contributor_label, side_by_side

    today = today or timezone.localdate()
    detail = case_detail(case)
    assessment, ratings, definition = latest_profile(case.child)
    comparison = side_by_side(definition, ratings, detail["contributions"])
    running, done = next_steps(detail["deadlines"], today)
    return {
        "case": case,
        "child": case.child,
        "detail": detail,
        "assessment": assessment,
        "comparison": comparison,
        "disagreements": [row for row in comparison if row.disagree],
        "contributors": [
            {"label": contributor_label(c), "contribution": c} for c in detail["contributions"]
        ],
        "level_names": definition.level_names,
        "running": running,
        "done": done,
        "today": today,
        "meeting": None,
        **profile_and_recommendation(authority, assessment),
    }
