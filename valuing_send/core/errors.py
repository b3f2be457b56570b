"""GOV.UK error pages. The 500 page renders without the request context: whatever failed
(the database, say) must not be needed to say sorry."""

from django.shortcuts import render
from django.template.loader import get_template


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def csrf_failure(request, reason=""):
    """The form's CSRF token was missing or did not match: usually a page left open until the
    session expired, or a form sent from another site."""
    return render(request, "errors/csrf.html", status=403)


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    import sys

    from django.http import HttpResponseServerError

    from .database_errors import is_database_unavailable, unavailable_response

    # Called while the exception is being handled: one that came from the database (in a
    # middleware, say, loading the session) gets the page that keeps what was sent.
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)

    return HttpResponseServerError(
        get_template("errors/500.html").render({"service_name": "Valuing SEND"})
    )
