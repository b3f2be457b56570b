"""Two-factor sign-in for staff: a time-based code from an authenticator app (TOTP, RFC 6238,
django-otp's ``TOTPDevice``) and one-time recovery codes (django-otp's ``StaticDevice``).

Sign-in is two steps. The password step does not sign anyone in: it keeps the person as
*pending* in the session for ``SIGN_IN_PENDING_SECONDS``. Only a correct code (or recovery code)
calls ``django.contrib.auth.login`` and marks the session as verified, so a session that is
signed in has always passed both factors (``TwoFactorRequiredMiddleware`` ends any that has not).
Someone with no authenticator set up yet sets one up between the two steps.
"""

import base64
import secrets
import time

import segno
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

# The demo authority's people all use this key, published in the README so that anyone trying
# the service can add it to an authenticator app. A system check refuses it in production.
DEMO_TOTP_KEY_BASE32 = "VALUINGSENDDEMOKEYNOTFORREALUSEX"
DEMO_TOTP_KEY_HEX = base64.b32decode(DEMO_TOTP_KEY_BASE32).hex()

RECOVERY_CODE_COUNT = 10
PENDING_SESSION_KEY = "sign_in_pending"
NEW_RECOVERY_CODES_SESSION_KEY = "new_recovery_codes"
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


# ----- Devices -----


def authenticator_for(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def authenticator_start(user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator key for set-up (any earlier unconfirmed one is kept, so
    reloading the page shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def authenticator_confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a new authenticator with a code from it. Returns fresh recovery codes, or None if
    the code was wrong. Any other authenticator of the person's is removed."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_is_allowed()[0] or not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    return recovery_codes_make(device.user)


@transaction.atomic
def recovery_codes_make(user: User) -> list[str]:
    """Replace the person's recovery codes with ``RECOVERY_CODE_COUNT`` new ones (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [_show_recovery_code(code) for code in codes]


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def _recovery_code() -> str:
    # 10 characters from a 32-letter alphabet without look-alikes: 50 bits each.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _show_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _digits(token: str) -> str:
    return "".join(token.split()).replace("-", "")


def verify_code(user: User, token: str):
    """The device that accepts ``token`` (a 6-digit code or a recovery code), else None.
    Each device throttles wrong codes itself (django-otp: a growing wait after each)."""
    token = _digits(token).lower()
    if not token or len(token) > 20:
        return None
    with transaction.atomic():
        if token.isdigit():
            device = authenticator_for(user)
            if device is not None:
                device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
                if device.verify_is_allowed()[0] and device.verify_token(token):
                    return device
            return None
        device = StaticDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


def demo_key_in_use() -> bool:
    return TOTPDevice.objects.filter(key__iexact=DEMO_TOTP_KEY_HEX).exists()


# ----- Showing a key -----


def key_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def key_for_typing(device: TOTPDevice) -> str:
    """The key in groups of four, as authenticator apps ask for it when typed in."""
    key = key_base32(device)
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as an SVG QR code, with no inline style (the CSP forbids it)."""
    svg = segno.make(device.config_url, error="m", micro=False).svg_inline(
        scale=5,
        border=4,
        svgclass="app-qr-code",
        lineclass=None,
        omitsize=True,
        dark="#0b0c0c",
        light="#ffffff",
    )
    # An image role and a name for screen readers; the key is also shown as text beside it.
    return mark_safe(
        svg.replace(
            "<svg ",
            format_html('<svg role="img" aria-label="{}" ', "QR code for your authenticator app"),
            1,
        )
    )


# ----- The pending sign-in -----


def pending_start(request, user: User) -> None:
    """After a correct password: remember who is signing in, in a new session key."""
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),
        "at": time.time(),
    }


def pending_user(request) -> User | None:
    """Who is between the password and the code, if anyone (and not for too long)."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > settings.SIGN_IN_PENDING_SECONDS:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    if user is None or user.get_session_auth_hash() != pending.get("hash"):
        return None
    user.backend = pending.get("backend")
    return user


def pending_finish(request, user: User, device) -> None:
    """Both factors passed: sign the person in and mark the session verified."""
    request.session.pop(PENDING_SESSION_KEY, None)
    auth_login(request, user, backend=user.backend)
    otp_login(request, device)


def is_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))
