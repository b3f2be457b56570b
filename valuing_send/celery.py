"""The Celery app. Configuration comes from Django settings (CELERY_* names).

Without REDIS_URL tasks run in-process (task_always_eager); with it they go through Redis to
worker processes: ``celery -A valuing_send worker`` (and ``celery -A valuing_send beat`` for
the schedule)."""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuing_send.settings")

app = Celery("valuing_send")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


_enqueue = None


def use_outbox(enqueue) -> None:
    """Called by the core app when it loads (``valuing_send/core/apps.py``): every task queued
    goes through its outbox. (The Celery app sits below core, so it is handed the outbox.)"""
    global _enqueue
    _enqueue = enqueue


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` for after the current transaction commits, through the outbox: the row is
    written in the same transaction as the change that needs it, so the work is never lost, even
    while Redis is down (it is sent when Redis is back; see ``valuing_send/core/outbox.py``), and a
    worker never reads data that was rolled back. Pass IDs, never names or dates of birth.

    ``task`` is a task or its registered name ("assessments.tasks.replay_caseload"): services
    name their tasks so that they need not import the tasks module that imports them."""
    enqueue_later_on_commit(0, task, *args, **kwargs)


def enqueue_later_on_commit(countdown: int, task, *args, **kwargs) -> None:
    """``enqueue_on_commit``, with the queue holding the task ``countdown`` seconds before a
    worker takes it (a debounced recompute that later changes join)."""
    if _enqueue is None:
        raise RuntimeError("valuing_send.core is not loaded: it provides the task outbox")
    _enqueue(task if isinstance(task, str) else task.name, list(args), kwargs, countdown)


def task_named(task):
    """The task, given it or its registered name (importing its module if need be)."""
    if not isinstance(task, str):
        return task
    if task not in app.tasks:  # tasks modules are found lazily: import the one named
        importlib.import_module(task.rpartition(".")[0])
    return app.tasks[task]
