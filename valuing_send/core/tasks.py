from celery import shared_task

from . import outbox


@shared_task(acks_late=True)
def outbox_flush() -> None:
    """Send what waited in the outbox while Redis was down (Celery beat, every minute)."""
    outbox.flush()
