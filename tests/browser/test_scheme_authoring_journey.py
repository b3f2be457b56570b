"""An admin writes a banding scheme from the template, fixes the two problems the check finds,
tries it on three profiles; a manager then replays the caseload under it against the active
rules. axe on every page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import ChildFactory, complete_assessment

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_writes_checks_and_a_manager_replays_a_scheme(
    live_server,
    page,
    check_a11y,
    admin,
    manager,
    caseworker,
    child,
    oakfield,
    authority_a,
    rule_sets,
):
    complete_assessment(child, caseworker, {"speech_language": 3})
    for index, level in enumerate((2, 3, 4)):
        other = ChildFactory(
            authority=authority_a, last_name=f"Pupil{index}", current_setting=oakfield
        )
        complete_assessment(other, caseworker, {"social_communication": level, "hearing": level})

    # The admin starts from the template, with the scheme's own id and name and two mistakes:
    # a misspelt domain and two bands that overlap.
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rule sets").click()
    page.get_by_role("button", name="Write a new scheme").click()
    check_a11y(page, "write a new scheme")
    box = page.get_by_label("Rules (YAML)")
    template = box.input_value()
    assert template.startswith("# A banding scheme for Valuing SEND")
    ours = template.replace("id: my-council-banding", "id: northshire-2026").replace(
        "name: My council's banding scheme", "name: Northshire banding"
    )
    mistaken = ours.replace("{code: hearing,", "{code: heering,").replace(
        "{name: Band 2, min_points: 15,", "{name: Band 2, min_points: 12,"
    )
    box.fill(mistaken)
    page.get_by_role("button", name="Check and save the draft").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem: nothing was saved")
    expect(summary).to_contain_text(
        "'heering' is not a domain of the needs framework: did you mean 'hearing' (Hearing)?"
    )
    expect(summary).to_contain_text("Band 1 (6–14) overlaps Band 2 (12–27)")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link").first).to_contain_text("Line ")
    check_a11y(page, "new scheme with two problems")

    page.get_by_label("Rules (YAML)").fill(ours)
    page.get_by_role("button", name="Check and save the draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Northshire banding 2026-27 has been checked and saved as a draft"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northshire banding 2026-27")
    expect(page.locator("main")).to_contain_text("Band 3 – Targeted plus")
    check_a11y(page, "the new scheme")

    # Three profiles, as the council's own worked examples would be.
    page.get_by_role("button", name="Check this scheme").click()
    check_a11y(page, "check this scheme")

    def profile(number):
        return page.locator("fieldset", has=page.get_by_text(f"Profile {number}", exact=True))

    first = profile(1)
    first.get_by_label("Speech, language and communication").select_option("2")
    first.get_by_label("Social communication and interaction").select_option("2")
    first.get_by_label("Type of setting").select_option("mainstream")
    second = profile(2)
    for name in ("Speech, language and communication", "General learning"):
        second.get_by_label(name).select_option("4")
    second.get_by_label("Behaviour and self-regulation").select_option("4")
    second.get_by_label("Type of setting").select_option("state_special")
    third = profile(3)
    for name in (
        "Speech, language and communication",
        "Social communication and interaction",
        "General learning",
        "Specific learning difficulties",
        "Emotional wellbeing and mental health",
    ):
        third.get_by_label(name).select_option("4")
    page.get_by_role("button", name="Check the profiles").click()
    results = page.locator("#check-results")
    # 3 + 3 = 6 points: Band 1, £1,500 a year in any setting.
    expect(results.get_by_role("row").nth(1)).to_contain_text("Band 1 (6–14 points)")
    expect(results.get_by_role("row").nth(1)).to_contain_text("£1,500 a year")
    # 10 + 10 + 10 = 30: Band 3 – Targeted plus, £16,000 a year at a special school.
    expect(results.get_by_role("row").nth(2)).to_contain_text("Band 3 – Targeted plus")
    expect(results.get_by_role("row").nth(2)).to_contain_text("£16,000 a year")
    # Five at 4: 50 points, above the top band's 45.
    expect(results.get_by_role("row").nth(3)).to_contain_text("Above the scheme's range")
    expect(results.get_by_role("row").nth(3)).to_contain_text("agreed individually; refer to panel")
    check_a11y(page, "check this scheme, three profiles")

    # A manager replays the caseload under it, against the active rules.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, manager.email, PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rule sets").click()
    page.get_by_role("link", name="Northshire banding").click()
    page.get_by_role("button", name="Replay the caseload").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Northshire banding 2026-27 compared with Valuing SEND default 2025.3"
    )
    main = page.locator("main")
    expect(main).to_contain_text("Top-up a year")
    expect(main).to_contain_text("Above the scheme's range")
    expect(main).to_contain_text("Bands under this version (Northshire banding 2026-27)")
    expect(main).to_contain_text("Band 3 – Targeted plus")
    check_a11y(page, "replay of the new scheme")
