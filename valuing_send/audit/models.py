"""The audit log: who read or changed what about a child, when, from where and why.

Rows are only ever added. The database refuses to change or delete them (a trigger installed
by migration 0001, on PostgreSQL and SQLite), and no feature reads them: only the admins' audit
search and the subject-access export in this package do. Foreign keys are plain integers, so
that deleting a child or a user never needs to touch the log."""

from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    READ = "read", "Viewed"
    EXPORT = "export", "Exported"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SEARCH = "search", "Searched"


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=12, choices=Action.choices)
    # Who: a member of staff, an invitation holder (no account), or the system (a task).
    user_id = models.BigIntegerField(null=True, blank=True)
    invitation_id = models.BigIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=254, help_text="The user's email, or what acted")
    authority_id = models.BigIntegerField(null=True, blank=True)
    # What
    object_type = models.CharField(max_length=60, blank=True)  # "assessments.child"
    object_id = models.CharField(max_length=40, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    fields = models.JSONField(default=list, blank=True)  # names only, never values
    # From where and why
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["authority_id", "child_id", "-at"], name="audit_by_child"),
            models.Index(fields=["authority_id", "user_id", "-at"], name="audit_by_user"),
            models.Index(fields=["-at"], name="audit_by_time"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are never deleted")
