"""A caseworker finds a child and completes a needs assessment twice: once with JavaScript
(htmx saves each domain as it changes) and once without (plain forms), then reads the radar
chart and what changed. axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def answer_domain(page, code, level, *, evidence="Seen in class and in the SENCo's report"):
    page.locator(f"#id_{code}-level_{level}").check()
    if level >= 1:
        page.locator(f"#id_{code}-setting_ability_2").check()
        page.locator(f"#id_{code}-family_capacity_2").check()
    if level >= 2:
        page.locator(f"#id_{code}-evidence").fill(evidence)
        page.locator(f"#id_{code}-source_0").check()


def test_caseworker_completes_needs_profiles_with_and_without_javascript(
    live_server, page, browser, check_a11y, caseworker, child, framework
):
    # Find the child (JavaScript on: the filter form updates the results in place).
    sign_in(page, live_server, caseworker.email, PASSWORD)
    expect(page.locator("main")).to_contain_text("Needs assessments in progress")
    check_a11y(page, "caseworker home")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Children")
    check_a11y(page, "children list")
    page.get_by_role("button", name="Add a child").click()
    page.get_by_role("button", name="Add child").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the child's first name")
    check_a11y(page, "add a child with errors")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Taylor")
    page.get_by_label("Day").first.fill("14")
    page.get_by_label("Month").first.fill("6")
    page.get_by_label("Year").first.fill("2016")
    page.get_by_label("Unique pupil number (UPN) (optional)").fill("A801200005001")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("SEN support", exact=True).check()
    page.get_by_label("Primary type of need").select_option("ASD")
    page.get_by_role("button", name="Add child").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The UPN check letter does not match"
    )
    page.get_by_label("Unique pupil number (UPN) (optional)").fill("")
    page.get_by_role("button", name="Add child").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Sam Taylor has been added"
    )
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    page.get_by_label("Search by name, UPN or date of birth").fill("jones")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#result-count")).to_contain_text("1 child")
    page.get_by_role("link", name="Jones, Amy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amy Jones")
    check_a11y(page, "child page, no assessment")

    # First assessment, with JavaScript.
    page.get_by_role("button", name="Start a needs assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What is being asked for at this assessment?"
    )
    check_a11y(page, "what is asked for")
    page.get_by_label("EHC needs assessment").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Communication and interaction")
    check_a11y(page, "area page")
    answer_domain(page, "speech_language", 2)
    # htmx saved the domain as it changed, without leaving the page.
    expect(page.locator("#speech_language-status")).to_contain_text("Saved at")
    answer_domain(page, "social_communication", 1)
    page.get_by_role("button", name="Save and continue").click()

    for heading in (
        "Cognition and learning",
        "Social, emotional and mental health",
        "Sensory and physical",
        "Independence and adulthood",
    ):
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        for code in page.locator(".app-domain").evaluate_all("els => els.map(e => e.id)"):
            answer_domain(page, code, 1)
        if heading == "Sensory and physical":
            page.get_by_role("button", name="Save and continue").click()
            continue
        check_a11y(page, f"area {heading}")
        page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before completing the assessment"
    )
    expect(page.locator("main")).to_contain_text("Level 2: Targeted SEN support")
    check_a11y(page, "check answers")
    page.get_by_role("button", name="Complete assessment").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The needs assessment is complete"
    )
    expect(page.locator("svg.app-radar__svg")).to_be_visible()
    check_a11y(page, "needs profile summary")
    page.get_by_role("link", name="Record a different decision").click()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for the decision"
    )
    check_a11y(page, "override with errors")
    page.get_by_label("SEN support", exact=True).check()
    page.get_by_label("Why does the decision differ from the recommendation?").fill(
        "The school's own provision is improving; review at the next term."
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Decision recorded by Casey Worker")
    page.get_by_role("link", name="What the family will see").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What we understand about Amy's needs"
    )
    check_a11y(page, "family view")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Needs framework").click()
    check_a11y(page, "needs framework")

    # Second assessment, without JavaScript: plain forms and post/redirect/get.
    no_js = browser.new_context(java_script_enabled=False)
    plain = no_js.new_page()
    try:
        sign_in(plain, live_server, caseworker.email, PASSWORD)
        plain.goto(f"{live_server.url}/children/?q=amy")
        plain.get_by_role("link", name="Jones, Amy").click()
        plain.get_by_role("button", name="Start a new needs assessment").click()
        # Answers already given are not asked for again (WCAG 3.3.7): the new assessment
        # starts from the last one's.
        expect(plain.get_by_label("EHC needs assessment", exact=True)).to_be_checked()
        plain.get_by_role("button", name="Continue").click()
        expect(plain.locator("#id_speech_language-level_2")).to_be_checked()
        expect(plain.locator("#id_speech_language-evidence")).to_have_value(
            "Seen in class and in the SENCo's report"
        )
        # Leaving a level-3 need without evidence is an error the page explains.
        plain.locator("#id_speech_language-level_3").check()
        plain.locator("#id_speech_language-evidence").fill("")
        plain.get_by_role("button", name="Save and continue").click()
        expect(plain.get_by_role("heading", level=1)).to_have_text("Cognition and learning")
        for _ in range(4):  # cognition, SEMH, sensory, independence: answers copied from the first
            plain.get_by_role("button", name="Save and continue").click()
        plain.get_by_role("button", name="Complete assessment").click()
        expect(plain.locator(".govuk-error-summary")).to_contain_text(
            "Enter the evidence for the speech, language and communication level"
        )
        check_a11y(page, "check answers with errors, no JavaScript", served_to=plain)
        plain.get_by_role("link", name=re.compile("Enter the evidence for the speech")).click()
        expect(plain).to_have_url(
            re.compile(r"/areas/communication_interaction/#id_speech_language-evidence$")
        )
        plain.locator("#id_speech_language-evidence").fill(
            "Speech and language therapist's report, October"
        )
        plain.get_by_role("button", name="Save and continue").click()
        plain.goto(plain.url.replace("/areas/cognition_learning/", "/check/"))
        plain.get_by_role("button", name="Complete assessment").click()
        expect(plain.locator(".govuk-notification-banner--success")).to_contain_text(
            "The needs assessment is complete"
        )
        expect(plain.locator("main")).to_contain_text(
            "Speech, language and communication rose from level 2 to 3"
        )
        expect(plain.get_by_role("table").first).to_contain_text(
            "Speech, language and communication"
        )
        check_a11y(page, "needs profile summary, no JavaScript", served_to=plain)
        plain.get_by_role("link", name=re.compile("Back to Amy Jones")).click()
        expect(plain.locator("main")).to_contain_text("Superseded")
        check_a11y(page, "child page with history", served_to=plain)
    finally:
        no_js.close()
    assert CHROMIUM_ARGS  # the no-JavaScript context ran in the same Debian Chromium
