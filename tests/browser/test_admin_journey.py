"""An authority admin keeps the settings register up to date and prepares a new rule set:
adds a setting and what it can meet, copies the default rules into a draft, edits points and
bands (a mistake first), previews it on recent cases and activates it. axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, complete_assessment
from valuing_send.authorities.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_maintains_register_and_rule_sets(
    live_server, page, check_a11y, admin, caseworker, child, framework, authority_b
):
    complete_assessment(child, caseworker, {"speech_language": 3})
    MembershipFactory(user=admin, authority=authority_b, role=Role.CASEWORKER)

    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which authority do you want to work in?"
    )
    check_a11y(page, "choose authority")
    page.get_by_label("Northshire County Council").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-generic-header")).to_contain_text("Northshire County Council")

    # Settings register
    nav = page.get_by_role("navigation", name="Menu")
    nav.get_by_role("link", name="Settings register").click()
    expect(page.get_by_role("table")).to_contain_text("Oakfield Primary School")
    check_a11y(page, "settings register")
    page.get_by_role("button", name="Add a setting").click()
    page.get_by_label("Name").fill("Meadow Academy")
    page.get_by_label("URN (optional)").fill("12345")
    page.get_by_role("button", name="Add setting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the 6-digit unique reference number (URN)"
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the phase")
    check_a11y(page, "add setting with errors")
    page.get_by_label("URN (optional)").fill("145678")
    page.get_by_label("Secondary").check()
    page.get_by_label("Mainstream with resourced provision or SEN unit").check()
    page.get_by_role("button", name="Add setting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What can the setting ordinarily meet?"
    )
    check_a11y(page, "capabilities form")
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label(re.compile("^Up to level 2")).check()
    page.locator("fieldset", has_text="Hearing").get_by_label(re.compile("^Up to level 4")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "What Meadow Academy can meet has been saved"
    )
    # (11 × 2 + 4) / 48 = 54%
    expect(page.locator(".app-figure__value").first).to_have_text("54%")
    check_a11y(page, "setting page")

    # Rule sets
    nav.get_by_role("link", name="Rule sets").click()
    check_a11y(page, "rule sets")
    page.get_by_role("link", name="Valuing SEND default").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valuing SEND default 2025.3")
    check_a11y(page, "rule set detail")
    page.get_by_role("button", name="Copy to a new draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Draft 2025.3-draft-1 has been made"
    )
    page.get_by_role("button", name="Edit points, bands and amounts").click()
    check_a11y(page, "edit points, bands and amounts")
    page.get_by_label("Band 2: points from").fill("8")
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Band 1 (6–9) overlaps Band 2 (8–14)"
    )
    check_a11y(page, "edit points, bands and amounts with problems")
    page.get_by_label("Band 2: points from").fill("10")
    page.get_by_label("Points for level 3").fill("8")
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The scheme has been checked and saved"
    )
    page.get_by_role("button", name="Edit as YAML or upload").click()
    check_a11y(page, "edit as YAML")
    page.get_by_label("Rules (YAML)").fill("schema_version: 2\nid: valuing-send-default\n")
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("name: ")
    check_a11y(page, "edit as YAML with problems")
    page.get_by_role("link", name="Back to the rule set").click()
    page.get_by_role("button", name="Preview on recent cases").click()
    expect(page.get_by_role("table")).to_contain_text("Amy Jones")
    check_a11y(page, "preview")
    page.get_by_role("link", name="Back to the rule set").click()
    page.get_by_role("button", name="Activate 2025.3-draft-1").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "is now the active rule set"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
