"""Writing audit events. Everything here appends; nothing reads the log back."""

from . import context
from .models import Action, AuditEvent
from .registry import spec_for

WRITES = {Action.CREATE, Action.UPDATE, Action.DELETE}
_LABELS = dict(Action.choices)


def _event(
    action,
    *,
    object_type="",
    object_id="",
    child_id=None,
    authority_id=None,
    description="",
    fields=(),
    reason=None,
) -> AuditEvent:
    actor = context.current()
    return AuditEvent(
        action=action,
        user_id=actor.user_id,
        invitation_id=actor.invitation_id,
        actor=actor.label[:254],
        authority_id=authority_id,
        object_type=object_type,
        object_id=str(object_id or "")[:40],
        child_id=child_id,
        description=description[:200],
        fields=sorted(fields),
        ip_address=actor.ip_address,
        request_id=actor.request_id,
        path=actor.path,
        reason=reason if reason is not None else actor.reason,
    )


def record(action, **details) -> AuditEvent | None:
    if action in WRITES and context.current().suppressed:
        return None
    event = _event(action, **details)
    event.save()
    return event


def record_instance(action, instance, *, fields=(), description="", reason=None):
    spec = spec_for(type(instance))
    if spec is None:
        return None
    return record(
        action,
        object_type=spec.label,
        object_id=instance.pk,
        child_id=spec.child_of(instance),
        authority_id=spec.authority_of(instance),
        description=description or f"{_LABELS[action]} {spec.noun}",
        fields=fields,
        reason=reason,
    )


def record_rows(action, model, rows, *, fields=()) -> None:
    """``rows``: (pk, child id, authority id) for each row an update or bulk create touched."""
    spec = spec_for(model)
    if spec is None or not rows or context.current().suppressed:
        return
    AuditEvent.objects.bulk_create(
        _event(
            action,
            object_type=spec.label,
            object_id=pk,
            child_id=child_id if spec.child else None,
            authority_id=authority_id if spec.authority else None,
            description=f"{_LABELS[action]} {spec.noun}",
            fields=fields,
        )
        for pk, child_id, authority_id in rows
    )
