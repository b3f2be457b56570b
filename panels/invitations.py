"""Secure links for people without an account: finding the invitation a link belongs to,
rate limits, and the decorator every page of the journey goes through.

``@invitation_page`` looks the token up by its hash (``Invitation.token_hash``; the token is
never stored), refuses a link that is unknown, tampered with, expired, revoked or already used
with a clear page (never a 500), limits how often a client may try links and how often one
link may be opened, and sets ``request.invitation`` and ``request.authority`` (the authority
comes from the invitation, as ``@requires`` takes it from a member of staff).
"""

import re
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from .codes import ContributorRole
from .models import Invitation, LetterDetails

TOKEN = re.compile(r"[0-9a-f]{64}")
# A client that gets this many links wrong in the window is refused for the rest of it.
FAILURES_PER_CLIENT = 20
FAILURE_WINDOW = 10 * 60
# One link may be opened this many times an hour (a journey takes a few dozen requests).
REQUESTS_PER_LINK = 300
LINK_WINDOW = 60 * 60

PROBLEMS = {
    "unknown": (404, "This link does not work"),
    "expired": (410, "This link has expired"),
    "revoked": (410, "This link has been withdrawn"),
    "used": (410, "This link has already been used"),
    "rate": (429, "Too many attempts"),
}


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _count(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _failures_key(request) -> str:
    return f"panels:link-failures:{client_address(request)}"


def problem(request, kind: str, invitation=None):
    status, title = PROBLEMS[kind]
    details = None
    if invitation is not None:
        details = LetterDetails.objects.filter(authority_id=invitation.authority_id).first()
    return render(
        request,
        "panels/journey/problem.html",
        {"kind": kind, "title": title, "invitation": invitation, "details": details},
        status=status,
    )


def invitation_page(*, after_submission: str = ""):
    """Decorator for a page of the journey: ``view(request, invitation, ...)``.
    ``after_submission``: "parent" (a parent's link still shows the case and the letter after
    they have given their views) or "all" (the confirmation page); otherwise a used link gets
    the "already used" page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, token, *args, **kwargs):
            if (cache.get(_failures_key(request)) or 0) >= FAILURES_PER_CLIENT:
                return problem(request, "rate")
            invitation = None
            if TOKEN.fullmatch(token):
                invitation = (
                    Invitation.objects.select_related("case__child", "authority")
                    .for_token(token)
                    .first()
                )
            if invitation is None:
                _count(_failures_key(request), FAILURE_WINDOW)
                return problem(request, "unknown")
            if _count(f"panels:link-requests:{invitation.pk}", LINK_WINDOW) > REQUESTS_PER_LINK:
                return problem(request, "rate", invitation)
            state = invitation.state
            allowed_used = after_submission == "all" or (
                after_submission == "parent" and invitation.role == ContributorRole.PARENT
            )
            if state in ("expired", "revoked") or (state == "used" and not allowed_used):
                return problem(request, state, invitation)
            request.invitation = invitation
            request.authority = invitation.authority
            Invitation.objects.filter(pk=invitation.pk).update(last_opened_at=timezone.now())
            return view(request, invitation, *args, **kwargs)

        wrapped.invitation_page = True
        return wrapped

    return decorator
