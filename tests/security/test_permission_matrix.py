"""The permission matrix: every URL pattern in the URL configuration, requested as every
persona, with an object of the persona's own authority and of the other authority, against one
table of expected statuses. A URL with no row fails with a message saying what to add.

Personas: caseworker, panel member, manager and admin of authority A and of authority B, and
someone not signed in. For a URL that names objects, each staff persona requests it with their
own authority's object (expecting their role's status from the table) and with the other
authority's (expecting 404 where their role may use the page, else the same 403). Every request
runs in a transaction that is rolled back, so the world stays as built; every URL also answers
DELETE with 405 (a view without a method decorator would not)."""

import copy
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security.endpoints import endpoints
from tests.security.world import ROLES, world_fixture

pytestmark = pytest.mark.django_db  # each test's requests also roll back; see world_fixture

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404
ANONYMOUS = "anonymous"

world = world_fixture()


@dataclass(frozen=True)
class Row:
    """Expected status for a request with the persona's own authority's objects, per role."""

    caseworker: int
    panel_member: int
    manager: int
    admin: int
    anonymous: int = REDIRECT  # to the sign-in page
    kwargs: dict = field(default_factory=dict)  # URL argument → world object kind
    # False where the URL's arguments belong to no authority (a password-reset link): no
    # request with "the other authority's" object then.
    scoped: bool = True

    def for_role(self, role) -> int:
        return getattr(self, str(role))


def row(caseworker, panel_member, manager, admin, *, anonymous=REDIRECT, scoped=True, **kwargs):
    return Row(caseworker, panel_member, manager, admin, anonymous, kwargs, scoped)


def every_role(status, *, anonymous=REDIRECT, scoped=True, **kwargs):
    return Row(status, status, status, status, anonymous, kwargs, scoped)


# The method used is GET where the view allows it, else POST with no data (a permission check
# must come before any form handling). Statuses are for the persona's own authority's objects.
#                                caseworker  panel  manager  admin
MATRIX: dict[str, Row] = {
    # Service pages
    "home": every_role(OK),
    "accessibility": every_role(OK, anonymous=OK),
    "privacy": every_role(OK, anonymous=OK),
    "system-status": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # Signing in (a signed-in person is sent on; the code pages need a password first)
    "login": every_role(REDIRECT, anonymous=OK),
    "sign-in-code": every_role(REDIRECT),
    "two-factor-setup": every_role(REDIRECT),
    "recovery-codes": every_role(OK),
    "logout": every_role(REDIRECT),
    "password_reset": every_role(OK, anonymous=OK),
    "password_reset_done": every_role(OK, anonymous=OK),
    # A real link: the view keeps the token in the session and redirects to the form.
    "password_reset_confirm": every_role(
        REDIRECT, anonymous=REDIRECT, scoped=False, uidb64="reset_uid", token="reset_token"
    ),
    "password_reset_complete": every_role(OK, anonymous=OK),
    "choose-authority": every_role(OK),
    # Users
    "users": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "user-add": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "user-edit": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="membership"),
    "user-deactivate": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, pk="membership"),
    "user-reactivate": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, pk="inactive_membership"),
    "user-reset-two-factor": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, pk="membership"),
    # Settings register
    "setting-list": every_role(OK),
    "setting-create": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "setting-detail": every_role(OK, pk="setting"),
    "setting-edit": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="setting"),
    "setting-capabilities": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="setting"),
    # Children and needs profiles
    "child-list": every_role(OK),
    "child-create": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "child-detail": every_role(OK, pk="child"),
    "child-edit": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="child"),
    "assessment-start": row(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, child_pk="child"),
    "assessment-summary": every_role(OK, pk="assessment"),
    "assessment-continue": every_role(REDIRECT, pk="draft"),
    "assessment-about": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="draft"),
    "assessment-area": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="draft", area="area"),
    "assessment-check": every_role(OK, pk="draft"),
    "assessment-complete": row(BAD, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="draft"),
    "family-view": every_role(OK, pk="assessment"),
    "recommendation-refresh": row(REDIRECT, REDIRECT, REDIRECT, FORBIDDEN, pk="assessment"),
    "override-create": row(OK, OK, OK, FORBIDDEN, pk="recommendation"),
    "framework": every_role(OK),
    # Rule sets and replays
    "ruleset-list": row(FORBIDDEN, FORBIDDEN, OK, OK),
    "ruleset-detail": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="ruleset"),
    "ruleset-copy": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, pk="ruleset"),
    "ruleset-edit-numbers": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="ruleset"),
    "ruleset-edit-yaml": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="ruleset"),
    "ruleset-activate": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, pk="ruleset"),
    "ruleset-preview": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="ruleset"),
    "replay-start": row(FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT, pk="ruleset"),
    "replay-detail": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="replay"),
    "replay-retry": row(FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT, pk="replay"),
    "replay-changes": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="replay"),
    "replay-csv": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="replay"),
}

ENDPOINTS = endpoints()
PERSONAS = [(side, role) for side in ("a", "b") for role in ROLES]


def test_every_url_has_a_row_and_every_row_a_url():
    missing = [e for e in ENDPOINTS if e.name not in MATRIX]
    assert not missing, "\n".join(
        f"The URL {e.name!r} (/{e.route}, {'/'.join(sorted(e.methods))}) has no row in MATRIX in "
        "tests/security/test_permission_matrix.py. Add one with the status each role gets, e.g. "
        f"{e.name!r}: row(caseworker, panel_member, manager, admin, anonymous=302"
        + "".join(f", {name}=<kind>" for name in e.kwarg_names)
        + "), naming for each URL argument a kind of object built in tests/security/world.py "
        "(add the kind there, for both authorities, if it is new)."
        for e in missing
    )
    known = {e.name for e in ENDPOINTS}
    stale = sorted(set(MATRIX) - known)
    assert not stale, f"MATRIX rows for URLs that no longer exist: {stale}"


def _url(endpoint, expected: Row, objects: dict) -> str:
    values = {}
    for name in endpoint.kwarg_names:
        kind = expected.kwargs.get(name)
        assert kind is not None, f"{endpoint.name}: say which world object fills <{name}>"
        value = objects.get(kind, kind)
        values[name] = getattr(value, "pk", value)
    return reverse(endpoint.name, kwargs=values)


def _status(client, method, url) -> int:
    """One request whose effects are undone: its database writes are rolled back and the
    client keeps its cookies (signing out, say, would otherwise end the persona's session)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_url_answers_each_persona_as_the_matrix_says(endpoint, world, django_db_blocker):
    expected = MATRIX.get(endpoint.name)
    if expected is None:
        pytest.fail(f"No MATRIX row for {endpoint.name!r}: see test_every_url_has_a_row...")
    method = "GET" if "GET" in endpoint.methods else "POST"
    sides, clients = world
    wrong = []
    with django_db_blocker.unblock():
        url = _url(endpoint, expected, sides["a"].objects)
        got = _status(clients[ANONYMOUS], method, url)
        if got != expected.anonymous:
            wrong.append(f"anonymous {method} {url}: {got}, expected {expected.anonymous}")
        for side, role in PERSONAS:
            other = "b" if side == "a" else "a"
            client = clients[side, role]
            own_status = expected.for_role(role)
            cases = [("own", sides[side].objects, own_status)]
            if expected.scoped and any(
                kind in sides[other].objects for kind in expected.kwargs.values()
            ):
                foreign = NOT_FOUND if own_status != FORBIDDEN else FORBIDDEN
                cases.append(("other authority's", sides[other].objects, foreign))
            for label, objects, status in cases:
                url = _url(endpoint, expected, objects)
                got = _status(client, method, url)
                if got != status:
                    wrong.append(
                        f"{role.label} of {side.upper()} with {label} object, {method} {url}: "
                        f"{got}, expected {status}"
                    )
        admin_url = _url(endpoint, expected, sides["a"].objects)
        got = _status(clients["a", ROLES[-1]], "DELETE", admin_url)
        if got != 405:
            wrong.append(f"DELETE {admin_url}: {got}, expected 405 (add a method decorator)")
    assert not wrong, f"{endpoint.name}:\n  " + "\n  ".join(wrong)
