"""The Celery app. Configuration comes from Django settings (CELERY_* names).

Without REDIS_URL tasks run in-process (task_always_eager); with it they go through Redis to
worker processes: ``celery -A valuing_send worker``.
"""

import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuing_send.settings")

app = Celery("valuing_send")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits, so a worker never reads data that
    was rolled back or is not visible yet. Pass IDs, never names or dates of birth."""
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
