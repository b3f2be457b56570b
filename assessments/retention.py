"""Retention rules for what this app holds (docs/retention.md), registered with the platform's
policy (``valuing_send/core/retention.py``) when the app loads."""

import datetime

from django.conf import settings

from valuing_send.core.retention import Rule, register, years_before


def _children_due(today, now):
    from .models import Child

    # IRMS guidance for SEND files: the child's date of birth + 31 years.
    born_before = years_before(today, settings.RETENTION_CHILD_YEARS_AFTER_BIRTH)
    return Child.objects.filter(date_of_birth__lt=born_before)


def _erase(child):
    from .services import child_erase

    child_erase(child, by=None)


def _replays_due(today, now):
    from .models import ReplayRun

    return ReplayRun.objects.filter(
        requested_at__lt=now - datetime.timedelta(days=settings.RETENTION_REPLAY_DAYS)
    )


def register_rules() -> None:
    register(
        Rule(
            "Children's records past their retention (date of birth + "
            f"{settings.RETENTION_CHILD_YEARS_AFTER_BIRTH} years), with every needs profile",
            _children_due,
            _erase,
        )
    )
    register(
        Rule(f"Caseload replays older than {settings.RETENTION_REPLAY_DAYS} days", _replays_due)
    )
