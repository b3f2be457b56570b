"""Every signed-in session has passed the second factor.

The sign-in views only call ``login`` after a correct code, so this is the second line: a
session that is signed in without a verified device (made some other way, or from before
two-factor sign-in existed) is ended and the person is sent to sign in again."""

from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login

from .two_factor import is_verified


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and not is_verified(request):
            logout(request)
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
