"""When the database cannot be reached (stopped, restarting, a connection cut mid-request), the
person sees what happened and keeps what they typed, instead of a bare error page.

``DatabaseUnavailableMiddleware`` turns ``OperationalError``/``InterfaceError`` from any view into
a 503 page that says nothing was saved and carries everything the form sent in a form of its
own, which sends it again to the same address with "Try again". Nothing in that page needs the
database (no session, no signed-in user): the CSRF token comes from the cookie. htmx requests
(autosave) get a short message for the status area instead. Connections cut between requests
are replaced before use (``CONN_HEALTH_CHECKS``), so the next request after recovery works."""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def _kept_fields(request) -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]


def is_database_unavailable(exception) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


class DatabaseUnavailableMiddleware:
    """For exceptions from views; ``errors.server_error`` does the same for the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        return unavailable_response(request)


def unavailable_response(request) -> HttpResponse:
    logger.error(
        "Database unavailable during %s %s",
        request.method,
        getattr(request.resolver_match, "url_name", None) or "-",
    )
    # A connection that failed is closed now, so the next request opens a fresh one.
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
    kept = _kept_fields(request)
    if getattr(request, "htmx", False):
        body = get_template("errors/database_unavailable_partial.html").render({"kept": bool(kept)})
    else:
        body = get_template("errors/database_unavailable.html").render(
            {
                "service_name": "Valuing SEND",
                "kept": kept,
                "files_lost": bool(request.method == "POST" and request.FILES),
                "action": request.path,
                "csrf_token": get_token(request),
                "method": request.method,
            }
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
