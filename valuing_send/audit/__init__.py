"""The audit log (see ``models.py``). What other code calls:

- ``audit_read(request, obj, description=..., reason=...)`` from any view that shows a child's
  information (child record, needs profile, views, letters, documents);
- ``because(reason)`` around a write whose reason was asked for;
- ``suppressed(summary)`` around bulk generation, then one ``record`` saying what was done;
- ``track("app.Model", child=..., noun=...)`` for a new model of case data (its manager must use
  ``valuing_send.audit.queryset.AuditedQuerySet``).
"""


def audit_read(request, obj, **kwargs):
    from .reads import audit_read as _audit_read

    return _audit_read(request, obj, **kwargs)


def because(reason: str):
    from .context import because as _because

    return _because(reason)


def suppressed(summary: str):
    from .context import suppressed as _suppressed

    return _suppressed(summary)


def record(action, **details):
    from .recorder import record as _record

    return _record(action, **details)


def track(model_label: str, **kwargs):
    from .registry import track as _track

    return _track(model_label, **kwargs)
