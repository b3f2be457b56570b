"""What each kind of document is made from: where its subject is found (always through the
authority, so another authority's subject is never reached), which permission reading it
needs, and how its HTML is built from the request-free presenters — the same context the
web page shows.

A kind's ``build`` returns a ``Source``: the PDF's title (may name the child: it lives inside
the file, never in a URL), the download's file name (never a name) and the whole HTML.
"""

import dataclasses
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
# Heading tags of a profile printed alone; in a pack each case sits one level down.
HEADINGS = {"top": "h1", "section": "h2", "sub": "h3"}
HEADINGS_IN_A_PACK = {"top": "h2", "section": "h3", "sub": "h4"}


def _assessments(authority):
    return authority.assessments.select_related(
        "child", "framework", "setting", "created_by", "completed_by"
    ).defer("framework__content")


def for_print(chart):
    """The radar chart (drawn by the web page's own template, templates/assessments/_radar.html)
    with its description in the SVG title: WeasyPrint takes a figure's alternative text from
    the title alone, while the web page reads title and description."""
    return dataclasses.replace(chart, title=f"{chart.title}. {chart.description}", description="")


def profile_context(authority, assessment) -> dict:
    context = {"authority": authority, "assessment": assessment, "child": assessment.child}
    context.update(presenters.profile_context(authority, assessment))
    context.update(presenters.recommendation_context(authority, assessment))
    context["chart"] = for_print(context["chart"])
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
