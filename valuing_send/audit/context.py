"""Who is acting, for every audit event written while handling one request or task.

``AuditContextMiddleware`` sets it for each request (after authentication), a Celery signal for
each task; anything else (a management command) acts as "system". Invitation pages (people
without accounts) set ``request.invitation`` and call ``acting_as_invitation``."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, replace

from valuing_send.core.client_ip import client_ip
from valuing_send.core.logs import without_secrets


@dataclass(frozen=True)
class Actor:
    label: str = "system"
    user_id: int | None = None
    invitation_id: int | None = None
    ip_address: str | None = None
    request_id: str = ""
    path: str = ""
    reason: str = ""
    suppressed: str = ""  # non-empty: writes are not recorded one by one (bulk generation)


_SYSTEM = Actor()
_current = contextvars.ContextVar("audit_actor", default=None)


def current() -> Actor:
    value = _current.get()
    if value is None:
        return _SYSTEM
    return value.resolve() if isinstance(value, _LazyRequestActor) else value


def for_request(request) -> Actor:
    user = getattr(request, "user", None)
    invitation = getattr(request, "invitation", None)
    if user is not None and user.is_authenticated:
        label, user_id = user.email, user.pk
    elif invitation is not None:
        label, user_id = f"invitation {invitation.pk}", None
    else:
        label, user_id = "anonymous", None
    return Actor(
        label=label,
        user_id=user_id,
        invitation_id=getattr(invitation, "pk", None),
        ip_address=client_ip(request) or None,
        request_id=getattr(request, "request_id", ""),
        path=without_secrets(request.path)[:300],  # never a secure link's token
    )


@contextmanager
def acting(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


@contextmanager
def because(reason: str):
    """Record ``reason`` on every event written inside (a decision's reason, an export's
    subject-access reference)."""
    with acting(replace(current(), reason=reason)):
        yield


@contextmanager
def suppressed(summary: str):
    """Bulk work that is not a person's action on a record (generating synthetic data): writes
    inside are not recorded one by one; the caller records one event that says what was done."""
    with acting(replace(current(), suppressed=summary)):
        yield


def acting_as_invitation(request, invitation) -> None:
    """For invitation pages: what happens next in this request is done by the invitation."""
    request.invitation = invitation
    _current.set(for_request(request))


class AuditContextMiddleware:
    """Sets the actor for the request; after AuthenticationMiddleware (it reads request.user
    lazily, only when an event is written)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(_LazyRequestActor(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class _LazyRequestActor:
    """Resolves the request's actor on first use: most requests write no event, and reading
    request.user may need a query."""

    def __init__(self, request):
        self._request = request
        self._actor = None

    def resolve(self) -> Actor:
        # Until someone is signed in, look again: signing in happens during a request.
        if self._actor is None or (self._actor.user_id is None and not self._actor.invitation_id):
            self._actor = for_request(self._request)
        return self._actor
