"""The Celery app. Configuration comes from Django settings (CELERY_* names).

Without REDIS_URL tasks run in-process (task_always_eager); with it they go through Redis to
worker processes: ``celery -A valuing_send worker``.
"""

import importlib
import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuing_send.settings")

app = Celery("valuing_send")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits, so a worker never reads data that
    was rolled back or is not visible yet. Pass IDs, never names or dates of birth.

    ``task`` is a task or its registered name ("assessments.tasks.replay_caseload"): services
    name their tasks so that they need not import the tasks module that imports them."""
    transaction.on_commit(lambda: _task(task).delay(*args, **kwargs))


def _task(task):
    if not isinstance(task, str):
        return task
    if task not in app.tasks:  # tasks modules are found lazily: import the one named
        importlib.import_module(task.rpartition(".")[0])
    return app.tasks[task]
