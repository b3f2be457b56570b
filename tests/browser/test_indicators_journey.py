"""A manager reads the dashboard, a question group, an indicator and the children behind it,
the Valuing SEND headline, the ambitions and the projection, then compares authorities and
reweights the ranking; an admin sees the figures but not the children. axe on every page, with
and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.indicators.conftest import FINAL, hand_built, published_small  # noqa: F401 - fixtures
from valuing_send.indicators import snapshots
from valuing_send.indicators.models import SnapshotTrigger

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def figures(hand_built, published_small, authority_a):  # noqa: F811
    snapshots.snapshot_period(authority_a, FINAL, trigger=SnapshotTrigger.MANUAL)


def test_manager_reads_the_indicators(live_server, page, browser, check_a11y, manager, figures):
    read = {}  # every page read with JavaScript, by label: read again without it below

    def scan(label):
        check_a11y(page, label)
        read[label] = page.url

    sign_in(page, live_server, manager.email, PASSWORD)
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Indicators").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the local system is doing")
    expect(page.locator("main")).to_contain_text("Northshire (DfE): 1,100")
    scan("dashboard")
    page.get_by_role(
        "link", name="Independence and inclusion: every indicator, its trend and breakdowns"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Independence and inclusion")
    scan("question group")
    page.get_by_role(
        "link",
        name=re.compile(
            "Definition, breakdowns and the children behind “EHC plans in mainstream schools”"
        ),
    ).click()
    expect(page.locator("main")).to_contain_text("“Total percentage mainstream schools”")
    scan("indicator")
    page.get_by_role(
        "link", name=re.compile("the children counted in EHC plans in mainstream schools")
    ).click()
    expect(page.get_by_role("table")).to_contain_text("Amy Handbuilt")
    scan("children behind a figure")
    page.goto(f"{live_server.url}/indicators/valuing-send/")
    expect(page.locator("main")).to_contain_text("of the 4 cases where more is held or asked for")
    scan("Valuing SEND headline")
    page.goto(f"{live_server.url}/indicators/ambitions/")
    scan("ambitions")
    page.get_by_role("link", name="Set a target for EHC plans in mainstream schools").click()
    page.get_by_label("Target", exact=True).fill("abc")
    page.get_by_role("button", name="Save the target").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_a11y(page, "target form with an error")
    read["target form"] = page.url
    page.get_by_label("Target", exact=True).fill("30")
    page.get_by_role("button", name="Save the target").click()
    expect(page.locator("main")).to_contain_text("met")
    page.goto(f"{live_server.url}/indicators/projection/")
    scan("projection")
    menu.get_by_role("link", name="National comparison").click()
    page.get_by_role("link", name=re.compile("^In mainstream schools")).click()
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("In mainstream schools")
    scan("every authority, sorted")
    page.goto(f"{live_server.url}/national/ranking/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    scan("ranking")
    page.goto(read["every authority, sorted"])
    page.get_by_role("link", name="Southshire").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Southshire")
    scan("authority page")

    # Without JavaScript: the same pages are plain links and GET forms; every page read above
    # is checked again as the server sends it.
    no_js = browser.new_context(java_script_enabled=False)
    plain = no_js.new_page()
    try:
        sign_in(plain, live_server, manager.email, PASSWORD)
        plain.goto(f"{live_server.url}/indicators/")
        expect(plain.locator("main")).to_contain_text("England: 638,745")
        plain.goto(f"{live_server.url}/national/ranking/")
        plain.get_by_label("EHC plans in mainstream schools").fill("10")
        plain.get_by_role("button", name="Rank with these weights").click()
        expect(plain.locator("main")).to_contain_text("(default 3)")
        check_a11y(page, "ranking with changed weights, no JavaScript", served_to=plain)
        for label, url in read.items():
            plain.goto(url)
            check_a11y(page, f"{label}, no JavaScript", served_to=plain)
    finally:
        no_js.close()


def test_admin_sees_figures_but_not_children(live_server, page, check_a11y, admin, figures):
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Indicators").click()
    expect(page.locator("main")).to_contain_text("EHC plans in mainstream schools")
    expect(page.get_by_role("link", name=re.compile("the children counted"))).to_have_count(0)
    check_a11y(page, "dashboard, admin")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="National comparison"
    ).click()
    check_a11y(page, "every authority, admin")
