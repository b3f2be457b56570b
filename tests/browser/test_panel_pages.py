"""Every other panel page, scanned by axe once per role that uses it: the caseworker's forms,
the panel member's meeting pages, the manager's consistency figures, the admin's panels, a
child's easy-read link and the page a used link shows."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from panels import services
from panels.codes import CaseKind, CaseStatus
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import complete_assessment
from tests.panels.factories import InvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_panel_pages_are_accessible(
    live_server, page, check_a11y, caseworker, panel_member, manager, admin, child, framework
):
    complete_assessment(child, caseworker, {"speech_language": 3}, default=0)
    assessment = services.case_open(
        child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=datetime.date.today()
    )
    request_case = services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=datetime.date.today()
    )
    services.case_move(request_case, CaseStatus.REQUEST_READY, by=caseworker)
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

    def visit(path, label, heading=None):
        page.goto(f"{live_server.url}{path}")
        if heading:
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check_a11y(page, label)

    # Without an account: a child's easy-read link, and a link already used.
    visit(f"/views/{child_token}/", "child's link", "Tell us what you think")
    visit(f"/views/{child_token}/needs/1/", "child's question", "Speech")
    visit(f"/views/{child_token}/about/", "child: about you", "About you")
    visit(f"/views/{used_token}/", "a used link", "This link has already been used")

    sign_in(page, live_server, caseworker.email, PASSWORD)
    case = f"/cases/{assessment.pk}"
    visit(f"{case}/dates/", "record dates", "Record dates and details")
    visit(f"{case}/exceptions/new/", "record an exception", "Record an exception")
    page.get_by_role("button", name="Record the exception").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_a11y(page, "record an exception, with errors")
    visit(f"{case}/advice/new/", "ask for advice", "Ask for professional advice")
    visit(f"{case}/disputes/new/", "record a dispute", "Record a mediation")
    visit(f"{case}/views/new/parent/", "enter a parent's view", "Enter the view")
    visit(f"{case}/evidence/", "evidence pack (assessment)", "Evidence pack")
    visit("/meetings/", "meetings (caseworker)", "Panel meetings")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, panel_member.email, PASSWORD)
    visit(f"/meetings/{meeting.pk}/attendance/", "attendance", "Who is at the meeting?")
    visit(f"/meetings/{meeting.pk}/conflicts/new/", "declare a conflict", "Declare a conflict")
    visit(f"/meetings/{meeting.pk}/cases/{request_case.pk}/decision/", "decision at a meeting")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, manager.email, PASSWORD)
    visit("/consistency/", "consistency", "Consistency of panel decisions")
    visit("/cases/?view=team&due=overdue", "team tray, overdue", "Everyone's cases")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, admin.email, PASSWORD)
    visit("/panels/", "panels", "Panels")
    visit(f"/panels/{panel.pk}/", "change a panel", "Change EHC panel")
