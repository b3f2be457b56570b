"""Health endpoints for load balancers and orchestrators.

- ``/health/live/``: the process answers (nothing else is touched). Restart it if this fails.
- ``/health/ready/``: whether this web process can serve: the database must answer. Redis and
  the Celery workers are checked and reported too, but do not make the process unready by
  default: pages keep working without them (queued work waits in the outbox), so taking every
  web process out of rotation when Redis is down would turn a degraded service into an outage.
  ``?strict=1`` fails on any check (for a deploy's smoke test).

``HealthCheckMiddleware`` answers both first in the middleware stack, before the host check,
the HTTPS redirect and sessions, because a load balancer calls them over plain HTTP with the
instance's address as the host. The same views are in the URL configuration.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import system_checks

LIVE_PATH = "/health/live/"
READY_PATH = "/health/ready/"


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    checks = {
        "database": system_checks.check_database(),
        "redis": system_checks.check_redis(),
        "workers": system_checks.check_workers(),
    }
    strict = request.GET.get("strict") == "1"
    required = checks if strict else {"database": checks["database"]}
    serving = all(check.ok for check in required.values())
    degraded = serving and not all(check.ok for check in checks.values())
    return JsonResponse(
        {
            "status": "degraded" if degraded else "ok" if serving else "unavailable",
            "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
        },
        status=200 if serving else 503,
    )


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVE_PATH:
            return live(request)
        if request.path == READY_PATH:
            return ready(request)
        return self.get_response(request)
