"""Two-factor sign-in: password, then a code from an authenticator app (set up by QR code on the
first sign-in), recovery codes, lockout after repeated failures, and sessions that end when an
admin deactivates someone, changes their role or resets their two-factor sign-in."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tests.factories import authenticator, current_code
from valuing_send.authorities.models import Membership, Role
from valuing_send.authorities.two_factor import (
    DEMO_TOTP_KEY_BASE32,
    DEMO_TOTP_KEY_HEX,
    recovery_codes_make,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _password(client, user, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": user.email, "password": password, **extra})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session and DEVICE_ID_SESSION_KEY in client.session


class TestCode:
    def test_password_alone_does_not_sign_in(self, client, caseworker):
        authenticator(caseworker)
        response = _password(client, caseworker)
        assert response.status_code == 302 and response.url == reverse("sign-in-code")
        assert "_auth_user_id" not in client.session
        # Every page still needs signing in
        assert client.get(reverse("child-list")).url.startswith(reverse("login"))
        page = client.get(reverse("sign-in-code"))
        html = page.content.decode()
        assert "<title>Enter your security code – Valuing SEND</title>" in html
        assert 'autocomplete="one-time-code"' in html
        assert "recovery codes you saved" in html

    def test_the_code_from_the_app_signs_in_and_goes_where_they_were_going(
        self, client, caseworker
    ):
        device = authenticator(caseworker)
        _password(client, caseworker, next=reverse("child-list"))
        response = client.post(reverse("sign-in-code"), {"code": current_code(device)})
        assert response.status_code == 302 and response.url == reverse("child-list")
        assert _signed_in(client)
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert "Children" in client.get(reverse("child-list")).content.decode()

    def test_a_code_cannot_be_used_twice(self, client, caseworker):
        device = authenticator(caseworker)
        code = current_code(device)
        _password(client, caseworker)
        client.post(reverse("sign-in-code"), {"code": code})
        other = type(client)()
        _password(other, caseworker)
        response = other.post(reverse("sign-in-code"), {"code": code})
        assert response.status_code == 400
        assert not _signed_in(other)
        assert "The security code is not correct" in response.content.decode()

    def test_wrong_and_missing_codes_are_explained(self, client, caseworker):
        device = authenticator(caseworker)
        _password(client, caseworker)
        wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
        html = client.post(reverse("sign-in-code"), {"code": wrong}).content.decode()
        assert "<title>Error: Enter your security code – Valuing SEND</title>" in html
        assert '<a href="#id_code">The security code is not correct' in html
        html = client.post(reverse("sign-in-code"), {"code": ""}).content.decode()
        assert "Enter the security code from your authenticator app" in html
        assert not _signed_in(client)

    def test_the_code_page_without_a_password_first_sends_back_to_sign_in(self, client):
        response = client.get(reverse("sign-in-code"))
        assert response.status_code == 302 and response.url == reverse("login")

    def test_the_pending_sign_in_expires_after_five_minutes(self, client, caseworker):
        device = authenticator(caseworker)
        _password(client, caseworker)
        with time_machine.travel(
            datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=6)
        ):
            response = client.post(reverse("sign-in-code"), {"code": current_code(device)})
        assert response.status_code == 302 and response.url == reverse("login")
        assert not _signed_in(client)

    def test_a_session_without_the_second_factor_is_ended(self, client, caseworker):
        client.force_login(caseworker, verified=False)
        response = client.get(reverse("child-list"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert "_auth_user_id" not in client.session


class TestRecoveryCodes:
    def test_a_recovery_code_works_once_and_says_how_many_are_left(self, client, caseworker):
        authenticator(caseworker)
        codes = recovery_codes_make(caseworker)
        assert len(codes) == 10 and len(set(codes)) == 10
        _password(client, caseworker)
        response = client.post(reverse("sign-in-code"), {"code": codes[0].upper()}, follow=True)
        assert _signed_in(client)
        assert "You used a recovery code. You have 9 left" in response.content.decode()
        assert client.session[DEVICE_ID_SESSION_KEY].startswith("otp_static")
        other = type(client)()
        _password(other, caseworker)
        assert other.post(reverse("sign-in-code"), {"code": codes[0]}).status_code == 400

    def test_new_codes_replace_the_old_ones(self, client_as, caseworker):
        old = recovery_codes_make(caseworker)
        client = client_as(caseworker)
        page = client.get(reverse("recovery-codes")).content.decode()
        assert "You have 10 recovery codes left" in page
        response = client.post(reverse("recovery-codes"))
        assert response.status_code == 302
        new_page = client.get(reverse("recovery-codes")).content.decode()
        assert "Save your recovery codes" in new_page
        assert old[0] not in new_page
        assert StaticToken.objects.filter(device__user=caseworker).count() == 10
        assert not StaticToken.objects.filter(token=old[0].replace("-", "")).exists()
        # shown once only
        assert (
            "Save your recovery codes" not in client.get(reverse("recovery-codes")).content.decode()
        )

    def test_recovery_codes_page_needs_signing_in(self, client):
        assert client.get(reverse("recovery-codes")).url.startswith(reverse("login"))


class TestSetUp:
    def test_first_sign_in_sets_up_an_authenticator_by_qr_code_or_key(self, client, caseworker):
        response = _password(client, caseworker)
        assert response.url == reverse("two-factor-setup")
        html = client.get(reverse("two-factor-setup")).content.decode()
        device = TOTPDevice.objects.get(user=caseworker)
        assert device.confirmed is False
        assert '<svg role="img" aria-label="QR code for your authenticator app"' in html
        assert "style=" not in html
        key = __import__("base64").b32encode(device.bin_key).decode()
        assert " ".join(key[i : i + 4] for i in range(0, 32, 4)) in html
        # Reloading shows the same key
        client.get(reverse("two-factor-setup"))
        assert TOTPDevice.objects.filter(user=caseworker).count() == 1

        wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
        refused = client.post(reverse("two-factor-setup"), {"code": wrong})
        assert refused.status_code == 400 and not _signed_in(client)
        device.refresh_from_db()
        device.throttling_failure_count = 0
        device.save()

        response = client.post(reverse("two-factor-setup"), {"code": current_code(device)})
        assert response.status_code == 302 and response.url == reverse("recovery-codes")
        assert _signed_in(client)
        device.refresh_from_db()
        assert device.confirmed is True
        codes_page = client.get(reverse("recovery-codes")).content.decode()
        assert "Save your recovery codes" in codes_page
        assert codes_page.count("<li><code>") == 10
        assert StaticDevice.objects.get(user=caseworker).token_set.count() == 10

    def test_someone_with_an_authenticator_cannot_set_up_another_without_its_code(
        self, client, caseworker
    ):
        authenticator(caseworker)
        _password(client, caseworker)
        response = client.get(reverse("two-factor-setup"))
        assert response.url == reverse("sign-in-code")
        assert TOTPDevice.objects.filter(user=caseworker).count() == 1


class TestLockout:
    def test_repeated_wrong_passwords_lock_out_even_the_right_one_then_cool_off(
        self, client, caseworker, settings
    ):
        device = authenticator(caseworker)
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert _password(client, caseworker, "wrong-password").status_code == 400
        locked = _password(client, caseworker, "wrong-password")
        assert locked.status_code == 429
        html = locked.content.decode()
        assert "Too many attempts to sign in" in html
        assert "paused for 15 minutes" in html
        right = _password(client, caseworker)
        assert right.status_code == 429
        assert "_auth_user_id" not in client.session
        later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)
        with time_machine.travel(later):
            response = _password(client, caseworker)
            assert response.status_code == 302
            client.post(reverse("sign-in-code"), {"code": current_code(device)})
        assert "_auth_user_id" in client.session

    def test_wrong_codes_count_towards_the_lockout(self, client, caseworker, settings):
        device = authenticator(caseworker)
        _password(client, caseworker)
        wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
        statuses = []
        for _ in range(settings.AXES_FAILURE_LIMIT):
            TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
            statuses.append(client.post(reverse("sign-in-code"), {"code": wrong}).status_code)
        assert statuses[-1] == 429
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        # Even the right code is refused now
        response = client.post(reverse("sign-in-code"), {"code": current_code(device)})
        assert response.status_code == 429
        assert not _signed_in(client)

    def test_the_device_throttles_guessing_between_lockouts(self, client, caseworker):
        device = authenticator(caseworker)
        _password(client, caseworker)
        wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
        client.post(reverse("sign-in-code"), {"code": wrong})
        # Straight after a wrong code the device refuses even the right one (a growing wait)
        response = client.post(reverse("sign-in-code"), {"code": current_code(device)})
        assert response.status_code == 400
        device.refresh_from_db()
        assert device.throttling_failure_count >= 1


class TestSessionsEnd:
    def test_a_role_change_signs_the_person_out_everywhere(
        self, client, client_as, admin, caseworker, authority_a
    ):
        theirs = type(client)()
        theirs.force_login(caseworker)
        assert theirs.get(reverse("child-list")).status_code == 200
        membership = Membership.objects.get(user=caseworker, authority=authority_a)
        client_as(admin).post(
            reverse("user-edit", args=[membership.pk]),
            {"role": Role.MANAGER, "version": membership.version},
        )
        response = theirs.get(reverse("child-list"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_saving_the_same_role_keeps_their_sessions(
        self, client, client_as, admin, caseworker, authority_a
    ):
        theirs = type(client)()
        theirs.force_login(caseworker)
        membership = Membership.objects.get(user=caseworker, authority=authority_a)
        client_as(admin).post(
            reverse("user-edit", args=[membership.pk]),
            {"role": Role.CASEWORKER, "version": membership.version},
        )
        assert theirs.get(reverse("child-list")).status_code == 200


class TestResetTwoFactor:
    def test_admin_resets_it_and_the_person_sets_it_up_again(
        self, client, client_as, admin, caseworker, authority_a
    ):
        theirs = type(client)()
        theirs.force_login(caseworker)
        recovery_codes_make(caseworker)
        membership = Membership.objects.get(user=caseworker, authority=authority_a)
        admin_client = client_as(admin)
        page = admin_client.get(reverse("user-edit", args=[membership.pk])).content.decode()
        assert "Reset two-factor sign-in for Casey Worker" in page
        response = admin_client.post(
            reverse("user-reset-two-factor", args=[membership.pk]),
            {"version": membership.version},
            follow=True,
        )
        assert "will set up two-factor sign-in again" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=caseworker).exists()
        assert not StaticDevice.objects.filter(user=caseworker).exists()
        assert theirs.get(reverse("child-list")).url.startswith(reverse("login"))
        fresh = type(client)()
        assert _password(fresh, caseworker).url == reverse("two-factor-setup")

    def test_needs_post_an_admin_and_this_authority(
        self, client_as, client, admin, caseworker, authority_a, authority_b
    ):
        from tests.factories import MembershipFactory

        admin_b = MembershipFactory(authority=authority_b, role=Role.ADMIN).user
        membership = Membership.objects.get(user=caseworker, authority=authority_a)
        url = reverse("user-reset-two-factor", args=[membership.pk])
        assert client_as(admin).get(url).status_code == 405
        other = type(client)()
        other.force_login(admin_b)
        assert other.post(url, {"version": 1}).status_code == 404
        assert client_as(caseworker).post(url, {"version": 1}).status_code == 403
        assert TOTPDevice.objects.filter(user=caseworker).exists()

    def test_a_stale_page_resets_nothing(self, client_as, admin, caseworker, authority_a):
        authenticator(caseworker)
        membership = Membership.objects.get(user=caseworker, authority=authority_a)
        response = client_as(admin).post(
            reverse("user-reset-two-factor", args=[membership.pk]),
            {"version": membership.version + 5},
            follow=True,
        )
        assert "Someone else changed this person" in response.content.decode()
        assert TOTPDevice.objects.filter(user=caseworker).exists()


def test_passwords_longer_than_128_characters_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="128 characters or fewer"):
        validate_password("correct horse battery staple " * 5)


@pytest.mark.django_db(transaction=True)
def test_production_refuses_to_start_with_the_demo_key(caseworker):
    """The published demo key in the database: `check` fails at ERROR and the WSGI application
    refuses to load, in the production profile."""
    from django.db import connection

    TOTPDevice.objects.create(user=caseworker, key=DEMO_TOTP_KEY_HEX, confirmed=True)
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "SITE_URL"))
    }
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        DJANGO_PRODUCTION="1",
        DJANGO_SECRET_KEY="x" * 60 + "production-like-secret-key-for-a-test",
        DJANGO_ALLOWED_HOSTS="send.example.gov.uk",
    )
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode != 0
    assert "authorities.E001" in check.stderr + check.stdout
    wsgi = subprocess.run(
        [sys.executable, "-c", "import valuing_send.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert wsgi.returncode != 0
    assert "Refusing to start" in wsgi.stderr and "demo two-factor key" in wsgi.stderr
    # Without the demo key, both start.
    TOTPDevice.objects.filter(key=DEMO_TOTP_KEY_HEX).delete()
    assert (
        subprocess.run(
            [sys.executable, "-c", "import valuing_send.wsgi"], cwd=ROOT, env=env
        ).returncode
        == 0
    )


def test_the_demo_key_is_a_valid_authenticator_key():
    import base64

    assert base64.b32decode(DEMO_TOTP_KEY_BASE32).hex() == DEMO_TOTP_KEY_HEX
    assert len(DEMO_TOTP_KEY_HEX) == 40
