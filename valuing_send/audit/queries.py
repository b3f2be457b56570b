"""Reading the log: only the admins' audit search and the subject-access export do (no feature
of the service may base anything on it)."""

from django.db.models import Q

from .models import Action, AuditEvent

PERSONAL = (Action.SIGN_IN, Action.SIGN_OUT)


def events_for(authority, *, child_id=None, user_id=None, action=None):
    """The authority's events, newest first; a person's sign-ins (which belong to no authority)
    are included when searching by person."""
    events = AuditEvent.objects.filter(authority_id=authority.pk)
    if user_id is not None:
        events = AuditEvent.objects.filter(
            Q(authority_id=authority.pk) | Q(authority_id__isnull=True, action__in=PERSONAL),
            user_id=user_id,
        )
    if child_id is not None:
        events = events.filter(child_id=child_id)
    if action:
        events = events.filter(action=action)
    return events.order_by("-at", "-pk")


def events_about_child(authority, child_id):
    return AuditEvent.objects.filter(authority_id=authority.pk, child_id=child_id).order_by(
        "at", "pk"
    )
