"""Celery tasks: thin, taking a document's id, idempotent (a finished document is left alone).

A failed attempt is queued again after a pause (``settings.DOCUMENTS_RETRY_PAUSES``); the
number of attempts is kept on the document, so a worker that dies mid-render (``acks_late``
with ``reject_on_worker_lost``: the task is delivered again) counts towards the same limit."""

from celery import shared_task
from django.conf import settings

from . import services


def _attempt(task, work, document_id: int) -> None:
    while True:
        try:
            work(document_id)
            return
        except services.RetryLater as later:
            if not task.request.is_eager:
                pauses = settings.DOCUMENTS_RETRY_PAUSES
                pause = pauses[min(later.attempt, len(pauses)) - 1] if pauses else 0
                raise task.retry(countdown=pause) from later
            # In-process (the embedded mode, unit tests) there is no broker to wait on.


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def render_document(self, document_id: int) -> None:
    _attempt(self, services.document_render, document_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def build_bundle(self, document_id: int) -> None:
    _attempt(self, services.bundle_build, document_id)
