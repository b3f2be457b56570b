"""A first sign-in in Chromium: password, set up an authenticator from the key on the page,
save the recovery codes, then sign in again with a code; axe on every page."""

import base64
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _code_from_key(typed_key: str, *, steps_ahead=0) -> str:
    """What an authenticator app shows for a key typed in from the page."""
    totp = TOTP(base64.b32decode(typed_key.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_first_sign_in_sets_up_two_factor_then_signs_in_with_a_code(
    live_server, page, check_a11y, caseworker
):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(caseworker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    check_a11y(page, "two-factor set-up")
    key = page.locator("#totp-key").inner_text()

    page.get_by_label("Security code").fill("000000" if _code_from_key(key) != "000000" else "1")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The security code is not correct")
    check_a11y(page, "two-factor set-up with an error")

    time.sleep(1.1)  # the device asks for a second's pause after a wrong code
    used_step = int(time.time() // 30)
    page.get_by_label("Security code").fill(_code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    check_a11y(page, "recovery codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Casey")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill(caseworker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    check_a11y(page, "security code")
    # A code is accepted once: within the same 30 seconds, use the next one (accepted, as a
    # clock a step ahead would be).
    same_step = int(time.time() // 30) == used_step
    page.get_by_label("Security code").fill(_code_from_key(key, steps_ahead=int(same_step)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Casey")
