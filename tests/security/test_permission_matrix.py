"""The permission matrix: every URL pattern in the URL configuration, requested as every
persona, with an object of the persona's own authority and of the other authority, against one
table of expected statuses. A URL with no row fails with a message saying what to add.

Personas: caseworker, panel member, manager and admin of authority A and of authority B,
someone not signed in, and an invitation holder (someone without an account who has opened the
secure link a caseworker sent them: a parent's, on authority A's ``case``). For a URL that names
objects, each staff persona requests it with their own authority's object (expecting their
role's status from the table) and with the other authority's (expecting 404 where their role
may use the page, else the same 403, unless the row says otherwise in ``foreign``).

The invitation holder gets no more than someone not signed in anywhere else: every staff page,
with their own case and with another authority's, answers them as it answers anonymous (the
sign-in page). On the secure-link pages their own token works, and what they might try for
another case's pages (the stored hash of another case's link, their own token with one character
changed) is refused with 404. Every request runs in a transaction that is rolled back, so the
world stays as built; every URL also answers DELETE with 405 (a view without a method decorator
would not)."""

import copy
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security.endpoints import endpoints
from tests.security.world import INVITATION_HOLDER, ROLES, forget_link_counts, world_fixture
from valuing_send.indicators import ambitions, registry

pytestmark = pytest.mark.django_db  # each test's requests also roll back; see world_fixture

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404
ANONYMOUS = "anonymous"

world = world_fixture()


@pytest.fixture(autouse=True)
def fresh_link_counts():
    forget_link_counts()


@dataclass(frozen=True)
class Row:
    """Expected status for a request with the persona's own authority's objects, per role."""

    caseworker: int
    panel_member: int
    manager: int
    admin: int
    anonymous: int = REDIRECT  # to the sign-in page
    kwargs: dict = field(default_factory=dict)  # URL argument → world object kind
    # False where the URL's arguments belong to no authority (a password-reset link, a secure
    # link's token, published figures): no request with "the other authority's" object then.
    scoped: bool = True
    # Role → status with the other authority's object, where it is not the rule's (a page
    # that finds the object in the user's authority before checking what the role may do
    # with it answers 404 for another's, 403 for their own).
    foreign: dict = field(default_factory=dict)

    def for_role(self, role) -> int:
        return getattr(self, str(role))

    def foreign_for_role(self, role) -> int:
        own = self.for_role(role)
        return self.foreign.get(str(role), NOT_FOUND if own != FORBIDDEN else FORBIDDEN)

    @property
    def names_a_link(self) -> bool:
        return LINK in self.kwargs.values()


def row(
    caseworker,
    panel_member,
    manager,
    admin,
    *,
    anonymous=REDIRECT,
    scoped=True,
    foreign=None,
    **kwargs,
):
    return Row(caseworker, panel_member, manager, admin, anonymous, kwargs, scoped, foreign or {})


def every_role(status, *, anonymous=REDIRECT, scoped=True, **kwargs):
    return Row(status, status, status, status, anonymous, kwargs, scoped)


# The world's kind for the invitation holder's secure-link token, and what they might try for
# another case's link.
LINK = "invitation"
NOT_THEIR_LINKS = ("stolen_hash", "tampered_token")

# Indicator pages named by a slug (not an authority's object: every authority has them).
AMBITION = ambitions.AMBITIONS[0]
AMBITION_INDICATOR = next(i for i in registry.INDICATORS if i.id in AMBITION.indicators).slug
INDICATOR = registry.INDICATORS[0].slug


def link_page(status):
    """A page of the secure-link journey: the token is the credential, whoever holds it (so
    also staff, signed in or not), and belongs to no one's authority."""
    return every_role(status, anonymous=status, scoped=False, token=LINK)


# The method used is GET where the view allows it, else POST with no data (a permission check
# must come before any form handling). Statuses are for the persona's own authority's objects.
#                                caseworker  panel  manager  admin
MATRIX: dict[str, Row] = {
    # Service pages
    "home": every_role(OK),
    "accessibility": every_role(OK, anonymous=OK),
    "privacy": every_role(OK, anonymous=OK),
    "system-status": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    # Health checks for load balancers: no sign-in, nothing personal
    "health-live": every_role(OK, anonymous=OK),
    "health-ready": every_role(OK, anonymous=OK),
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
    # Audit log
    "audit-search": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "subject-access-export": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="child"),
    # Settings register
    "setting-list": every_role(OK),
    "setting-create": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "setting-detail": every_role(OK, pk="setting"),
    "setting-edit": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="setting"),
    "setting-capabilities": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="setting"),
    # Children and needs profiles
    "child-list": every_role(OK),
    "child-list-setting-suggestions": every_role(OK),
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
    "ruleset-edit-yaml": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="ruleset"),
    "ruleset-new": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "ruleset-template": row(FORBIDDEN, FORBIDDEN, OK, OK),
    "ruleset-edit-scheme": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="ruleset"),
    "ruleset-check": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="ruleset"),
    "ruleset-activate": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, pk="ruleset"),
    "ruleset-preview": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="ruleset"),
    "replay-start": row(FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT, pk="ruleset"),
    "replay-detail": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="replay"),
    "replay-retry": row(FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT, pk="replay"),
    "replay-changes": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="replay"),
    "replay-csv": row(FORBIDDEN, FORBIDDEN, OK, OK, pk="replay"),
    # Panel cases: "case" a request received, "ready_case" ready for panel (on the meeting's
    # agenda), "assessing_case" an EHC needs assessment with advice asked for.
    "case-tray": row(OK, OK, OK, FORBIDDEN),
    "case-consistency": row(FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "case-start": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, child_pk="child"),
    "case-create": row(
        OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, child_pk="child", kind="assessment_request"
    ),
    "case-detail": row(OK, OK, OK, FORBIDDEN, pk="case"),
    "case-dates": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="case"),
    # Sending to panel is the caseworker's move; others may view the case, so another
    # authority's case is not found before the move is refused.
    "case-move": row(
        OK,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        pk="case",
        target="request_ready",
        foreign={"panel_member": NOT_FOUND, "manager": NOT_FOUND},
    ),
    "exception-create": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="case"),
    "advice-create": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="assessing_case"),
    "advice-received": row(
        OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="assessing_case", advice_pk="advice"
    ),
    "dispute-create": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="case"),
    "contribution-create": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="case", role="parent"),
    "decision-create": row(FORBIDDEN, OK, OK, FORBIDDEN, pk="ready_case"),
    "evidence-pack": row(OK, OK, OK, FORBIDDEN, pk="case"),
    "letter-detail": row(OK, OK, OK, FORBIDDEN, pk="letter"),
    "invitation-create": row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="case"),
    "invitation-revoke": row(
        REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, pk="case", invitation_pk="invitation_record"
    ),
    # The secure-link journey (no account); the check page sends an unfinished one back.
    "journey-start": link_page(OK),
    "journey-need": every_role(OK, anonymous=OK, scoped=False, token=LINK, number=1),
    "journey-about": link_page(OK),
    "journey-check": link_page(OK),
    "journey-done": link_page(REDIRECT),
    # Panels and their meetings
    "panel-list": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "panel-create": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "panel-edit": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, pk="panel"),
    "meeting-list": row(OK, OK, OK, FORBIDDEN),
    "meeting-create": row(OK, FORBIDDEN, OK, FORBIDDEN),
    "meeting-detail": row(OK, OK, OK, FORBIDDEN, pk="meeting"),
    "meeting-attendance": row(FORBIDDEN, OK, OK, FORBIDDEN, pk="meeting"),
    "meeting-conflict": row(FORBIDDEN, OK, OK, FORBIDDEN, pk="meeting"),
    "meeting-decision": row(FORBIDDEN, OK, OK, FORBIDDEN, meeting_pk="meeting", pk="ready_case"),
    # Indicators and dashboards
    "indicator-dashboard": row(FORBIDDEN, FORBIDDEN, OK, OK),
    "valuing-send": row(FORBIDDEN, FORBIDDEN, OK, OK),
    "ambitions": row(FORBIDDEN, FORBIDDEN, OK, OK),
    "ambition-target": row(
        FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, number=AMBITION.number, slug=AMBITION_INDICATOR
    ),
    "projection": row(FORBIDDEN, FORBIDDEN, OK, OK),
    # The children behind a figure: the bare address names no figure, so the error summary.
    "indicator-children": row(FORBIDDEN, FORBIDDEN, BAD, FORBIDDEN),
    "indicator-recompute": row(FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT),
    "indicator-group": row(FORBIDDEN, FORBIDDEN, OK, OK, slug="prevalence"),
    "indicator-detail": row(FORBIDDEN, FORBIDDEN, OK, OK, slug=INDICATOR),
    # Documents (PDFs made by a worker): "document" a needs profile's PDF still queued, so
    # not ready to download; zips of a school's profiles are for managers.
    "document-create": every_role(REDIRECT, kind="profile", subject_pk="assessment"),
    "document-bundle": row(
        FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, kind="school_profiles", subject_pk="setting"
    ),
    "document-detail": every_role(OK, pk="document"),
    "document-download": every_role(NOT_FOUND, pk="document"),
    "document-retry": every_role(REDIRECT, pk="document"),
    # A decision letter as a PDF through the parent's secure link (the token is the
    # credential, as on the journey's pages): the page follows the worker until it is made.
    "family-letter": every_role(OK, anonymous=OK, scoped=False, token=LINK, pk="parent_letter"),
    # DfE's published figures, the same for everyone who may see them
    "national-table": row(FORBIDDEN, FORBIDDEN, OK, OK),
    "national-ranking": row(FORBIDDEN, FORBIDDEN, OK, OK),
    "national-authority": row(FORBIDDEN, FORBIDDEN, OK, OK, scoped=False, code="published_area"),
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


def holder_cases(expected: Row, sides) -> list[tuple[str, dict, int]]:
    """The invitation holder's requests of one URL: (what, objects, expected status)."""
    own = sides["a"].objects
    if expected.names_a_link:
        return [("their own link", own, expected.anonymous)] + [
            (f"{kind.replace('_', ' ')} for another case's link", {**own, LINK: own[kind]}, 404)
            for kind in NOT_THEIR_LINKS
        ]
    cases = [("with their own case's objects", own, expected.anonymous)]
    if expected.scoped and any(kind in own for kind in expected.kwargs.values()):
        cases.append(("with another authority's objects", sides["b"].objects, expected.anonymous))
    return cases


def planned_requests(endpoint, sides) -> list[tuple[object, str, str, int, str]]:
    """Every request the matrix makes of one URL: (persona, method, URL, expected, who)."""
    expected = MATRIX[endpoint.name]
    method = "GET" if "GET" in endpoint.methods else "POST"
    own_a = sides["a"].objects
    planned = [(ANONYMOUS, method, _url(endpoint, expected, own_a), expected.anonymous, "")]
    for label, objects, status in holder_cases(expected, sides):
        planned.append(
            (INVITATION_HOLDER, method, _url(endpoint, expected, objects), status, label)
        )
    for side, role in PERSONAS:
        other = "b" if side == "a" else "a"
        cases = [("own", sides[side].objects, expected.for_role(role))]
        if expected.scoped and any(
            kind in sides[other].objects for kind in expected.kwargs.values()
        ):
            cases.append(
                ("other authority's", sides[other].objects, expected.foreign_for_role(role))
            )
        for label, objects, status in cases:
            url = _url(endpoint, expected, objects)
            planned.append(((side, role), method, url, status, f"with {label} object"))
    # A view without a method decorator would answer DELETE.
    planned.append((("a", ROLES[-1]), "DELETE", _url(endpoint, expected, own_a), 405, ""))
    return planned


def _who(persona) -> str:
    if isinstance(persona, tuple):
        side, role = persona
        return f"{role.label} of {side.upper()}"
    return persona


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_url_answers_each_persona_as_the_matrix_says(endpoint, world, django_db_blocker):
    if endpoint.name not in MATRIX:
        pytest.fail(f"No MATRIX row for {endpoint.name!r}: see test_every_url_has_a_row...")
    sides, clients = world
    wrong = []
    with django_db_blocker.unblock():
        for persona, method, url, status, label in planned_requests(endpoint, sides):
            got = _status(clients[persona], method, url)
            if got != status:
                wrong.append(f"{_who(persona)} {label} {method} {url}: {got}, expected {status}")
    assert not wrong, f"{endpoint.name}:\n  " + "\n  ".join(wrong)


def test_the_matrix_size(world, django_db_blocker):
    """URLs × personas, and the requests made (printed with -s for the issue's note)."""
    sides, clients = world
    with django_db_blocker.unblock():
        requests = sum(len(planned_requests(endpoint, sides)) for endpoint in ENDPOINTS)
    personas = len(PERSONAS) + 2  # staff of A and B, anonymous, the invitation holder
    print(f"\nPermission matrix: {len(ENDPOINTS)} URLs × {personas} personas, {requests} requests")
    assert set(clients) == {*PERSONAS, ANONYMOUS, INVITATION_HOLDER}
    assert requests >= len(ENDPOINTS) * personas


def test_a_parents_link_downloads_no_other_cases_letter(world, django_db_blocker):
    """The family-letter row uses the parent's own letter; with their own token, another case's
    letter (of their authority, or of the other one) is the link's "not found" page."""
    sides, clients = world
    token = sides["a"].objects[LINK]
    holder = clients[INVITATION_HOLDER]
    with django_db_blocker.unblock():
        for letter in (sides["a"].objects["letter"], sides["b"].objects["parent_letter"]):
            url = reverse("family-letter", kwargs={"token": token, "pk": letter.pk})
            assert _status(holder, "GET", url) == NOT_FOUND, url
