"""The HTTP benchmark's floor: the app's own settings and middleware, but one URL whose view
returns "ok" without touching the database or a template. Bench only; never part of the app.

    gunicorn bench.bare_site:application    (the same command the bench runs the app with)

This module is at once the settings module (everything from ``valuing_send.settings`` with
another ``ROOT_URLCONF``), the URLconf and the WSGI application, so the floor and the app are
served by the same gunicorn command line with only the module name changed.
"""

import os

from valuing_send.settings import *  # noqa: F403 - the app's settings, unchanged but for the URLs

ROOT_URLCONF = "bench.bare_site"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_site"

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bare/", bare)]

application = get_wsgi_application()
