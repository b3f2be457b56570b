"""Optimistic locking: records two people may edit carry a ``version`` that every save checks.

A save names the version the user started from; if someone else saved in between, the update
matches no row and ``ConflictError`` carries the record as it is now, so the view can show both
the other person's values and the user's own (nothing is silently overwritten or lost).
"""

from dataclasses import dataclass

from django.db import connection


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


def advisory_xact_lock(first: int, second: int, *, shared: bool = False) -> None:
    """Until the transaction ends, PostgreSQL's advisory lock on the pair of keys (``first``
    names what is locked, ``second`` whose: usually an authority's id), alone or ``shared``
    with other shared holders. Nothing on SQLite, which runs one writing transaction at a
    time anyway."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [first, second])


@dataclass(frozen=True)
class Difference:
    """One answer where the record saved by someone else differs from the user's own."""

    label: str
    theirs: str
    yours: str


NOT_RECORDED = "Not recorded"


def differences(fields, *, show=None) -> list[Difference]:
    """The "theirs and yours" rows a conflict page shows (``templates/govuk/differences.html``).

    ``fields`` holds ``(label, theirs, yours)`` or ``(label, theirs, yours, show)``; only
    fields whose values differ make a row (nothing recorded, None or "", counts as one value),
    each value shown through its ``show`` (or the default ``show``, else ``str``), with
    "Not recorded" for an empty one."""
    rows = []
    for label, theirs, yours, *own_show in fields:
        if _empty(theirs) and _empty(yours) or theirs == yours:
            continue
        display = own_show[0] if own_show else show or str
        rows.append(
            Difference(
                str(label),
                NOT_RECORDED if _empty(theirs) else display(theirs),
                NOT_RECORDED if _empty(yours) else display(yours),
            )
        )
    return rows


def _empty(value) -> bool:
    return value is None or value == ""
