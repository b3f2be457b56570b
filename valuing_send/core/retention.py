"""The data-retention policy (docs/retention.md) as code. ``manage.py apply_retention`` runs
it (nightly from cron or a scheduler; ``--dry-run`` says what it would remove).

Each rule finds what is past its time; the command removes it and says how many rows went. The
platform's own rules are here (sessions, sign-in records, sent tasks); each app registers the
rules for what it holds (``register`` from its AppConfig.ready: ``assessments/retention.py``
for children's records and replays). Removals of case data are recorded in the audit log, which
keeps its own, longer, retention (append-only: see docs/retention.md for how it is pruned)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class Rule:
    name: str
    due: Callable  # (today: date, now: datetime) -> QuerySet of what is past its time
    remove: Callable | None = None  # per object; default: delete the queryset


@dataclass
class Outcome:
    rule: str
    count: int


_rules: list[Rule] = []


def register(rule: Rule) -> None:
    if all(existing.name != rule.name for existing in _rules):
        _rules.append(rule)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _days_ago(now, days):
    return now - datetime.timedelta(days=days)


def _platform_rules() -> list[Rule]:
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.sessions.models import Session

    from .models import OutboxMessage

    days = settings.RETENTION_SIGN_IN_RECORDS_DAYS
    return [
        Rule(
            f"Sent background tasks older than {settings.RETENTION_OUTBOX_DAYS} days",
            lambda today, now: OutboxMessage.objects.filter(
                sent_at__lt=_days_ago(now, settings.RETENTION_OUTBOX_DAYS)
            ),
        ),
        Rule(
            f"Sign-in attempt records older than {days} days",
            lambda today, now: AccessAttempt.objects.filter(attempt_time__lt=_days_ago(now, days)),
        ),
        Rule(
            f"Sign-in logs older than {days} days",
            lambda today, now: AccessLog.objects.filter(attempt_time__lt=_days_ago(now, days)),
        ),
        Rule("Expired sessions", lambda today, now: Session.objects.filter(expire_date__lt=now)),
    ]


def apply(*, today: datetime.date | None = None, dry_run: bool = False) -> list[Outcome]:
    from valuing_send.audit import context

    today = today or timezone.localdate()
    now = timezone.now()
    outcomes = []
    with context.acting(context.Actor(label="retention policy")):
        for rule in [*_rules, *_platform_rules()]:
            due = rule.due(today, now)
            count = due.count()
            if count and not dry_run:
                with transaction.atomic():
                    if rule.remove is None:
                        due.delete()
                    else:
                        for obj in due.iterator(chunk_size=200):
                            rule.remove(obj)
            outcomes.append(Outcome(rule.name, count))
    return outcomes
