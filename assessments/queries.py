"""Reads that views share: children lists, a child's history, what the summary shows."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from valuing_send.authorities.models import Role

from . import codes
from .models import AssessmentStatus

AGE_PHASE_RANGES = {code: (youngest, oldest) for code, _, youngest, oldest in codes.AGE_PHASES}


def children_matching(authority, filters: dict, *, user):
    """The authority's children filtered as the children list asks."""
    children = authority.children.all()
    if filters.get("q"):
        children = children.search(filters["q"])
    if filters.get("status"):
        children = children.filter(sen_status=filters["status"])
    if filters.get("need"):
        children = children.filter(primary_need=filters["need"])
    if filters.get("phase") in AGE_PHASE_RANGES:
        youngest, oldest = AGE_PHASE_RANGES[filters["phase"]]
        children = children.aged_between(youngest, oldest, on=timezone.localdate())
    if filters.get("setting"):
        children = children.filter(current_setting_id=filters["setting"])
    caseworker = filters.get("caseworker")
    if caseworker == "me":
        children = children.filter(caseworker=user)
    elif caseworker == "none":
        children = children.filter(caseworker__isnull=True)
    elif caseworker and str(caseworker).isdigit():
        children = children.filter(caseworker_id=int(caseworker))
    order = ("last_name", "first_name", "pk")
    if filters.get("review"):
        children = children.filter(_review_window(filters["review"], timezone.localdate()))
        order = ("next_review_date", *order)
    return children.select_related("current_setting", "caseworker").order_by(*order)


def _review_window(window: str, today) -> Q:
    """Overdue: the review date has passed. Due soon: from today to 30 days ahead."""
    if window == "overdue":
        return Q(next_review_date__lt=today)
    return Q(
        next_review_date__gte=today,
        next_review_date__lte=today + datetime.timedelta(days=codes.REVIEW_SOON_DAYS),
    )


def filter_choices(authority):
    """Choices for the children list's setting and caseworker filters (two queries)."""
    settings = list(authority.settings_register.order_by("name").values_list("pk", "name"))
    caseworkers = list(
        authority.memberships.active()
        .filter(role=Role.CASEWORKER)
        .order_by("user__full_name")
        .values_list("user_id", "user__full_name")
    )
    return settings, [(str(pk), name) for pk, name in caseworkers]


def child_assessments(child):
    return child.assessments.select_related("created_by", "completed_by", "framework").defer(
        "framework__content"
    )


def assessments_in_progress(authority, user, limit=20):
    """Drafts the caseworker started or that belong to their caseload, newest activity first."""
    return list(
        authority.assessments.filter(status=AssessmentStatus.DRAFT)
        .filter(Q(created_by=user) | Q(child__caseworker=user))
        .select_related("child")
        .defer("child__authority")
        .order_by("-updated_at")[:limit]
    )


def review_counts(authority, user) -> dict:
    """How many children on the caseworker's caseload have a review overdue, and how many have
    one due in the next 30 days (one query). The home page links each to the children list
    filtered the same way (``review=overdue``, ``review=next_30_days``)."""
    today = timezone.localdate()
    return authority.children.filter(caseworker=user).aggregate(
        overdue=Count("pk", filter=_review_window("overdue", today)),
        next_30_days=Count("pk", filter=_review_window("next_30_days", today)),
    )
