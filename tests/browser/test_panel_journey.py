"""The panel journey of issue 18, end to end, once with JavaScript and once without:

1. the caseworker records a request for an EHC needs assessment;
2. the caseworker invites a parent and the school through secure links;
3. the parent gives their views through the link, without signing in;
4. the school gives its view;
5. the panel member opens the agenda and the evidence pack and records a decision with reasons;
6. the caseworker sees the letter and the clock stop.

axe checks every page on the way (pages of the run without JavaScript are scanned as the
server sent them)."""

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from panels import services
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import complete_assessment

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def _fill_date(page, day: datetime.date):
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))


def _link_for(email_address: str) -> str:
    email = next(m for m in reversed(mail.outbox) if m.to == [email_address])
    return re.search(r"http\S+?(/views/[0-9a-f]{64}/)", email.body).group(1)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_request_views_panel_decision_and_letter(
    javascript,
    live_server,
    browser,
    page,
    check_a11y,
    caseworker,
    panel_member,
    manager,
    child,
    framework,
):
    complete_assessment(
        child, caseworker, {"speech_language": 3, "specific_learning": 2}, default=0
    )
    services.panel_save(
        child.authority, name="EHC panel", members=[panel_member, manager], by=caseworker
    )
    context = browser.new_context(java_script_enabled=javascript)
    tab = context.new_page()

    def scan(label):
        if javascript:
            check_a11y(tab, label)
        else:
            check_a11y(page, f"{label}, no JavaScript", served_to=tab)

    def live(path):
        return tab.goto(f"{live_server.url}{path}")

    received = datetime.date.today() - datetime.timedelta(days=30)
    try:
        # 1. The caseworker records the request.
        sign_in(tab, live_server, caseworker.email, PASSWORD)
        live(f"/children/{child.pk}/")
        tab.get_by_role("link", name="Open a case for Amy").click()
        tab.get_by_role("button", name="Continue").click()
        expect(tab.locator(".govuk-error-summary")).to_contain_text("Select the kind of case")
        scan("kind of case with an error")
        tab.get_by_label("Request for an EHC needs assessment").check()
        tab.get_by_role("button", name="Continue").click()
        scan("record a request")
        _fill_date(tab, received)
        tab.get_by_label("Parent or carer").check()
        tab.get_by_role("button", name="Open the case").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text(
            "Request for an EHC needs assessment"
        )
        due = received + datetime.timedelta(weeks=6)
        expect(tab.locator("main")).to_contain_text(
            f"Decide whether to assess by {due.day} {due:%B %Y}"
        )
        scan("case page")
        case_url = tab.url

        # 2. Invite the parent and the school.
        for role, name, email in (
            ("Parent or carer", "Mrs Jones", "mum@example.org"),
            ("School, college or setting", "Ms Khan (SENCo)", "senco@example.org"),
        ):
            tab.get_by_role("link", name="Invite someone to give their view").click()
            tab.get_by_label(role, exact=True).check()
            tab.get_by_label("Their name").fill(name)
            tab.get_by_label("Their email address").fill(email)
            if role == "Parent or carer":
                scan("invite someone")
            tab.get_by_role("button", name="Send the link").click()
            expect(tab.locator(".govuk-notification-banner--success")).to_contain_text(
                f"A secure link has been emailed to {name}"
            )
        _sign_out(tab)

        # 3. The parent, with no account.
        live(_link_for("mum@example.org"))
        expect(tab.locator("main")).to_contain_text("What we understand about Amy's needs")
        scan("parent's link")
        tab.get_by_role("button", name="Start").click()
        tab.get_by_role("button", name="Save and continue").click()
        expect(tab.locator(".govuk-error-summary")).to_contain_text("Select an answer")
        scan("parent: a need, with an error")
        tab.get_by_label("Severe and complex needs, with a high level of specialist help").check()
        tab.get_by_label("If you see it differently, why? (optional)").fill(
            "At home he cannot make himself understood"
        )
        tab.get_by_role("button", name="Save and continue").click()
        tab.get_by_label("Needs some extra, planned help").check()
        tab.get_by_role("button", name="Save and continue").click()
        tab.get_by_label("What works well for them?").fill("Visual timetables")
        tab.get_by_label("What are your hopes for them?").fill("The local secondary school")
        scan("parent: in your words")
        tab.get_by_role("button", name="Save and continue").click()
        expect(tab.locator("main")).to_contain_text("At home he cannot make himself understood")
        scan("parent: check answers")
        tab.get_by_role("button", name="Send my answers").click()
        expect(tab.locator(".govuk-panel__title")).to_have_text("Your answers have been sent")
        scan("parent: sent")

        # 4. The school.
        live(_link_for("senco@example.org"))
        expect(tab.get_by_role("heading", level=1)).to_have_text("Give your setting's view")
        tab.get_by_role("button", name="Start").click()
        tab.get_by_label("The help every school gives meets this need").check()
        tab.get_by_role("button", name="Save and continue").click()
        tab.get_by_label("Needs some extra, planned help").check()
        tab.get_by_role("button", name="Save and continue").click()
        tab.get_by_label("What can the setting provide?").fill("Daily speech group")
        tab.get_by_role("button", name="Save and continue").click()
        tab.get_by_role("button", name="Send my answers").click()
        expect(tab.locator(".govuk-panel__title")).to_have_text("Your answers have been sent")

        # The caseworker sends the case to panel and plans the meeting.
        sign_in(tab, live_server, caseworker.email, PASSWORD)
        tab.goto(case_url)
        expect(tab.locator("main")).to_contain_text("answered")
        tab.get_by_role("button", name="Send to panel").click()
        tab.get_by_role("button", name="Send to panel").click()
        expect(tab.locator("main")).to_contain_text("Ready for panel")
        live("/meetings/new/")
        tab.get_by_label("Panel", exact=True).select_option(label="EHC panel")
        _fill_date(tab, datetime.date.today() + datetime.timedelta(days=1))
        scan("plan a meeting")
        tab.get_by_role("button", name="Plan the meeting").click()
        expect(tab.locator("main")).to_contain_text("Agenda")
        meeting_url = tab.url
        _sign_out(tab)

        # 5. The panel member: agenda, evidence pack, decision with reasons.
        sign_in(tab, live_server, panel_member.email, PASSWORD)
        tab.goto(meeting_url)
        scan("meeting agenda")
        tab.get_by_role("link", name=re.compile(r"^AR-\d+\s*: evidence pack$")).click()
        expect(tab.locator("main")).to_contain_text(
            "Views differ by 2 levels or more on: speech, language and communication"
        )
        expect(tab.locator("main")).to_contain_text("Daily speech group")
        scan("evidence pack")
        tab.goto(meeting_url)
        tab.get_by_role("link", name=re.compile(r"^Record the decision")).click()
        tab.get_by_label("Decline").check()
        tab.get_by_role("button", name="Record the decision").click()
        expect(tab.locator(".govuk-error-summary")).to_contain_text(
            "Give the reasons for the decision"
        )
        scan("decision with an error")
        tab.get_by_label("Decline").check()
        tab.get_by_label("Reasons for the decision").fill(
            "The school's evidence shows needs met at SEN support with a speech plan."
        )
        tab.get_by_role("button", name="Record the decision").click()
        expect(tab.locator(".govuk-notification-banner--success")).to_contain_text(
            "The decision has been recorded: decline"
        )
        _sign_out(tab)

        # 6. The caseworker sees the clock stopped and reads the letter.
        sign_in(tab, live_server, caseworker.email, PASSWORD)
        tab.goto(case_url)
        expect(tab.locator("main")).to_contain_text("This case is closed: decided not to assess")
        expect(tab.locator("main")).to_contain_text("Deadlines already met or missed")
        scan("closed case")
        tab.get_by_role(
            "link", name="We will not carry out an education, health and care needs assessment"
        ).click()
        expect(tab.locator(".app-letter")).to_contain_text("The last day to appeal to the tribunal")
        scan("decision letter")
        live("/cases/")
        scan("work tray")
    finally:
        context.close()
