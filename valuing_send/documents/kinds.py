"""What each kind of document is made from: where its subject is found (always through the
authority, so another authority's subject is never reached), which permission reading it
needs, and how its HTML is built from the request-free presenters — the same context the
web page shows.

A kind's ``build`` returns a ``Source``: the PDF's title (may name the child: it lives inside
the file, never in a URL), the download's file name (never a name) and the whole HTML.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify

from assessments import presenters

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

    @property
    def is_bundle(self) -> bool:
        return self.members is not None

    @property
    def label(self) -> str:
        return DocumentKind(self.code).label


MARKING = "OFFICIAL-SENSITIVE: personal information about a child"


def _assessments(authority):
    return authority.assessments.select_related(
        "child", "framework", "setting", "created_by", "completed_by"
    ).defer("framework__content")


@dataclass(frozen=True)
class PrintLabel:
    lines: list[str]
    style: str  # where the label sits over the chart (a PDF, never a page: no CSP applies)


@dataclass(frozen=True)
class PrintChart:
    chart: object  # the presenter's RadarChart: the same geometry as the web page
    alt: str
    labels: list[PrintLabel]


# The radar's labels in the SVG's units (templates/assessments/_radar.html): 13 high, lines 14
# apart; a first line's baseline sits about 10.4 below the top of its box.
LABEL_ASCENT = 10.4
LABEL_WIDTH = 150


def for_print(chart) -> PrintChart:
    """The radar chart for print. WeasyPrint lays out SVG text letter by letter (a Pango layout
    per character: about a sixth of a profile's render time went on the axis labels), so in
    print the labels are HTML laid over the SVG's lines and shapes. Its alternative text, which
    WeasyPrint takes from the SVG title alone, carries the description too."""
    width, height = chart.width, chart.height
    labels = []
    for axis in chart.axes:
        top = f"top: {100 * (axis.label_y - LABEL_ASCENT) / height:.2f}%"
        if axis.anchor == "start":
            where = f"left: {100 * axis.label_x / width:.2f}%; text-align: left"
        elif axis.anchor == "end":
            where = f"right: {100 * (width - axis.label_x) / width:.2f}%; text-align: right"
        else:
            where = f"left: {100 * (axis.label_x - LABEL_WIDTH / 2) / width:.2f}%"
        labels.append(PrintLabel(axis.lines, f"{where}; {top}"))
    return PrintChart(chart=chart, alt=f"{chart.title}. {chart.description}", labels=labels)


def profile_context(authority, assessment) -> dict:
    context = {"authority": authority, "assessment": assessment, "child": assessment.child}
    context.update(presenters.profile_context(authority, assessment))
    context.update(presenters.recommendation_context(authority, assessment))
    context["print_chart"] = for_print(context["chart"])
    return context


def profile_build(authority, assessment) -> Source:
    child = assessment.child
    title = f"Needs profile: {child.full_name}"
    context = {**profile_context(authority, assessment), "title": title, "marking": MARKING}
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
    ]
}


def kind_for(code: str) -> Kind:
    return KINDS[code]
