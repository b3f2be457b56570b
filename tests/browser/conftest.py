"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against
Django's live server, with axe-core checking every page a journey visits. Every page checked
is also recorded, and ``test_every_page.py`` (run after the journeys) checks all of them for
what axe cannot see: reflow at 320 px, target size, text spacing and zoom, titles."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.wcag import PageRecorder

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
    # Checks over the pages the journeys recorded run after every journey.
    items.sort(key=lambda item: item.get_closest_marker("after_journeys") is not None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail(
            "Debian's chromium is not installed: scripts/install_system_packages.sh installs it"
        )
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test if a script on it throws: a broken
    enhancement (htmx, GOV.UK Frontend, our own JS) is otherwise silent."""
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    yield page
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture(scope="session")
def page_recorder():
    """Every page the session's journeys checked, as shown (see tests/browser/wcag.py)."""
    return PageRecorder()


@pytest.fixture
def check_a11y(axe, page_recorder, request):
    """``check_a11y(page)``: fail with axe's report if the page has any violation, and record
    the page for the checks in test_every_page.py."""
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
        page_recorder.record(
            served_to or page, request.node.name, label or page.url, javascript=served_to is None
        )
        assert results.violations_count == 0, (
            f"axe violations on {label or page.url}:\n{results.generate_report()}"
        )

    check.scanned = scanned
    return check


def sign_in(page, live_server, email, password):
    """Sign in through the pages: email and password, then the security code an authenticator
    app would show for the person's device (made for them if they have none)."""
    from tests.factories import authenticator, current_code
    from valuing_send.authorities.models import User

    device = authenticator(User.objects.get(email__iexact=email))
    # A code is accepted once: a second sign-in within 30 seconds would reuse it.
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
