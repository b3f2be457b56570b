"""Signing in: password, then a code from an authenticator app (set up on first sign-in), with
recovery codes for when the app is not to hand. See ``two_factor.py`` for the rules."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from . import two_factor
from .forms import CodeForm, SignInForm

NEXT_SESSION_KEY = "sign_in_next"


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _signed_in_destination(request) -> str:
    return request.session.pop(NEXT_SESSION_KEY, "") or "home"


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        two_factor.pending_start(request, user)
        request.session[NEXT_SESSION_KEY] = next_url
        if two_factor.authenticator_for(user) is None:
            return redirect("two-factor-setup")
        return redirect("sign-in-code")
    return render(
        request,
        "authorities/sign_in.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


def _code_refused(request, user, form, message):
    """A wrong code counts towards the lockout like a wrong password."""
    credentials = {"username": user.email}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    form.add_error("code", message)


def _locked_out(request, user):
    credentials = {"username": user.email}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    return get_lockout_response(request, None, credentials)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    user = two_factor.pending_user(request)
    if user is None:
        messages.error(request, "Sign in again: enter your email address and password")
        return redirect("login")
    if two_factor.authenticator_for(user) is None:
        return redirect("two-factor-setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        locked = _locked_out(request, user)
        if locked is not None:
            return locked
        device = two_factor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            two_factor.pending_finish(request, user, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left: "
                    "make new ones from ‘Your sign-in’ if you are running low",
                )
            return redirect(_signed_in_destination(request))
        _code_refused(
            request,
            user,
            form,
            "The security code is not correct: enter the latest code from your authenticator app, or a recovery code",
        )
    return render(
        request,
        "authorities/sign_in_code.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """First sign-in (or after an admin reset): add the service to an authenticator app."""
    user = two_factor.pending_user(request)
    if user is None:
        messages.error(request, "Sign in again: enter your email address and password")
        return redirect("login")
    if two_factor.authenticator_for(user) is not None:
        return redirect("sign-in-code")
    device = two_factor.authenticator_start(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        locked = _locked_out(request, user)
        if locked is not None:
            return locked
        codes = two_factor.authenticator_confirm(device, form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            two_factor.pending_finish(request, user, device)
            request.session[two_factor.NEW_RECOVERY_CODES_SESSION_KEY] = codes
            return redirect("recovery-codes")
        _code_refused(
            request,
            user,
            form,
            "The security code is not correct: check the app shows Valuing SEND and enter its latest code",
        )
    return render(
        request,
        "authorities/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "key": two_factor.key_for_typing(device),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def recovery_codes(request):
    """New recovery codes are shown once; otherwise how many are left, and a way to replace them."""
    if request.method == "POST":
        request.session[two_factor.NEW_RECOVERY_CODES_SESSION_KEY] = two_factor.recovery_codes_make(
            request.user
        )
        return redirect("recovery-codes")
    codes = request.session.pop(two_factor.NEW_RECOVERY_CODES_SESSION_KEY, None)
    return render(
        request,
        "authorities/recovery_codes.html",
        {
            "codes": codes,
            "left": two_factor.recovery_codes_left(request.user),
            "next": resolve_url(_signed_in_destination(request) if codes else "home"),
        },
    )
