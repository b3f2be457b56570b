"""The pages' fair floor: the same response served from pre-rendered bytes through the same
stack. Bench only; never part of the app.

This URLconf is the app's own (``valuing_send.urls``) plus one URL,
``/bench/prerendered/<name>/``, whose view runs behind the same middleware (session,
authentication, CSRF, messages, CSP, htmx) and the same tenancy decorator as the page it stands
for (``@requires`` with that page's own permission, so the user, their membership and the
authority are resolved as for the real page), then answers the page's own HTML, rendered
earlier and kept as bytes. What separates a page from this floor is the page's own work: its
queries, its presenters and its template.

In process (``bench.pages``) the bench fills ``PAGES`` with ``register``; under gunicorn
(``bench.http``, through ``bench.bare_site``) each worker reads ``<name>.html`` and
``<name>.action`` from the folder ``BENCH_PRERENDERED_DIR`` on first use.
"""

import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from valuing_send.authorities.tenancy import requires
from valuing_send.urls import urlpatterns as app_urlpatterns

PAGES: dict[str, tuple[bytes, str]] = {}
_VIEWS: dict[str, object] = {}


def register(name: str, body: bytes, action: str) -> str:
    """Keep a page's bytes and the permission its real view requires; returns the floor's URL."""
    PAGES[name] = (body, action)
    _VIEWS.pop(name, None)
    return f"/bench/prerendered/{name}/"


def _page(name: str) -> tuple[bytes, str]:
    if name not in PAGES:
        folder = os.environ.get("BENCH_PRERENDERED_DIR")
        if not folder or not (Path(folder) / f"{name}.html").exists():
            raise Http404("No such pre-rendered page")
        PAGES[name] = (
            (Path(folder) / f"{name}.html").read_bytes(),
            (Path(folder) / f"{name}.action").read_text(encoding="utf-8").strip(),
        )
    return PAGES[name]


def _view_for(name: str):
    """``@requires(<the page's action>)`` around a view that answers the kept bytes; made once
    per page, as the real view's decorator is made once at import."""
    if name not in _VIEWS:
        body, action = _page(name)

        @requires(action)
        def answer(request):
            return HttpResponse(body, content_type="text/html; charset=utf-8")

        _VIEWS[name] = answer
    return _VIEWS[name]


@require_GET
def prerendered(request, name):
    return _view_for(name)(request)


urlpatterns = [path("bench/prerendered/<slug:name>/", prerendered), *app_urlpatterns]
handler400 = "valuing_send.core.errors.bad_request"
handler403 = "valuing_send.core.errors.permission_denied"
handler404 = "valuing_send.core.errors.page_not_found"
handler500 = "valuing_send.core.errors.server_error"
