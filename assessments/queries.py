"""Reads that views share: children lists, a child's history, what the summary shows."""

import datetime
from functools import cache as once

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from valuing_send.authorities import choices

from . import codes
from .models import AssessmentStatus, Child

AGE_PHASE_RANGES = {code: (youngest, oldest) for code, _, youngest, oldest in codes.AGE_PHASES}


def children_matching(authority, filters: dict, *, user):
    """The authority's children filtered as the children list asks, sorted by name, for the
    paginator (``Matches``).

    A name search sorts on the upper-cased names, which no index gives in order: the planner
    then reads the few matches through the prefix indexes and sorts them, rather than walking
    every child in name order until 25 match (a search for a common surname late in the
    alphabet read 47,000 rows)."""
    children = authority.children.all()
    whole = not filters_used(filters)
    searching = bool(filters.get("q"))
    if searching:
        children = children.search(filters["q"])
    if filters.get("status"):
        children = children.filter(sen_status=filters["status"])
    if filters.get("need"):
        children = children.filter(primary_need=filters["need"])
    if filters.get("phase") in AGE_PHASE_RANGES:
        youngest, oldest = AGE_PHASE_RANGES[filters["phase"]]
        children = children.aged_between(youngest, oldest, on=timezone.localdate())
    if filters.get("setting"):
        children = children.filter(current_setting_id__in=filters["setting"])
    caseworker = filters.get("caseworker")
    if caseworker == "me":
        children = children.filter(caseworker=user)
    elif caseworker == "none":
        children = children.filter(caseworker__isnull=True)
    elif caseworker and str(caseworker).isdigit():
        children = children.filter(caseworker_id=int(caseworker))
    order = (Upper("last_name"), Upper("first_name"), "pk") if searching else LIST_ORDER
    if filters.get("review"):
        children = children.filter(_review_window(filters["review"], timezone.localdate()))
        order = ("next_review_date", *order)
    return Matches(
        children,
        order,
        within=authority.children.all(),
        sort_first=searching,
        whole_of=authority.pk if whole else None,
    )


# The children list's filters (``children_matching``, the filter form's fields); any other key
# (a page number) leaves the list whole.
FILTER_NAMES = ("q", "status", "need", "phase", "setting", "caseworker", "review")


def filters_used(filters: dict) -> list[str]:
    """The names of the filters given a value: none for the whole list."""
    return [name for name in FILTER_NAMES if filters.get(name)]


# The whole list's order (a name search sorts on the upper-cased names instead).
LIST_ORDER = ("last_name", "first_name", "pk")


def _listed(children):
    """Only what the list shows (``presenters.child_rows``), as plain rows with the setting's
    and caseworker's names joined: a child row has some thirty columns, and three model
    instances a child (the child, its setting, its caseworker) were half the cost of reading a
    page of 25."""
    return children.values(
        "pk",
        *LISTED_FIELDS,
        setting_name=F("current_setting__name"),
        caseworker_name=F("caseworker__full_name"),
    )


class Matches:
    """The children a list shows, as the paginator reads them: counted over the children
    alone (a count over the rows joined to their settings and caseworkers took four times as
    long for 9,600 matches), and a page read as plain rows (``_listed``).

    ``sort_first`` (a name search): the matches are sorted over the children alone, then only
    the page's 25 read with their setting's and caseworker's names. The upper-cased names a
    search sorts on are in no index's order: the planner reads the matches through the prefix
    indexes and sorts them, and joining every match before sorting was slower for a short
    search that matches thousands.

    ``whole_of``: the authority, when the list is all its children (the list everyone opens):
    on PostgreSQL a page of it is read with the SQL the ORM made for it once (``_whole_page``).
    """

    ordered = True

    def __init__(self, children, order, *, within, sort_first: bool, whole_of=None):
        self.children, self.order, self.within = children, order, within
        self.sort_first, self.whole_of = sort_first, whole_of

    def count(self) -> int:
        return self.children.count()

    def __getitem__(self, page: slice) -> list[dict]:
        if self.whole_of is not None and connection.vendor == "postgresql":
            return _whole_page(self.whole_of, page.start or 0, page.stop - (page.start or 0))
        if self.sort_first:
            chosen = self.children.order_by(*self.order).values("pk")[page]
            return list(_listed(self.within.filter(pk__in=chosen).order_by(*self.order)))
        return list(_listed(self.children.order_by(*self.order))[page])


@once
def _whole_page_sql() -> str:
    """The SQL of a page of an authority's whole list, as the ORM writes it (``_listed``, in the
    list's order), made once per process with the authority, the page's size and its start as
    parameters."""
    listed = _listed(Child.objects.filter(authority_id=0).order_by(*LIST_ORDER))
    sql, params = listed.query.sql_with_params()
    if params != (0,):
        raise AssertionError(f"the whole list's SQL has other parameters: {params}")
    return f"{sql} LIMIT %s OFFSET %s"


def _whole_page(authority_id: int, start: int, size: int) -> list[dict]:
    """A page of the authority's whole list: the same rows as ``_listed`` gives (PostgreSQL
    returns each column as the ORM would: no value needs converting), without building and
    compiling the query for each request (1.4 of the 3.9 ms the page's read took at Kent, and
    another 0.9 ms turning rows into dicts through the ORM's iterator)."""
    with connection.cursor() as cursor:
        cursor.execute(_whole_page_sql(), [authority_id, max(size, 0), start])
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


LISTED_FIELDS = (
    "authority_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "upn",
    "sen_status",
    "primary_need",
    "next_review_date",
)


CHILDREN_COUNT_SECONDS = 600


def children_count_key(authority_id: int) -> str:
    return f"children-count:{authority_id}"


def children_count(authority, *, reads=None) -> int:
    """How many children the authority has, for the unfiltered children list: kept in the
    cache (a count over a large caseload is a fifth of the page) and forgotten whenever a child
    is added or removed (``forget_children_count``), or after ten minutes (rows written in bulk,
    e.g. by the demo generator, send no signal). ``reads``: the page's cache entries already
    read together (``core.cache.KeptReads``), if it read them so."""
    return (reads or cache).get_or_set(
        children_count_key(authority.pk),
        lambda: authority.children.count(),
        CHILDREN_COUNT_SECONDS,
    )


def forget_children_count(sender=None, instance=None, created=True, **kwargs) -> None:
    """Receiver of Child's post_save (only when created) and post_delete (see apps.py)."""
    if created and instance is not None:
        forget_children_count_of(instance.authority_id)


def forget_children_count_of(authority_id: int) -> None:
    cache.delete(children_count_key(authority_id))


def setting_suggestions(authority, text: str, limit: int = 10) -> list[str]:
    """Settings of the register whose name has a word starting with ``text`` (or whose URN
    is ``text``), as the setting filter's suggestions show them: "Name (URN)"."""
    text = " ".join(text.split())
    if not text:
        return []
    register = authority.settings_register.order_by("name", "pk")
    if text.isdigit():
        matches = register.filter(urn__startswith=text)
    else:
        matches = register.filter(Q(name__istartswith=text) | Q(name__icontains=f" {text}"))
    return [
        f"{name} ({urn})" if urn else name
        for name, urn in matches.values_list("name", "urn")[:limit]
    ]


def _review_window(window: str, today) -> Q:
    """Overdue: the review date has passed. Due soon: from today to 30 days ahead."""
    if window == "overdue":
        return Q(next_review_date__lt=today)
    return Q(
        next_review_date__gte=today,
        next_review_date__lte=today + datetime.timedelta(days=codes.REVIEW_SOON_DAYS),
    )


def caseworker_choices(authority, *, reads=None):
    """Choices for the children list's caseworker filter (kept in the cache: ``choices``)."""
    return [(str(pk), name) for pk, name in choices.caseworkers(authority, reads=reads)]


def child_assessments(child):
    """The child's assessments, newest first, with what the child page shows of each (and the
    setting each was made in, for the current profile)."""
    return (
        child.assessments.select_related("created_by", "completed_by", "framework", "setting")
        .defer("framework__content")
        .order_by("-created_at", "-pk")
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
