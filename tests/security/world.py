"""One world for the security tests: two authorities, each with one object of every kind a URL
can name, and staff in every role. Built once per test module (see ``world_fixture``)."""

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


# Other objects of a kind whose pages show other forms (a deactivated person's page has the
# button to give access back; a draft's summary is the check page): the form finder opens the
# pages of these too.
ALSO_OPEN = {
    "membership": ["inactive_membership"],
    "assessment": ["draft"],
    "replay": ["failed_replay"],
}


def build_world() -> dict[str, Side]:
    from assessments.framework import shipped_framework_paths
    from assessments.rulesets import shipped_load
    from assessments.services import framework_load

    shipped_load()
    framework_load(shipped_framework_paths()[0])
    return {"a": _side("Northfield", "931"), "b": _side("Southfield", "932")}


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
    return clients


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
