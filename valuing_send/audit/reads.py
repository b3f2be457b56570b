"""Recording that someone looked at a child's information: one call from a view (or an
invitation page, or a worker building a document)."""

from . import recorder
from .models import Action
from .registry import spec_for


def audit_read(request, obj, *, description: str = "", reason: str = "", child_id=None):
    """Record that the person behind ``request`` viewed ``obj`` (a child, a needs profile, a
    contribution, a letter...). Works for any model: tracked ones know their child and authority;
    others are read from ``obj.child_id``/``obj.authority_id`` (or pass ``child_id``)."""
    spec = spec_for(type(obj))
    if spec is not None:
        object_type = spec.label
        found_child = spec.child_of(obj)
        authority_id = spec.authority_of(obj)
        noun = spec.noun
    else:
        object_type = obj._meta.label_lower
        found_child = getattr(obj, "child_id", None)
        authority_id = getattr(obj, "authority_id", None)
        noun = obj._meta.verbose_name
    recorder.record(
        Action.READ,
        object_type=object_type,
        object_id=obj.pk,
        child_id=child_id if child_id is not None else found_child,
        authority_id=authority_id,
        description=description or f"Viewed {noun}",
        reason=reason,
    )
