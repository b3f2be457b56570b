"""What each kind of document is made from: where its subject is found (always through the
authority, so another authority's subject is never reached), which permission reading it
needs, and how its HTML is built from the request-free presenters — the same context the
web page shows.

A kind's ``build`` returns a ``Source``: the PDF's title (may name the child: it lives inside
the file, never in a URL), the download's file name (never a name) and the whole HTML.
"""

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify

from assessments import presenters
from panels import queries as panel_queries
from panels.models import LetterDetails
from valuing_send.authorities.models import Authority
from valuing_send.indicators import ambitions
from valuing_send.indicators import presenters as indicator_presenters

from .models import DocumentKind


@dataclass(frozen=True)
class Source:
    title: str
    filename: str
    html: str


@dataclass(frozen=True)
class Kind:
    code: str
    view_action: str  # what a reader needs, beyond "document.view"
    subjects: Callable  # authority -> queryset of possible subjects
    build: Callable | None = None  # (authority, subject) -> Source, for a PDF
    members: Callable | None = None  # (authority, subject) -> queryset, for a zip
    member_kind: str = ""  # the kind of each PDF in a zip
    bundle_title: Callable | None = None  # subject -> title, for a zip
    bundle_filename: Callable | None = None  # subject -> file name, for a zip
    entry_name: Callable | None = None  # member -> its file's name inside the zip
    children: Callable | None = None  # (authority, subject) -> the ids of the children shown
    # Asked for on a page of its own (with what that page asks, such as a reason), never
    # through document-create.
    own_page: bool = False

    def children_of(self, authority, subject) -> list[int]:
        """The children whose information the document shows, for the audit log's reads."""
        if self.children is not None:
            return list(self.children(authority, subject))
        if self.members is not None:
            return list(
                self.members(authority, subject).order_by().values_list("child_id", flat=True)
            )
        child_id = getattr(subject, "child_id", None)
        return [] if child_id is None else [child_id]

    @property
    def is_bundle(self) -> bool:
        return self.members is not None

    @property
    def label(self) -> str:
        return DocumentKind(self.code).label


MARKING = "OFFICIAL-SENSITIVE: personal information about a child"
# Heading tags of a profile printed alone; in a pack each case sits one level down.
HEADINGS = {"top": "h1", "section": "h2", "sub": "h3"}
# In an evidence pack each case is an h2, so its profile sits two levels down.
HEADINGS_IN_A_PACK = {"top": "h3", "section": "h4", "sub": "h5"}
# A case's own sections in a pack (its recommendation among them).
CASE_HEADINGS = {"top": "h2", "section": "h3", "sub": "h4"}


def _assessments(authority):
    return authority.assessments.select_related(
        "child", "framework", "setting", "created_by", "completed_by"
    ).defer("framework__content")


def for_print(context: dict) -> None:
    """The radar chart (drawn as the web page draws it, ``RadarChart.svg``) with its
    description in the SVG title: WeasyPrint takes a figure's alternative text from the title
    alone, while the web page reads title and description."""
    chart = context["chart"]
    chart = dataclasses.replace(chart, title=f"{chart.title}. {chart.description}", description="")
    context["chart"] = chart
    context["chart_svg"] = chart.svg(context["profile_assessment"].pk)


def profile_context(authority, assessment) -> dict:
    context = {"authority": authority, "assessment": assessment, "child": assessment.child}
    context.update(presenters.profile_context(authority, assessment))
    context.update(presenters.recommendation_context(authority, assessment))
    for_print(context)
    # Print lists the domains with no need and no evidence in a sentence rather than as rows.
    context["no_need"] = [row for row in context["rows"] if row.level == 0 and not row.evidence]
    return context


def profile_build(authority, assessment) -> Source:
    child = assessment.child
    title = f"Needs profile: {child.full_name}"
    context = {
        **profile_context(authority, assessment),
        "title": title,
        "marking": MARKING,
        "h": HEADINGS,
    }
    return Source(
        title=title,
        filename=f"needs-profile-{assessment.pk}.pdf",
        html=render_to_string("documents/profile.html", context),
    )


def family_profile_build(authority, assessment) -> Source:
    child = assessment.child
    title = f"What we understand about {child.first_name}'s needs"
    context = {**profile_context(authority, assessment), "title": title}
    return Source(
        title=title,
        filename=f"needs-profile-for-the-family-{assessment.pk}.pdf",
        html=render_to_string("documents/family_profile.html", context),
    )


def school_profiles(authority, setting):
    """Every child now at the setting with a complete needs profile: their current one."""
    return (
        _assessments(authority)
        .current()
        .filter(child__current_setting=setting)
        .order_by("child__last_name", "child__first_name", "pk")
    )


def profile_entry_name(assessment) -> str:
    """Inside a zip a manager must tell the profiles apart, so they are named (the zip's own
    name, which browsers and logs show, is not)."""
    child = assessment.child
    name = slugify(f"{child.last_name} {child.first_name}") or "child"
    return f"{name}-needs-profile-{assessment.pk}.pdf"


# Panel meetings ---------------------------------------------------------------------------


def _meetings(authority):
    return authority.meetings.select_related("panel")


def meeting_agenda(meeting) -> list:
    """The meeting's agenda in order, each item with its case and child (one query)."""
    return list(
        meeting.agenda.select_related(
            "case__child__current_setting", "case__caseworker", "case__setting"
        )
    )


def pack_case_context(authority, case) -> dict:
    """One case of an evidence pack: the panels app's evidence pack context (the web page's),
    with the needs profile prepared for print as a needs profile PDF prepares it."""
    context = panel_queries.evidence_pack_context(authority, case)
    # Side by side: a column for each contributor (in the order they first appear).
    columns: list[str] = []
    for row in context["comparison"]:
        for view in row.views:
            if view.label not in columns:
                columns.append(view.label)
    context["view_columns"] = columns
    context["view_rows"] = [
        {
            "row": row,
            "cells": [next((v for v in row.views if v.label == label), None) for label in columns],
        }
        for row in context["comparison"]
    ]
    if context["assessment"] is not None:
        result = context.get("result")
        if result is not None:
            context["provision_items"] = len(result.get("provision") or []) + len(
                result.get("family_support") or []
            )
        for_print(context)
        context["no_need"] = [r for r in context["rows"] if r.level == 0 and not r.evidence]
    return {**context, "authority": authority, "h": HEADINGS_IN_A_PACK, "case_h": CASE_HEADINGS}


def evidence_pack_build(authority, meeting) -> Source:
    """A cover with the agenda, then each case: the clocks, every view side by side, the
    needs profile and the recommendation."""
    agenda = meeting_agenda(meeting)
    when = meeting.starts_at
    title = f"Evidence pack: {meeting.panel.name}, {_date(when)}"
    cases = [
        render_to_string(
            "documents/_pack_case.html",
            {**pack_case_context(authority, item.case), "position": item.position},
        )
        for item in agenda
    ]
    context = {
        "authority": authority,
        "meeting": meeting,
        "agenda": agenda,
        "members": list(
            meeting.panel.memberships.filter(is_active=True)
            .select_related("user")
            .order_by("role", "user__full_name")
        ),
        "cases": cases,
        "title": title,
        "marking": MARKING,
    }
    return Source(
        title=title,
        filename=f"evidence-pack-meeting-{meeting.pk}.pdf",
        html=render_to_string("documents/evidence_pack.html", context),
    )


def _date(value) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(value):%-d %B %Y}"


def agenda_children(authority, meeting):
    """The children whose cases are on the meeting's agenda (a pack shows each)."""
    return meeting.agenda.order_by("position").values_list("case__child_id", flat=True)


def meeting_profiles(authority, meeting):
    """The current needs profile of every child on the meeting's agenda."""
    return (
        _assessments(authority)
        .current()
        .filter(child__panel_cases__agenda_items__meeting=meeting)
        .distinct()
        .order_by("child__last_name", "child__first_name", "pk")
    )


# Decision letters -------------------------------------------------------------------------


def _letters(authority):
    return authority.letters.select_related("case__child", "authority")


# The stored letter's subject is its h2 and its sections h3 (it sits inside a page on the
# web); alone in a PDF the subject is the document's h1.
_LETTER_HEADINGS = re.compile(r"<(/?)h([23])\b")


def letter_build(authority, letter) -> Source:
    """The letter exactly as it was stored when the panel decided, on the authority's
    letterhead, with its contact details from the letter settings."""
    details = LetterDetails.objects.filter(authority=authority).first() or LetterDetails(
        authority=authority
    )
    body = _LETTER_HEADINGS.sub(lambda m: f"<{m[1]}h{int(m[2]) - 1}", letter.html)
    title = f"{letter.subject}: {letter.case.child.full_name}"
    context = {
        "authority": authority,
        "details": details,
        "letter": letter,
        "case": letter.case,
        "body": body,
        "address_line": ", ".join(
            line.strip() for line in details.address.splitlines() if line.strip()
        ),
        "title": title,
    }
    return Source(
        title=title,
        filename=f"letter-{letter.pk}.pdf",
        html=render_to_string("documents/letter.html", context),
    )


# The authority's indicator report ----------------------------------------------------------


def _authorities(authority):
    return Authority.objects.filter(pk=authority.pk)


def for_print_chart(chart):
    """An indicator chart with its description in the SVG title (as ``for_print``)."""
    return dataclasses.replace(chart, title=f"{chart.title}. {chart.description}", description="")


def benchmark_table(tiles) -> dict:
    """The tiles' figures beside DfE's published ones for the same measure: one column per
    comparison (the authority's own published figure, its region, England, its neighbours)."""
    headings: list[str] = []
    for tile in tiles:
        for comparison in tile.comparisons:
            if comparison.label not in headings:
                headings.append(comparison.label)
    rows = []
    for tile in tiles:
        found = {c.label: c for c in tile.comparisons}
        rows.append(
            {
                "tile": tile,
                "cells": [found.get(label) for label in headings],
            }
        )
    return {"headings": headings, "rows": rows}


def indicator_report_context(authority) -> dict:
    """The dashboard's headline tiles, each question group's benchmark table and the trend of
    its first headline figure, and the ambitions scorecard: the indicator pages' presenters."""
    dashboard = indicator_presenters.dashboard_context(authority)
    periods = dashboard["periods"]
    period = dashboard["period"]
    groups = []
    for group in dashboard["groups"]:
        detail = indicator_presenters.group_context(
            authority, group["name"], period=period.period if period else None, periods=periods
        )
        first = group["tiles"][0].indicator.id
        trends = [
            {"chart": for_print_chart(section["trend"]), "caption": section["trend"].title}
            for section in detail["sections"]
            if section["tile"].indicator.id == first
        ]
        groups.append({**group, "benchmarks": benchmark_table(group["tiles"]), "trends": trends})
    scorecard = ambitions.scorecard_context(authority, period=period.period if period else None)
    return {
        **dashboard,
        "groups": groups,
        "scorecard": scorecard["rows"],
        "overarching": scorecard["overarching"],
    }


def indicator_report_build(authority, subject) -> Source:
    context = indicator_report_context(authority)
    period = context["period"]
    title = f"SEND indicators: {authority.name}" + (f", {period.label}" if period else "")
    return Source(
        title=title,
        filename=f"indicator-report-{authority.pk}.pdf",
        html=render_to_string(
            "documents/indicator_report.html", {**context, "title": title, "h": HEADINGS}
        ),
    )


# Everything held about a child (subject access) -------------------------------------------


def _children(authority):
    return authority.children.select_related("current_setting", "caseworker", "authority")


def subject_access_build(authority, child) -> Source:
    """The subject-access export's content (the JSON file's), laid out by ``documents.held``."""
    from django.utils import timezone

    from valuing_send.audit.subject_access import held_about

    from . import held

    title = f"Everything held about {child.full_name}"
    context = {
        "authority": authority,
        "child": child,
        "title": title,
        "marking": MARKING,
        "made_at": timezone.localtime(),
        "sections": held.sections(held_about(child)),
    }
    return Source(
        title=title,
        filename=f"child-{child.pk}-subject-access.pdf",
        html=render_to_string("documents/subject_access.html", context),
    )


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in [
        Kind(
            DocumentKind.PROFILE,
            view_action="assessment.view",
            subjects=_assessments,
            build=profile_build,
        ),
        Kind(
            DocumentKind.FAMILY_PROFILE,
            view_action="assessment.view",
            subjects=_assessments,
            build=family_profile_build,
        ),
        Kind(
            DocumentKind.SCHOOL_PROFILES,
            view_action="document.bulk",
            subjects=lambda authority: authority.settings_register.all(),
            members=school_profiles,
            member_kind=DocumentKind.PROFILE,
            bundle_title=lambda setting: f"Needs profiles of children at {setting.name}",
            bundle_filename=lambda setting: f"needs-profiles-setting-{setting.pk}.zip",
            entry_name=profile_entry_name,
        ),
        Kind(
            DocumentKind.EVIDENCE_PACK,
            view_action="meeting.view",
            subjects=_meetings,
            build=evidence_pack_build,
            children=agenda_children,
        ),
        Kind(
            DocumentKind.MEETING_PROFILES,
            view_action="document.bulk",
            subjects=_meetings,
            members=meeting_profiles,
            member_kind=DocumentKind.PROFILE,
            bundle_title=lambda meeting: (
                f"Needs profiles of the children on the agenda of {meeting}"
            ),
            bundle_filename=lambda meeting: f"needs-profiles-meeting-{meeting.pk}.zip",
            entry_name=profile_entry_name,
        ),
        Kind(
            DocumentKind.LETTER,
            view_action="panelcase.view",
            subjects=_letters,
            build=letter_build,
            children=lambda authority, letter: [letter.case.child_id],
        ),
        Kind(
            DocumentKind.INDICATOR_REPORT,
            view_action="indicators.view",
            subjects=_authorities,
            build=indicator_report_build,
        ),
        Kind(
            DocumentKind.SUBJECT_ACCESS,
            view_action="audit.export",
            subjects=_children,
            build=subject_access_build,
            children=lambda authority, child: [child.pk],
            own_page=True,
        ),
    ]
}


def kind_for(code: str) -> Kind:
    return KINDS[code]
