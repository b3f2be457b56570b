"""A manager replays the caseload under a draft rule set an admin prepared, reads what would
change, drills into the children who move and downloads them. axe on every page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments import rulesets
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import ChildFactory, complete_assessment

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_replays_a_draft_rule_set(
    live_server,
    page,
    check_a11y,
    manager,
    admin,
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
        complete_assessment(other, caseworker, {"social_communication": level})
    draft = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    rulesets.ruleset_update_points(draft, [0, 2, 6, 12, 20], by=admin)

    sign_in(page, live_server, manager.email, PASSWORD)
    expect(page.locator("main")).to_contain_text("Could be prevented, reduced or delayed")
    check_a11y(page, "manager home")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rule sets").click()
    page.get_by_role("link", name="Valuing SEND default").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025.3-draft-1")
    check_a11y(page, "draft rule set, manager")
    page.get_by_role("button", name="Replay the caseload").click()
    # Tasks run in-process in the live server (the suite's worker tests cover Redis).
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "compared with Valuing SEND default 2025.3"
    )
    expect(page.locator(".app-figure__value").first).not_to_have_text("0")
    expect(page.get_by_role("table").first).to_contain_text("Targeted plus")
    check_a11y(page, "replay results")
    page.get_by_role("link", name="See the children whose recommendation changes").click()
    expect(page.get_by_role("table")).to_contain_text("→")
    check_a11y(page, "replay changes")
    page.get_by_role("link", name="Back to the replay").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download them as CSV").click()
    assert download.value.suggested_filename.endswith("-changes.csv")
    assert (
        Path(download.value.path())
        .read_text()
        .startswith("child_id,first_name,last_name,upn,tier_before")
    )
