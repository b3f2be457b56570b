"""Optimistic locking: records two people may edit carry a ``version`` that every save checks.

A save names the version the user started from; if someone else saved in between, the update
matches no row and ``ConflictError`` carries the record as it is now, so the view can show both
the other person's values and the user's own (nothing is silently overwritten or lost).
"""


class ConflictError(Exception):
    def __init__(self, current):
        super().__init__("The record was changed by someone else")
        self.current = current


def save_versioned(instance, expected_version: int, *, version_field: str = "version", **changes):
    """Apply ``changes`` to ``instance``'s row only if its version is still
    ``expected_version``, bumping the version (and ``updated_at`` where the model has one).
    Raises ConflictError with the row as it is now; otherwise refreshes ``instance``."""
    from django.db.models import F
    from django.utils import timezone

    model = type(instance)
    if any(field.name == "updated_at" for field in model._meta.fields):
        changes.setdefault("updated_at", timezone.now())
    updated = model._default_manager.filter(
        pk=instance.pk, **{version_field: expected_version}
    ).update(**{version_field: F(version_field) + 1}, **changes)
    if not updated:
        raise ConflictError(model._default_manager.get(pk=instance.pk))
    instance.refresh_from_db()
    return instance
