"""Reachability of what the service depends on, for the admin's system status page."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from valuing_send.celery import app as celery_app


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    # False when this installation runs without it (embedded mode): neither working nor broken.
    used: bool = True

    @property
    def state(self) -> str:
        return "Not used" if not self.used else "Working" if self.ok else "Not working"


def _timed(fn):
    start = time.perf_counter()
    detail = fn()
    return detail, (time.perf_counter() - start) * 1000


def check_database() -> Check:
    vendor = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
        connection.vendor, connection.vendor
    )
    try:

        def query():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()

        _, ms = _timed(query)
        return Check("Database", True, f"{vendor} answered in {ms:.0f} ms")
    except Exception as error:  # the page reports any failure as it is
        return Check("Database", False, f"{vendor} did not answer: {error.__class__.__name__}")


def check_redis() -> Check:
    if not settings.REDIS_URL:
        return Check(
            "Redis",
            True,
            "Not configured: tasks run in the web process and the cache is per process",
            used=False,
        )
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        _, ms = _timed(client.ping)
        return Check("Redis", True, f"Answered in {ms:.0f} ms")
    except Exception as error:
        return Check("Redis", False, f"Did not answer: {error.__class__.__name__}")


def check_workers() -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Check(
            "Background workers",
            True,
            "Not needed: tasks run in the web process (no Redis configured)",
            used=False,
        )
    try:
        replies = celery_app.control.ping(timeout=1.0)
    except Exception as error:
        return Check(
            "Background workers", False, f"Could not ask the workers: {error.__class__.__name__}"
        )
    if not replies:
        return Check("Background workers", False, "No worker answered within 1 second")
    return Check(
        "Background workers",
        True,
        f"{len(replies)} worker{'s' if len(replies) != 1 else ''} answered",
    )


def run_all() -> list[Check]:
    return [check_database(), check_redis(), check_workers()]
