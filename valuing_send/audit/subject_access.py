"""Everything the service holds about one child, as JSON, for a subject access request (UK GDPR
article 15): the child's record, every needs profile with its ratings, status changes,
recommendations (with the plain-English trace) and decisions beside them, replay results, the
sections other apps register (panel cases, views, letters) and who has read or changed any of it.

Apps add what they hold with ``register("panel_cases", fn)``: ``fn(child)`` returns a list of
plain dicts (``rows(queryset)`` makes them from model rows)."""

import datetime
import decimal
from collections.abc import Callable

from django.apps import apps
from django.utils import timezone

from .queries import events_about_child

_sections: dict[str, Callable] = {}


def register(name: str, fn: Callable) -> None:
    _sections[name] = fn


def plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def row(obj, exclude=()) -> dict:
    """A model row as plain data: every concrete field, foreign keys as ids."""
    return {
        field.attname: plain(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.name not in exclude
    }


def rows(queryset, exclude=()) -> list[dict]:
    return [row(obj, exclude) for obj in queryset]


def _assessments(child) -> list[dict]:
    result = []
    for assessment in child.assessments.order_by("created_at", "pk"):
        data = row(assessment)
        data["ratings"] = rows(assessment.ratings.order_by("domain"))
        data["status_changes"] = rows(assessment.status_changes.all())
        recommendations = []
        for recommendation in assessment.recommendations.order_by("created_at", "pk"):
            item = row(recommendation)
            item["overrides"] = rows(recommendation.overrides.order_by("at", "pk"))
            recommendations.append(item)
        data["recommendations"] = recommendations
        result.append(data)
    return result


def _replay_changes(child) -> list[dict]:
    ReplayChange = apps.get_model("assessments", "ReplayChange")
    return rows(ReplayChange.objects.filter(child=child).order_by("pk"))


register("needs_profiles", _assessments)
register("replay_results", _replay_changes)


def export(child, *, by) -> dict:
    return {
        "about": "Everything Valuing SEND holds about this child, for a subject access request",
        "generated_at": timezone.now().isoformat(),
        "generated_by": by.email,
        **held_about(child),
    }


def held_about(child) -> dict:
    """The export's content (the JSON file's and the PDF's): the authority, the child's record,
    every registered section and the access log."""
    authority = child.authority
    record = row(child)
    record["current_setting_name"] = child.current_setting.name if child.current_setting else None
    record["caseworker_name"] = child.caseworker.full_name if child.caseworker else None
    return {
        "authority": {"name": authority.name, "la_code": authority.la_code},
        "child": record,
        **{name: fn(child) for name, fn in _sections.items()},
        "access_log": [
            {
                "at": plain(event.at),
                "who": event.actor,
                "action": event.get_action_display(),
                "what": event.description,
                "object": f"{event.object_type} {event.object_id}".strip(),
                "fields": event.fields,
                "from_address": event.ip_address,
                "reason": event.reason,
            }
            for event in events_about_child(authority, child.pk)
        ],
    }
