"""A request for an EHC needs assessment from start to letter: the caseworker records it,
sends it to panel, the panel member decides with reasons, the caseworker sees the letter and
the clock stop. Once with JavaScript and once without; axe checks every page on the way."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def record_request(page, child, received: datetime.date):
    page.get_by_role("link", name=f"Open a case for {child.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What kind of case is it?")
    page.get_by_label("Request for an EHC needs assessment").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Day", exact=True).fill(str(received.day))
    page.get_by_label("Month", exact=True).fill(str(received.month))
    page.get_by_label("Year", exact=True).fill(str(received.year))
    page.get_by_label("Parent or carer").check()
    page.get_by_label("What is being asked (optional)").fill("Assessment of communication needs")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been opened")


def test_a_request_goes_to_panel_and_back_with_a_letter(
    live_server, page, browser, check_a11y, caseworker, panel_member, child
):
    received = datetime.date.today() - datetime.timedelta(days=30)
    due = received + datetime.timedelta(weeks=6)

    # 1. The caseworker records the request.
    sign_in(page, live_server, caseworker.email, PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    check_a11y(page, "child page with no cases")
    page.get_by_role("link", name="Open a case for Amy").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the kind of case")
    check_a11y(page, "kind of case with an error")
    page.get_by_label("Request for an EHC needs assessment").check()
    page.get_by_role("button", name="Continue").click()
    check_a11y(page, "record a request")
    page.get_by_label("Day", exact=True).fill(str(received.day))
    page.get_by_label("Month", exact=True).fill(str(received.month))
    page.get_by_label("Year", exact=True).fill(str(received.year))
    page.get_by_label("Parent or carer").check()
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for an EHC needs assessment")
    expect(page.locator("main")).to_contain_text(f"Decide whether to assess by {due.day}")
    check_a11y(page, "case page")
    case_url = page.url

    # The work tray shows it, sorted by its deadline; a bad filter value is explained.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My cases")
    expect(page.locator("table")).to_contain_text("Decide whether to assess")
    check_a11y(page, "work tray")
    page.get_by_role("button", name="Child").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Child")
    page.goto(f"{live_server.url}/cases/?kind=nonsense")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select a kind of case from the list"
    )
    check_a11y(page, "work tray with a bad filter")

    # Record dates, then send it to panel.
    page.goto(case_url)
    page.get_by_role("link", name="Record dates and details").click()
    check_a11y(page, "record dates")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Send to panel").click()
    check_a11y(page, "send to panel")
    page.get_by_role("button", name="Send to panel").click()
    expect(page.locator("main")).to_contain_text("Ready for panel")
    sign_out(page)

    # 2. The panel member decides, with reasons (which are required).
    sign_in(page, live_server, panel_member.email, PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Everyone's cases")
    page.get_by_role("link", name=re.compile(r"^AR-\d+$")).click()
    page.get_by_role("button", name="Record the panel's decision").click()
    check_a11y(page, "decision form")
    page.get_by_label("Decline").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Give the reasons for the decision"
    )
    check_a11y(page, "decision form with an error")
    page.get_by_label("Decline").check()
    page.get_by_label("Reasons for the decision").fill(
        "The school's evidence shows needs met at SEN support with a speech and language plan."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The decision has been recorded: decline"
    )
    sign_out(page)

    # 3. The caseworker sees the clock stopped and reads the letter.
    sign_in(page, live_server, caseworker.email, PASSWORD)
    page.goto(case_url)
    expect(page.locator("main")).to_contain_text("This case is closed: decided not to assess")
    expect(page.locator("main")).to_contain_text("Deadlines already met or missed")
    check_a11y(page, "closed case")
    page.get_by_role(
        "link", name="We will not carry out an education, health and care needs assessment"
    ).click()
    expect(page.locator(".app-letter")).to_contain_text("The last day to appeal to the tribunal")
    check_a11y(page, "decision letter")

    # The same journey without JavaScript: plain forms and links all the way.
    no_js = browser.new_context(java_script_enabled=False)
    try:
        plain = no_js.new_page()
        sign_in(plain, live_server, caseworker.email, PASSWORD)
        plain.goto(f"{live_server.url}/children/{child.pk}/")
        record_request(plain, child, received)
        check_a11y(page, "case page, no JavaScript", served_to=plain)
        plain.get_by_role("button", name="Send to panel").click()
        plain.get_by_role("button", name="Send to panel").click()
        expect(plain.locator("main")).to_contain_text("Ready for panel")
        plain.goto(f"{live_server.url}/cases/?view=team&sort=-due")
        check_a11y(page, "work tray, no JavaScript", served_to=plain)
        plain.get_by_role("button", name="Next deadline").click()
        expect(plain.locator("th[aria-sort=ascending]")).to_contain_text("Next deadline")
        sign_out(plain)
        sign_in(plain, live_server, panel_member.email, PASSWORD)
        plain.goto(f"{live_server.url}/cases/")
        plain.get_by_role("link", name=re.compile(r"^AR-\d+$")).last.click()
        plain.get_by_role("button", name="Record the panel's decision").click()
        plain.get_by_label("Agree").check()
        plain.get_by_label("Reasons for the decision").fill("Needs may exceed SEN support.")
        plain.get_by_role("button", name="Record the decision").click()
        expect(plain.locator("main")).to_contain_text("Agreed to assess")
        check_a11y(page, "agreed request, no JavaScript", served_to=plain)
        sign_out(plain)
        sign_in(plain, live_server, caseworker.email, PASSWORD)
        plain.goto(f"{live_server.url}/cases/")
        # The assessment that follows is open on the same 20-week clock.
        expect(plain.locator("table")).to_contain_text("Decision to issue")
        plain.get_by_role("link", name=re.compile(r"^EA-\d+$")).click()
        expect(plain.locator("main")).to_contain_text("Tell the family if no plan will be issued")
        check_a11y(page, "assessment case, no JavaScript", served_to=plain)
    finally:
        no_js.close()
