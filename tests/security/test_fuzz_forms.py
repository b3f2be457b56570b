"""Fuzzing every form and htmx endpoint with hostile input, to find 500s by itself.

Nothing here lists forms. The endpoints come from the URL configuration (``endpoints.py``);
the forms from reading every page the personas of the shared world can open
(``forms_found.py``): every <form>, GET or POST, and every element htmx posts from, with its
fields. Each is then sent Hypothesis-generated submissions (``hostile.py``) as a persona the
permission matrix says may use it, each in a transaction that is rolled back. Checked:

- never a 500 (the test client re-raises the view's exception, so Hypothesis shrinks it);
- never script markup from the input unescaped in the response, or (when the input was kept)
  in the page it redirects to or any page that shows the same kind of object.

``make test`` runs FUZZ_EXAMPLES (default 20) examples per form, derandomised so a run repeats;
``make fuzz`` runs many more with a random seed (it prints the seed)."""

import copy
import os
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, note, settings

from tests.security import hostile
from tests.security.endpoints import endpoints
from tests.security.forms_found import forms_on
from tests.security.test_permission_matrix import FORBIDDEN, MATRIX, OK, Row, _url
from tests.security.world import (
    ALSO_OPEN,
    INVITATION_HOLDER,
    ROLES,
    forget_link_counts,
    pending_sign_in_clients,
    world_fixture,
)

pytestmark = pytest.mark.django_db  # and every example rolls back its own writes

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
ENDPOINTS = endpoints()
POST_ENDPOINTS = [e for e in ENDPOINTS if e.accepts_post]

world = world_fixture()


def _in_rollback(fn):
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def found(world, django_db_blocker):
    """Every form on every page a persona of authority A can open, keyed by URL name, each with
    the persona that may send it."""
    sides, clients = world
    by_endpoint: dict[str, list] = {}
    seen = set()

    def record(page_url, html, persona, objects=None):
        for form in forms_on(page_url, html):
            target = MATRIX.get(form.endpoint)
            allowed = _persona_for(target, persona)
            # The same form on many pages is fuzzed once; the same kind of form sending to
            # another object (another kind of person's secure link, say) again.
            key = (form.key, form.path, tuple(sorted(form.fields)))
            if allowed is None or key in seen:
                continue
            seen.add(key)
            form.persona = allowed
            form.objects = objects
            by_endpoint.setdefault(form.endpoint, []).append(form)

    with django_db_blocker.unblock():
        for endpoint in ENDPOINTS:
            expected = MATRIX.get(endpoint.name)
            if expected is None or "GET" not in endpoint.methods:
                continue
            # Secure-link pages are opened (and their forms sent) by someone holding the link.
            personas = (
                [INVITATION_HOLDER]
                if expected.names_a_link
                else [("a", role) for role in ROLES] + ["anonymous"]
            )
            for objects in _object_variants(expected, sides["a"].objects):
                url = _url(endpoint, expected, objects)
                for persona in personas:
                    status = (
                        expected.anonymous
                        if isinstance(persona, str)
                        else expected.for_role(persona[1])
                    )
                    if status == FORBIDDEN:
                        continue
                    forget_link_counts()
                    response = _in_rollback(lambda u=url, p=persona: clients[p].get(u, follow=True))
                    if response.status_code == OK and "html" in response.get("Content-Type", ""):
                        final = response.redirect_chain[-1][0] if response.redirect_chain else url
                        record(final, response.content.decode(), persona, objects)
        for persona, client in pending_sign_in_clients(sides).items():
            clients[persona] = client
            for name in ("sign-in-code", "two-factor-setup"):
                response = client.get(reverse(name), follow=True)
                final = response.redirect_chain[-1][0] if response.redirect_chain else reverse(name)
                record(final, response.content.decode(), persona)
    if os.environ.get("FUZZ_REPORT") == "1":
        forms = [form for forms in by_endpoint.values() for form in forms]
        print(f"\nForms found: {len(forms)}, {EXAMPLES} examples each")
        for form in forms:
            print(f"  {form.key:<40} {len(form.fields):>3} fields  as {form.persona}")
    return by_endpoint


def _object_variants(row: Row, objects: dict):
    """The world's objects as the row names them, then with each kind swapped for the other
    objects of that kind the world keeps (``ALSO_OPEN``)."""
    yield objects
    for kind in set(row.kwargs.values()):
        for alternative in ALSO_OPEN.get(kind, []):
            yield {**objects, kind: objects[alternative]}


def _persona_for(row: Row | None, seen_as):
    """Who sends the form: whoever saw it, if the matrix lets their role use the target."""
    if row is None:
        return None
    if seen_as == "anonymous" or isinstance(seen_as, str):
        return seen_as
    if row.for_role(seen_as[1]) != FORBIDDEN:
        return seen_as
    for role in ROLES:
        if row.for_role(role) != FORBIDDEN:
            return ("a", role)
    return None


def _send(client, form, data):
    headers = {"HX-Request": "true"} if form.htmx else {}
    if form.method == "GET":
        flat = {k: v for k, v in data.items() if not isinstance(v, tuple)}
        return client.get(form.path + "?" + urlencode(flat, doseq=True), headers=headers)
    payload = {
        k: SimpleUploadedFile(v[0], v[1]) if isinstance(v, tuple) else v for k, v in data.items()
    }
    return client.post(form.path, payload, headers=headers)


# Pages that show only the state of the servers, never anything a form stores: each asks the
# Celery workers to answer within a second, and the fuzzing runs none, so re-reading them after
# every stored example made the admins' forms cost more than a second an example.
SHOW_NO_INPUT = {"system-status", "health-live", "health-ready"}


def _display_pages(form, sides):
    """Pages that show what the form stores: GET pages naming the same kind of object, and
    pages that name none (lists, home), as the form's persona may see them."""
    kinds = set()
    for endpoint in ENDPOINTS:
        if endpoint.name == form.endpoint:
            kinds = set(MATRIX[endpoint.name].kwargs.values())
    pages = []
    for endpoint in ENDPOINTS:
        row = MATRIX.get(endpoint.name)
        if row is None or "GET" not in endpoint.methods or endpoint.name in SHOW_NO_INPUT:
            continue
        if set(row.kwargs.values()) - {"area"} and not (set(row.kwargs.values()) & kinds):
            continue
        status = row.anonymous if isinstance(form.persona, str) else row.for_role(form.persona[1])
        if status == OK:
            pages.append(_url(endpoint, row, form.objects or sides["a"].objects))
    return pages


def _check_html(response, where):
    if "html" in response.get("Content-Type", ""):
        marker = hostile.contains_xss_marker(response.content.decode("utf-8", "replace"))
        assert marker is None, f"{where}: input shown unescaped ({marker!r})"


def _fuzz(form, client, sides):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=hostile.form_data(form))
    def run(data):
        note(f"{form.method} {form.path}{' (htmx)' if form.htmx else ''} as {form.persona}")

        def attempt():
            if form.persona == INVITATION_HOLDER:
                forget_link_counts()  # the link's hourly limit is for people, not for fuzzing
            response = _send(client, form, data)
            assert response.status_code != 500
            _check_html(response, f"response to {form.key}")
            if response.status_code in (301, 302, 303) and hostile.carries_payload(data):
                pages = [response["Location"], *_display_pages(form, sides)]
                for page in dict.fromkeys(pages):
                    shown = client.get(page)
                    assert shown.status_code != 500, f"GET {page} after {form.key}"
                    _check_html(shown, f"GET {page} after {form.key}")

        # The client's cookies are put back too: signing out (or anything that starts a new
        # session) would otherwise leave the persona holding a session the rollback removed,
        # and every later example would be refused at the sign-in page, fuzzing nothing.
        cookies = copy.deepcopy(client.cookies)
        try:
            _in_rollback(attempt)
        finally:
            client.cookies = cookies

    run()
    if isinstance(form.persona, tuple):
        assert "_auth_user_id" in client.session, f"{form.persona} was signed out by {form.key}"


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS, ids=[e.name for e in POST_ENDPOINTS])
def test_every_post_endpoint_survives_hostile_input(endpoint, found, world, django_db_blocker):
    forms = [form for form in found.get(endpoint.name, []) if form.method == "POST"]
    assert forms, (
        f"{endpoint.name} (/{endpoint.route}) accepts POST but no page the world's personas can "
        "open has a form that sends to it, so it cannot be fuzzed. Put the form on a page (every "
        "action needs one), or build what shows it in tests/security/world.py."
    )
    sides, clients = world
    with django_db_blocker.unblock():
        for form in forms:
            client = clients[form.persona]
            if str(form.persona).startswith("pending"):
                # Half way through signing in lasts minutes: start it again just before.
                client = pending_sign_in_clients(sides)[form.persona]
            _fuzz(form, client, sides)


def test_every_get_form_survives_hostile_input(found, world, django_db_blocker):
    """Search and filter forms (query strings), including the htmx ones."""
    sides, clients = world
    forms = [form for forms in found.values() for form in forms if form.method == "GET"]
    assert forms, "No GET form found: the children list's filters at least should be"
    with django_db_blocker.unblock():
        for form in forms:
            _fuzz(form, clients[form.persona], sides)


# Forms on a record's page that change no existing row, so carry no version: each with why.
NOT_AN_EDIT = {
    "assessment-start": "starts a new draft, or returns the one already open",
    "recommendation-refresh": "stores a new recommendation; stored ones never change",
    "override-create": "records a new decision beside the recommendation",
    "ruleset-copy": "makes a new draft",
    "replay-start": "asks for a new replay",
    "replay-retry": "asks again for a replay that failed or stalled (checked under a row lock)",
    "subject-access-export": "reads only, or asks for a new PDF of what it read",
    # Documents: asking for a PDF or a zip makes a new one, or returns the stored one when the
    # data has not changed (keyed by a hash of it); trying again moves only a failed one.
    "document-create": "asks for a PDF of the data as it is now",
    "document-bundle": "asks for a zip of the PDFs as they are now",
    "document-retry": "queues a failed document again (a workflow move from failed only)",
    "family-letter": "asks again for a letter's PDF that failed (only a failed one moves)",
    # Panels: each adds a row (a case, a view, an exception, advice asked, a disagreement, an
    # invitation, a declared conflict) beside the case; the case's own edits carry its version.
    "case-start": "chooses the kind of a new case",
    "case-create": "opens a new case",
    "contribution-create": "adds a view entered on someone's behalf",
    "exception-create": "adds an exception to a clock",
    "advice-create": "asks for advice (a new request)",
    "advice-received": "records the date advice arrived: one fact, not an edit of others' answers",
    "dispute-create": "adds a disagreement, mediation or appeal",
    "invitation-create": "sends a new link",
    "invitation-revoke": "ends a link (revoking twice changes nothing)",
    "meeting-create": "plans a new meeting",
    "meeting-conflict": "adds a member's declared conflict to the meeting",
    # The secure-link journey: only the link's holder edits its draft, and the one submission is
    # checked under a row lock.
    "journey-need": "the link holder's own draft",
    "journey-about": "the link holder's own draft",
    "journey-check": "sends the draft once (under a row lock)",
}
VERSION_FIELDS = ("version", "row_version", "seen")


def test_every_form_that_changes_a_record_carries_its_version(found):
    """Optimistic locking: a form on a record two people can edit sends the version the page
    was made from (``core/locking.py``), so the second to save sees a conflict, not a silent
    overwrite. Found from the pages, like the fuzzing: a new edit form without one fails here."""
    missing = []
    for name, forms in found.items():
        row = MATRIX.get(name)
        if row is None or not set(row.kwargs.values()) - {"area"} or name in NOT_AN_EDIT:
            continue
        if "reset_uid" in row.kwargs.values():
            continue  # the reset link's own token is its guard
        for form in forms:
            if form.method != "POST" or form.htmx:
                continue
            if not any(f == v or f.endswith(f"-{v}") for f in form.fields for v in VERSION_FIELDS):
                missing.append(f"{form.key} (on {form.found_on}): fields {sorted(form.fields)}")
    assert not missing, (
        "These forms change a record but send no version (add VersionField / VersionedFormMixin, "
        "or list the endpoint in NOT_AN_EDIT with the reason):\n  " + "\n  ".join(missing)
    )
