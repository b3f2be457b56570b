"""One world for the security tests: two authorities, each with one object of every kind a URL
can name, and staff in every role. Built once per test module (see ``world_fixture``)."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    MembershipFactory,
    SettingFactory,
    UserFactory,
    complete_assessment,
)
from valuing_send.authorities.models import Role

ROLES = (Role.CASEWORKER, Role.PANEL_MEMBER, Role.MANAGER, Role.ADMIN)


@dataclass
class Side:
    """One authority's people and objects."""

    authority: object
    staff: dict = field(default_factory=dict)  # role → user
    objects: dict = field(default_factory=dict)  # kind → object (or a URL value)


def _side(label: str, la_code: str) -> Side:
    from assessments import rulesets, services
    from assessments.models import ReplayRun, ReplayStatus

    authority = AuthorityFactory(
        name=f"{label} Security Test Council", la_code=la_code, ons_code=f"E10000{la_code}"
    )
    side = Side(authority)
    for role in ROLES:
        user = UserFactory(
            email=f"{role}.{la_code}@security.example", full_name=f"{label} {role.label}"
        )
        MembershipFactory(user=user, authority=authority, role=role)
        side.staff[role] = user
    caseworker = side.staff[Role.CASEWORKER]
    setting = SettingFactory(authority=authority, name=f"{label} Primary School")
    child = ChildFactory(
        authority=authority, current_setting=setting, caseworker=caseworker, last_name=label
    )
    assessment = complete_assessment(child, caseworker, {"speech_language": 3})
    drafted = ChildFactory(authority=authority, current_setting=setting, last_name=f"{label}Draft")
    # A child with an EHC plan for years: the indicators' plan counts and the projection.
    ChildFactory(
        authority=authority,
        current_setting=setting,
        last_name=f"{label}Plan",
        sen_status="E",
        primary_need="ASD",
        plan_start_date=datetime.date(2020, 9, 1),
    )
    draft, _ = services.assessment_start(drafted, by=caseworker)
    admin = side.staff[Role.ADMIN]
    shipped = rulesets.active_rule_set(authority)
    # The authority's own active rule set, made after the assessment: its stored
    # recommendation is then out of date, so pages offer to work it out again.
    active = rulesets.ruleset_activate(
        rulesets.ruleset_copy(shipped, authority, by=admin), by=admin
    )
    ruleset = rulesets.ruleset_copy(shipped, authority, by=admin)
    leaver = UserFactory(email=f"leaver.{la_code}@security.example", full_name=f"{label} Leaver")
    inactive = MembershipFactory(
        user=leaver, authority=authority, role=Role.CASEWORKER, is_active=False
    )
    replay = ReplayRun.objects.create(
        authority=authority,
        draft=ruleset,
        baseline=active,
        draft_checksum=ruleset.checksum,
        requested_by=side.staff[Role.MANAGER],
        status=ReplayStatus.DONE,
        summary={},
    )
    failed_replay = ReplayRun.objects.create(
        authority=authority,
        draft=ruleset,
        baseline=active,
        draft_checksum=ruleset.checksum,
        requested_by=side.staff[Role.MANAGER],
        status=ReplayStatus.FAILED,
        error="ValueError: the worker stopped",
    )
    side.objects.update(_panel_objects(side, child, drafted))
    from valuing_send.documents.services import document_request

    # A needs profile's PDF, asked for and waiting for the worker (the transaction never
    # commits, so it stays queued: not ready to download).
    side.objects["document"] = document_request(authority, "profile", assessment, by=caseworker)
    # One that failed for good: its page offers to try again.
    from valuing_send.documents.models import Document, DocumentStatus

    failed = document_request(authority, "family_profile", assessment, by=caseworker)
    Document.objects.filter(pk=failed.pk).update(
        status=DocumentStatus.FAILED, error="OSError: the worker stopped", attempts=3
    )
    side.objects["failed_document"] = failed
    # The PDF of the parent's letter failed too: their link's page offers to try again.
    from valuing_send.documents.services import letter_for_family

    failed_letter = letter_for_family(side.objects["parent_letter"])
    Document.objects.filter(pk=failed_letter.pk).update(
        status=DocumentStatus.FAILED, error="OSError: the worker stopped", attempts=3
    )
    side.objects.update(
        child=child,
        setting=setting,
        assessment=assessment,
        draft=draft,
        recommendation=assessment.recommendations.first(),
        ruleset=ruleset,
        replay=replay,
        failed_replay=failed_replay,
        membership=caseworker.memberships.get(authority=authority),
        inactive_membership=inactive,
        area=draft.framework.definition.areas[0].code,
        reset_uid=urlsafe_base64_encode(force_bytes(leaver.pk)),
        reset_token=default_token_generator.make_token(leaver),
    )
    return side


def _panel_objects(side: Side, child, other_child) -> dict:
    """A side's panel cases at each stage a URL needs, with advice, a decision letter, a
    panel, a meeting with a case on its agenda, and a secure link for each kind of person
    without an account (``invitation`` is the invitation holder's: a parent's, on ``case``;
    the others are on another case, ``assessing_case``)."""
    from django.utils import timezone

    from panels import services as panel_services
    from panels.codes import CaseKind, CaseStatus, ContributorRole

    caseworker, panel_member = side.staff[Role.CASEWORKER], side.staff[Role.PANEL_MEMBER]
    manager, admin = side.staff[Role.MANAGER], side.staff[Role.ADMIN]
    received = timezone.localdate() - datetime.timedelta(days=10)

    def request_case(for_child, *, ready=False):
        case = panel_services.case_open(
            for_child,
            CaseKind.ASSESSMENT_REQUEST,
            by=caseworker,
            received_date=received,
            request_source="parent",
            summary="Parent asks for an assessment of communication needs",
        )
        if ready:
            panel_services.case_move(case, CaseStatus.REQUEST_READY, by=caseworker)
        return case

    case = request_case(child)
    ready = request_case(child, ready=True)
    decided = request_case(other_child, ready=True)
    panel_services.decision_record(decided, outcome="agree", reasons="Agreed", by=panel_member)
    assessing = panel_services.case_open(
        other_child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=received
    )
    advice = panel_services.advice_request(
        assessing, service="educational_psychology", asked_on=received, by=caseworker
    )
    panel = panel_services.panel_save(
        side.authority,
        name=f"{side.authority.name} EHC panel",
        members=[panel_member, manager],
        chair=manager,
        by=admin,
    )
    meeting = panel_services.meeting_create(
        panel,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        location="Room 2",
        cases=[ready],
        by=caseworker,
    )
    invitations = {}
    for role, on in (
        (ContributorRole.PARENT, case),
        (ContributorRole.CHILD, assessing),
        (ContributorRole.SETTING, assessing),
        (ContributorRole.PROFESSIONAL, assessing),
    ):
        invitations[role] = panel_services.invitation_send(
            on,
            role=role,
            service="educational_psychology" if role == ContributorRole.PROFESSIONAL else "",
            recipient_name=f"{side.authority.name} {role.label}",
            email=f"{role}@{side.authority.la_code}.security.example",
            by=caseworker,
        )
    parent = invitations.pop(ContributorRole.PARENT)
    # A decision letter on the parent's own case, as a decision on it would store one (the
    # case itself stays at the stage the case pages need): what their link downloads.
    from panels.models import Letter

    parent_letter = Letter.objects.create(
        authority=side.authority,
        case=case,
        kind=Letter.Kind.NOT_ASSESS,
        subject="Decision not to assess",
        html="<h2>Decision not to assess</h2><h3>Reasons</h3><p>Needs are met.</p>",
        created_by=panel_member,
    )
    return {
        "case": case,
        "ready_case": ready,
        "assessing_case": assessing,
        "advice": advice,
        "letter": decided.letters.get(),
        "parent_letter": parent_letter,
        "panel": panel,
        "meeting": meeting,
        "invitation_record": parent,
        "invitation": parent.token(),
        **{f"{role}_invitation": found.token() for role, found in invitations.items()},
        # What someone holding a link might try for another's: the stored hash of another
        # case's link (a copy of the database gives no working link) and their own token
        # with one character changed.
        "stolen_hash": invitations[ContributorRole.CHILD].token_hash,
        "tampered_token": parent.token()[:-1] + ("0" if parent.token()[-1] != "0" else "1"),
    }


# Other objects of a kind whose pages show other forms (a deactivated person's page has the
# button to give access back; a draft's summary is the check page): the form finder opens the
# pages of these too.
ALSO_OPEN = {
    "membership": ["inactive_membership"],
    "assessment": ["draft"],
    "replay": ["failed_replay"],
    "document": ["failed_document"],
    # Each kind of person without an account has their own questions (children's easy read).
    "invitation": ["child_invitation", "setting_invitation", "professional_invitation"],
}


def build_world() -> dict[str, Side]:
    from assessments.framework import shipped_framework_paths
    from assessments.rulesets import shipped_load
    from assessments.services import framework_load

    shipped_load()
    framework_load(shipped_framework_paths()[0])
    from valuing_send.indicators.snapshots import snapshot_refresh

    sides = {"a": _side("Northfield", "931"), "b": _side("Southfield", "932")}
    _published_figures(sides)
    for side in sides.values():
        # Worked-out indicators, so the dashboards show their figures and their forms
        # (period, projection scenario) as they do once the nightly task has run.
        snapshot_refresh(side.authority)
    return sides


def _published_figures(sides: dict[str, Side]) -> None:
    """England, a region and each side's authority among DfE's published figures (the
    national pages), with one figure each."""
    from decimal import Decimal

    from valuing_send.indicators.models import AreaLevel, PublishedArea, PublishedFigure

    PublishedArea.objects.create(code="E92000001", name="England", level=AreaLevel.ENGLAND)
    region = PublishedArea.objects.create(
        code="E12000008", name="South East", level=AreaLevel.REGION
    )
    for side in sides.values():
        area = PublishedArea.objects.create(
            code=side.authority.la_code,
            name=side.authority.name,
            level=AreaLevel.AUTHORITY,
            region=region,
            ons_code=side.authority.ons_code,
            current=True,
        )
        side.objects["published_area"] = area.code
    for area in PublishedArea.objects.filter(code__in=["E92000001", "E12000008", "931", "932"]):
        for year, plans in ((2024, 1000), (2025, 1100)):
            PublishedFigure.objects.create(
                area=area,
                indicator="ehc_plans",
                year=year,
                time_period=f"{year - 1}{year % 100:02d}",
                dimension="",
                category="",
                value=Decimal(plans),
                numerator=plans,
                denominator=plans,
                marker="",
                source="security tests",
            )


def signed_in_clients(sides: dict[str, Side]) -> dict:
    """A test client per persona: ``(side, role)`` signed in with both factors, and
    ``"anonymous"``."""
    from django.test import Client

    clients = {"anonymous": Client()}
    for key, side in sides.items():
        for role, user in side.staff.items():
            client = Client()
            client.force_login(user)
            clients[key, role] = client
    clients[INVITATION_HOLDER] = invitation_holder_client(sides)
    return clients


# Someone without an account holding a secure link (authority A's parent's, on ``case``).
INVITATION_HOLDER = "invitation holder"
HOLDER_ADDRESS = "192.0.2.10"


def invitation_holder_client(sides: dict[str, Side]):
    """A client that has opened its own secure link (so holds whatever that leaves it), from
    an address of its own (the links' rate limits count per address)."""
    from django.test import Client
    from django.urls import reverse

    client = Client(REMOTE_ADDR=HOLDER_ADDRESS)
    response = client.get(reverse("journey-start", args=[sides["a"].objects["invitation"]]))
    assert response.status_code == 200, response.status_code
    return client


def forget_link_counts() -> None:
    """The secure links' rate limits count requests in the cache (which outlives the rolled-back
    transactions): start each test or example from none, so hundreds of requests with the same
    link stay within them."""
    from django.core.cache import cache

    cache.clear()


PENDING_PASSWORD = "pending-sign-in-password-2026"


def pending_sign_in_clients(sides: dict[str, Side]) -> dict:
    """Clients half way through signing in: past the password, at the code page
    (``"pending code"``) or at authenticator set-up (``"pending set-up"``)."""
    from django.test import Client
    from django.urls import reverse

    from tests.factories import authenticator

    clients = {}
    for label, has_app in (("pending code", True), ("pending set-up", False)):
        user = UserFactory(
            email=f"{label.replace(' ', '.').replace('-', '')}@security.example",
            full_name=f"Someone {label}",
            password=PENDING_PASSWORD,
        )
        user.memberships.get_or_create(
            authority=sides["a"].authority, defaults={"role": Role.CASEWORKER}
        )
        if has_app:
            authenticator(user)
        client = Client()
        response = client.post(
            reverse("login"), {"username": user.email, "password": PENDING_PASSWORD}
        )
        assert response.status_code == 302, response.content
        clients[label] = client
    return clients


def world_fixture():
    """A module-scoped fixture: the world and its clients, built once inside a transaction that
    is rolled back when the module's tests are done (tests roll back their own requests)."""
    import pytest
    from django.db import transaction

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                sides = build_world()
                yield sides, signed_in_clients(sides)
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    return world
