"""Debounced recomputes: many changes in a short while lead to one recompute.

With Redis and workers, the first change for an authority sets a cache key and queues a
recompute to start ``DEBOUNCE_SECONDS`` later (after the transaction commits); later changes
find the key and queue nothing, because the queued recompute will read them. The task clears
the key as it starts, so a change made while it runs queues the next one.

With tasks running in-process (the embedded mode, and tests) there is nothing to wait for:
the recompute runs once when the transaction commits, however many changes it held, and a
failure is logged rather than failing the request that made the change.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

DEBOUNCE_SECONDS = getattr(settings, "INDICATORS_DEBOUNCE_SECONDS", 60)
logger = logging.getLogger(__name__)


def _key(authority_id: int) -> str:
    return f"indicators:recompute-queued:{authority_id}"


def _in_process(authority_id: int) -> None:
    from .tasks import recompute_authority

    try:
        recompute_authority.delay(authority_id)
    except Exception:  # the change is saved; the nightly recompute will catch up
        logger.exception("Recomputing the indicators of authority %s failed", authority_id)


def request_recompute(authority_id: int) -> bool:
    """Ask for the authority's indicators to be recomputed soon. Returns whether a recompute
    was queued by this call (False: one is already waiting)."""
    from valuing_send.celery import app, enqueue_later_on_commit

    from .tasks import recompute_authority

    if app.conf.task_always_eager:
        # One recompute per transaction: is one already waiting for this commit? (A rolled
        # back transaction drops its waiting callbacks, so nothing is left behind.)
        waiting = (entry[1] for entry in connection.run_on_commit)
        if any(getattr(func, "indicators_authority", None) == authority_id for func in waiting):
            return False

        def run():
            _in_process(authority_id)

        run.indicators_authority = authority_id
        transaction.on_commit(run)
        return True
    key = _key(authority_id)
    if not cache.add(key, 1, timeout=DEBOUNCE_SECONDS * 10) and cache.get(key) is not None:
        return False  # one is waiting (with Redis down the cache is empty: queue one)
    # Through the outbox: while Redis is down the recompute waits in the database.
    enqueue_later_on_commit(DEBOUNCE_SECONDS, recompute_authority, authority_id)
    return True


def recompute_started(authority_id: int) -> None:
    cache.delete(_key(authority_id))
