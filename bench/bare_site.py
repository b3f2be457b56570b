"""What ``bench.http`` serves with gunicorn: the app's own settings, middleware and URLs, plus
the pre-rendered floor of ``bench/prerendered.py``. Bench only; never part of the app.

    gunicorn bench.bare_site:application

This module is at once the settings module (everything from ``valuing_send.settings`` with
``ROOT_URLCONF = "bench.prerendered"``, which is the app's URLconf plus one URL) and the WSGI
application, so the page and its floor are served by the same gunicorn processes, to the same
signed-in client, request after request.
"""

import os

from valuing_send.settings import *  # noqa: F403 - the app's settings, unchanged but for the URLs

ROOT_URLCONF = "bench.prerendered"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_site"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
