"""Every other panel page, scanned by axe once per role that uses it, with JavaScript and
without (the page the server sends, as a browser with JavaScript off shows it): the caseworker's
forms, the panel member's meeting pages, the manager's consistency figures, the admin's panels,
a child's easy-read link and every page a link that no longer works shows (used, expired,
withdrawn, unknown, too many attempts). Each page checked here is also recorded for the checks
of test_every_page.py (reflow at 320 px, 200% zoom, text spacing, target size) in its own
JavaScript mode."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from panels import services
from panels.codes import AdviceService, CaseKind, CaseStatus
from panels.invitations import FAILURE_WINDOW, FAILURES_PER_CLIENT
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import complete_assessment
from tests.panels.factories import InvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_panel_pages_are_accessible(
    live_server,
    browser,
    page,
    check_a11y,
    caseworker,
    panel_member,
    manager,
    admin,
    child,
    framework,
):
    complete_assessment(child, caseworker, {"speech_language": 3}, default=0)
    assessment = services.case_open(
        child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=datetime.date.today()
    )
    advice = services.advice_request(
        assessment,
        service=AdviceService.EDUCATIONAL_PSYCHOLOGY,
        asked_on=datetime.date.today(),
        by=caseworker,
    )
    request_case = services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=datetime.date.today()
    )
    services.case_move(request_case, CaseStatus.REQUEST_READY, by=caseworker)
    new_request = services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=datetime.date.today()
    )
    panel = services.panel_save(
        child.authority, name="EHC panel", members=[panel_member, manager], by=admin
    )
    meeting = services.meeting_create(
        panel,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        location="Room 2",
        cases=[request_case],
        by=caseworker,
    )
    _, child_token = InvitationFactory.issue(assessment, by=caseworker, role="child")
    used, used_token = InvitationFactory.issue(assessment, by=caseworker, role="setting")
    used.submitted_at = timezone.now()
    used.save()
    _, expired_token = InvitationFactory.issue(
        assessment, by=caseworker, role="professional", expires_in_days=-1
    )
    revoked, revoked_token = InvitationFactory.issue(assessment, by=caseworker, role="parent")
    services.invitation_revoke(revoked, by=caseworker)

    tabs = {}

    def as_user(user):
        """The JavaScript tab (pytest-playwright's page) and a tab with JavaScript off, both
        signed in as ``user`` (or signed out, for ``None``)."""
        if "plain" in tabs:
            tabs["plain"].context.close()
        if tabs.get("user") is not None:
            page.goto(f"{live_server.url}/")
            page.get_by_role("button", name="Sign out").click()
        tabs["plain"] = browser.new_context(java_script_enabled=False).new_page()
        tabs["user"] = user
        if user is not None:
            for tab in (page, tabs["plain"]):
                sign_in(tab, live_server, user.email, PASSWORD)

    def visit(path, label, heading=None):
        """Check the page without JavaScript (axe scans the HTML the server sent, replayed in
        ``page``), then with it, leaving ``page`` on the live page."""
        for tab in (tabs["plain"], page):
            tab.goto(f"{live_server.url}{path}")
            if heading:
                expect(tab.get_by_role("heading", level=1)).to_contain_text(heading)
            if tab is page:
                check_a11y(page, label)
            else:
                check_a11y(page, f"{label}, no JavaScript", served_to=tab)

    try:
        # Without an account: a child's easy-read link, and each link that no longer works.
        as_user(None)
        visit(f"/views/{child_token}/", "child's link", "Tell us what you think")
        visit(f"/views/{child_token}/needs/1/", "child's question", "Speech")
        visit(f"/views/{child_token}/about/", "child: about you", "About you")
        visit(f"/views/{child_token}/check/", "child: check answers", "Check your answers")
        visit(f"/views/{used_token}/", "a used link", "This link has already been used")
        visit(f"/views/{expired_token}/", "an expired link", "This link has expired")
        visit(f"/views/{revoked_token}/", "a withdrawn link", "This link has been withdrawn")
        visit(f"/views/{'0' * 64}/", "an unknown link", "This link does not work")
        cache.set("panels:link-failures:127.0.0.1", FAILURES_PER_CLIENT, FAILURE_WINDOW)
        try:
            visit(f"/views/{'0' * 64}/", "a link after too many attempts", "Too many attempts")
        finally:
            cache.delete("panels:link-failures:127.0.0.1")

        as_user(caseworker)
        case = f"/cases/{assessment.pk}"
        visit(f"{case}/dates/", "record dates", "Record dates and details")
        visit(f"{case}/exceptions/new/", "record an exception", "Record an exception")
        page.get_by_role("button", name="Record the exception").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_a11y(page, "record an exception, with errors")
        visit(f"{case}/advice/new/", "ask for advice", "Ask for professional advice")
        visit(
            f"{case}/advice/{advice.pk}/received/",
            "advice received",
            "Record educational psychology advice received",
        )
        visit(f"{case}/disputes/new/", "record a dispute", "Record a mediation")
        visit(f"{case}/views/new/parent/", "enter a parent's view", "Enter the view")
        visit(f"{case}/evidence/", "evidence pack (assessment)", "Evidence pack")
        visit(f"/cases/{new_request.pk}/move/request_ready/", "send to panel", "Send to panel")
        visit("/meetings/", "meetings (caseworker)", "Panel meetings")

        as_user(panel_member)
        visit(f"/meetings/{meeting.pk}/attendance/", "attendance", "Who is at the meeting?")
        visit(f"/meetings/{meeting.pk}/conflicts/new/", "declare a conflict", "Declare a conflict")
        visit(f"/meetings/{meeting.pk}/cases/{request_case.pk}/decision/", "decision at a meeting")
        visit(f"/cases/{request_case.pk}/decision/", "decision from the case")

        as_user(manager)
        visit("/consistency/", "consistency", "Consistency of panel decisions")
        visit("/cases/?view=team&due=overdue", "team tray, overdue", "Everyone's cases")

        as_user(admin)
        visit("/panels/", "panels", "Panels")
        visit("/panels/new/", "add a panel", "Add a panel")
        visit(f"/panels/{panel.pk}/", "change a panel", "Change EHC panel")
    finally:
        if "plain" in tabs:
            tabs["plain"].context.close()
