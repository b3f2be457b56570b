"""Sending the outbox (``models.OutboxMessage``) to Celery.

``valuing_send.celery.enqueue_on_commit`` writes a row inside the caller's transaction, then
after commit tries to send it straight away. If Redis is down the row stays unsent (the page
that asked is not affected); ``flush`` sends every waiting row, oldest first. It runs from Celery
beat every minute (``valuing_send.core.tasks.outbox_flush``), after each successful send, and
from ``manage.py outbox_flush``. Tasks are idempotent, so a row sent twice (sent, then the
process died before marking it) does no harm."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
FLUSH_BATCH = 500


def enqueue_on_commit(task_name: str, args: list, kwargs: dict, countdown: int = 0) -> None:
    """What ``valuing_send.celery.enqueue_on_commit`` does: a row now, sent after commit."""
    message = OutboxMessage.objects.create(
        task=task_name, args=args, kwargs=kwargs, countdown=countdown
    )
    transaction.on_commit(lambda: send_after_commit(message.pk))


def send(message: OutboxMessage) -> bool:
    """Send one row now. True if it went (or ran, without a broker)."""
    from valuing_send.celery import app, task_named

    try:
        task = task_named(message.task)
        if app.conf.task_always_eager:
            task.apply(args=message.args, kwargs=message.kwargs, throw=True)
        else:
            # No retrying here: a page must not wait for Redis; the row waits instead.
            task.apply_async(
                args=message.args,
                kwargs=message.kwargs,
                countdown=message.countdown or None,
                retry=False,
            )
    except Exception as error:
        if app.conf.task_always_eager:
            raise
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{error.__class__.__name__}: {error}"[:300]
        )
        logger.warning(
            "Queue unavailable: task %s kept in the outbox (message %s): %s",
            message.task,
            message.pk,
            error.__class__.__name__,
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def send_after_commit(message_id: int) -> None:
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is not None and send(message) and waiting().exists():
        flush()


def waiting():
    return OutboxMessage.objects.filter(sent_at__isnull=True)


def flush(limit: int = FLUSH_BATCH) -> tuple[int, int]:
    """Send waiting rows, oldest first, stopping at the first that cannot go (Redis still
    down). Rows are locked while sent, so two flushes never send the same row at once.
    Returns (sent, still waiting)."""
    sent = 0
    while sent < limit:
        with transaction.atomic():
            message = waiting().order_by("pk").select_for_update(skip_locked=True).first()
            if message is None:
                break
            if not send(message):
                break
        sent += 1
    return sent, waiting().count()
