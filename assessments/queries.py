"""Reads that views share: children lists, a child's history, what the summary shows."""

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
    return children.select_related("current_setting", "caseworker").order_by(
        "last_name", "first_name", "pk"
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


def latest_complete(assessments):
    return next((a for a in assessments if a.status == AssessmentStatus.COMPLETE), None)
