"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against
Django's live server, with axe-core checking every page a journey visits."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.2 A and AA rules (axe tags).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail(
            "Debian's chromium is not installed: scripts/install_system_packages.sh installs it"
        )
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def check_a11y(axe):
    """``check_a11y(page)``: fail with axe's report if the page has any violation."""
    scanned = []

    def check(page, label=None, *, served_to=None):
        """Scan ``page``; or, with ``served_to`` (a page in a context with JavaScript off, where
        axe cannot run), scan exactly the HTML the server sent it, replayed at its own address
        in ``page`` so the same static files load."""
        if served_to is not None:
            url, html = served_to.url, served_to.content()
            page.route(
                url,
                lambda route: route.fulfill(
                    status=200, content_type="text/html; charset=utf-8", body=html
                ),
            )
            page.goto(url)
            page.unroute(url)
        results = axe.run(page, options=AXE_OPTIONS)
        scanned.append(label or page.url)
        assert results.violations_count == 0, (
            f"axe violations on {label or page.url}:\n{results.generate_report()}"
        )

    check.scanned = scanned
    return check


def sign_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
