"""Shared models. ``StatusChange`` is the immutable row every status change writes (see
``valuing_send/core/workflow.py``). ``OutboxMessage``: background work is written to the database
in the same transaction as the change that needs it, then sent to the queue (Redis) after commit;
while Redis is down the rows wait, and ``outbox.flush`` sends them when it is back, so nothing
queued is ever lost.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImmutableRecord(Exception):
    """A status row, once written, is never changed or deleted."""


class StatusChange(models.Model):
    """Who moved a record from one status to another, when and why. Rows are only ever added.

    Concrete subclasses add the foreign key to their subject (named in the subject's
    ``Workflow(subject_field=…)``) and, where people without accounts act through invitations,
    a ``by_invitation`` key; a check constraint on each makes sure an actor is always set."""

    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status} by {self.actor} at {self.at}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(f"{type(self).__name__} rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(f"{type(self).__name__} rows are never deleted")

    @property
    def actor(self):
        """The person who made the change: a staff user, or whoever held the invitation."""
        return self.by or getattr(self, "by_invitation", None)


class OutboxMessage(models.Model):
    task = models.CharField(max_length=200)  # the Celery task's name
    args = models.JSONField(default=list)  # IDs only: never names or dates of birth
    kwargs = models.JSONField(default=dict)
    # Seconds the queue holds the task before a worker takes it (a debounced recompute).
    countdown = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent",
            )
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)} {'sent' if self.sent_at else 'waiting'}"
