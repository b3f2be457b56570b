"""The daily email of what falls due: to each caseworker, once a day, with no names."""

import datetime

import pytest
from django.core import mail

from panels import services, tasks
from panels.codes import CaseKind
from panels.models import DigestSent
from tests.factories import ChildFactory

D = datetime.date
TODAY = D(2025, 3, 3)


@pytest.fixture
def cases(child, caseworker, authority_a):
    other = ChildFactory(authority=authority_a, first_name="Zed", last_name="Quill")
    overdue = services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=D(2025, 1, 6)
    )
    soon = services.case_open(
        other, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=D(2025, 1, 22)
    )
    later = services.case_open(
        other, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=D(2025, 2, 20)
    )
    return overdue, soon, later


def test_the_digest_lists_references_and_dates_never_names(cases, caseworker, authority_a):
    overdue, soon, later = cases
    assert tasks.deadline_digest_send(caseworker.pk, authority_a.pk, TODAY.isoformat())
    [email] = mail.outbox
    assert email.to == [caseworker.email]
    assert email.subject == "Valuing SEND: 1 overdue, 1 due this week"
    assert (
        f"{overdue.reference} (Assessment request): Decide whether to assess, was due 17 February 2025 (overdue)"
        in email.body
    )
    assert (
        f"{soon.reference} (Assessment request): Decide whether to assess, due 5 March 2025"
        in email.body
    )
    assert later.reference not in email.body
    for sensitive in ("Amy", "Jones", "Zed", "Quill", "Casey"):
        assert sensitive not in email.body and sensitive not in email.subject
    assert "/cases/" in email.body


def test_the_digest_is_sent_once_a_day(cases, caseworker, authority_a):
    assert tasks.deadline_digest_send(caseworker.pk, authority_a.pk, TODAY.isoformat())
    assert not tasks.deadline_digest_send(caseworker.pk, authority_a.pk, TODAY.isoformat())
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get().cases == 2


def test_nothing_is_sent_when_nothing_falls_due_or_to_someone_no_longer_a_caseworker(
    cases, caseworker, panel_member, authority_a
):
    assert not tasks.deadline_digest_send(caseworker.pk, authority_a.pk, "2025-01-07")
    assert not tasks.deadline_digest_send(panel_member.pk, authority_a.pk, TODAY.isoformat())
    assert mail.outbox == []


def test_the_morning_run_queues_one_email_per_caseworker_with_something_due(
    cases, caseworker, caseworker_b, child_b, django_capture_on_commit_callbacks
):
    services.case_open(
        child_b, CaseKind.ASSESSMENT_REQUEST, by=caseworker_b, received_date=D(2024, 12, 2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        queued = tasks.deadline_digests_send(TODAY.isoformat())
    assert queued == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([caseworker.email, caseworker_b.email])


def test_the_beat_schedule_runs_the_digest_each_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["panels-deadline-digests"]
    assert entry["task"] == "panels.tasks.deadline_digests_send"
    assert entry["schedule"].hour == {7}
