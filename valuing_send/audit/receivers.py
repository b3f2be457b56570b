"""Signals that feed the log: saves and deletes of tracked models, signing in and out, and the
actor for Celery tasks."""

import contextlib

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save

from . import context, recorder
from .models import Action
from .registry import spec_for


def _saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or spec_for(sender) is None:
        return
    fields = sorted(update_fields) if update_fields else ()
    recorder.record_instance(Action.CREATE if created else Action.UPDATE, instance, fields=fields)


def _deleted(sender, instance, **kwargs):
    if spec_for(sender) is not None:
        recorder.record_instance(Action.DELETE, instance)


def _signed_in(sender, request, user, **kwargs):
    recorder.record(
        Action.SIGN_IN,
        object_type="authorities.user",
        object_id=user.pk,
        description="Signed in with a password and a second factor",
    )


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        recorder.record(
            Action.SIGN_OUT,
            object_type="authorities.user",
            object_id=user.pk,
            description="Signed out",
        )


_task_tokens: dict[str, object] = {}


def _task_started(sender=None, task_id=None, task=None, **kwargs):
    # Tasks take IDs and act for the service; the request that queued them is logged already.
    actor = context.Actor(label=f"task {getattr(task, 'name', sender)}")
    _task_tokens[task_id] = context._current.set(actor)


def _task_finished(sender=None, task_id=None, **kwargs):
    # Run in-process (no Redis), a task must hand the request its own actor back.
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        with contextlib.suppress(ValueError):  # set in another context: nothing to restore
            context._current.reset(token)


def connect_model(model) -> None:
    """Per model, never for all senders: a delete signal listened to for every model would
    stop Django deleting rows of untracked models in bulk (it would load each row first)."""
    label = model._meta.label_lower
    post_save.connect(_saved, sender=model, dispatch_uid=f"audit_saved_{label}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit_deleted_{label}")


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="audit_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="audit_signed_out")
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, dispatch_uid="audit_task_started", weak=False)
    task_postrun.connect(_task_finished, dispatch_uid="audit_task_finished", weak=False)
