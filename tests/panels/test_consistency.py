"""The managers' consistency page: decisions by group, override rates, timings."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from panels import services
from panels.codes import CaseKind, CaseStatus
from panels.models import Decision
from tests.factories import ChildFactory, complete_assessment

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0), tick=False):
        yield


def _decide(child, caseworker, decider, outcome, received):
    case = services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=received
    )
    services.case_move(case, CaseStatus.REQUEST_READY, by=caseworker)
    return services.decision_record(case, outcome=outcome, reasons="Because", by=decider)


def test_consistency_groups_decisions_and_counts_overrides(
    client_as, manager, caseworker, panel_member, authority_a, child, framework
):
    complete_assessment(child, caseworker, default=1)  # needs met at SEN support
    other = ChildFactory(authority=authority_a, primary_need="ASD", ethnicity="BAFR")
    _decide(child, caseworker, panel_member, "agree", D(2025, 4, 1))  # overrides: agreed
    _decide(child, caseworker, panel_member, "decline", D(2025, 4, 28))  # follows
    _decide(other, caseworker, panel_member, "defer", D(2025, 5, 1))
    response = client_as(manager).get(reverse("case-consistency"))
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 3
    assert (context["compared"], context["overridden"], context["override_rate"]) == (2, 1, 50.0)
    needs = {row.label: (row.cells, row.agree_rate) for row in context["by_need"]}
    assert needs["Speech, language and communication needs"] == ([1, 1, 0, 0], 50.0)
    assert needs["Autistic spectrum disorder"] == ([0, 0, 1, 0], None)
    ethnicity = {row.label for row in context["by_ethnicity"]}
    assert {"White – British", "Black – African"} <= ethnicity
    [requests, _, _] = context["timings"]
    assert (requests.count, requests.median_days, requests.within) == (2, 48.5, 1)  # 62 and 35 days
    html = response.content.decode()
    assert "<title>Consistency of panel decisions – Valuing SEND</title>" in html
    assert "overrode it" in html


def test_consistency_counts_20_week_timeliness_with_and_without_exceptions(
    client_as, manager, caseworker, child
):
    for received, final, exception in (
        (D(2024, 12, 2), D(2025, 4, 14), False),  # 19 weeks
        (D(2024, 11, 4), D(2025, 4, 14), True),  # 23 weeks, exception applies
        (D(2024, 10, 7), D(2025, 4, 14), False),  # 27 weeks
    ):
        case = services.case_open(
            child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=received
        )
        services.case_update(
            case,
            {"draft_plan_date": final - datetime.timedelta(days=20), "final_plan_date": final},
            expected_version=1,
            by=caseworker,
        )
        if exception:
            services.exception_record(
                case,
                clock="final_plan",
                reason="absent_from_area",
                recorded_on=final,
                note="Away",
                by=caseworker,
            )
    timeliness = client_as(manager).get(reverse("case-consistency")).context["timeliness"]
    assert (timeliness.issued, timeliness.within_20_weeks) == (3, 1)
    assert (
        timeliness.issued_excluding_exceptions,
        timeliness.within_20_weeks_excluding_exceptions,
    ) == (2, 1)


def test_consistency_period_errors_and_permissions(client_as, manager, caseworker):
    response = client_as(manager).get(
        reverse("case-consistency"),
        {
            "start_day": "1",
            "start_month": "6",
            "start_year": "2025",
            "end_day": "1",
            "end_month": "1",
            "end_year": "2025",
        },
    )
    assert response.status_code == 400
    assert "The end of the period must be on or after its start" in response.content.decode()
    assert client_as(caseworker).get(reverse("case-consistency")).status_code == 403
    assert client_as(manager).post(reverse("case-consistency")).status_code == 405


def test_consistency_shows_only_this_authoritys_decisions(
    client_as, manager, caseworker_b, child_b, authority_b
):
    from tests.factories import MembershipFactory
    from valuing_send.authorities.models import Role

    decider = MembershipFactory(authority=authority_b, role=Role.PANEL_MEMBER).user
    _decide(child_b, caseworker_b, decider, "agree", D(2025, 4, 1))
    assert Decision.objects.count() == 1
    assert client_as(manager).get(reverse("case-consistency")).context["total"] == 0


def test_advice_turnaround_by_service(client_as, manager, caseworker, child):
    case = services.case_open(
        child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=D(2025, 3, 3)
    )
    on_time = services.advice_request(
        case, service="health", asked_on=D(2025, 3, 10), by=caseworker
    )
    services.advice_received(on_time, received_on=D(2025, 4, 7), by=caseworker)  # 28 days
    late = services.advice_request(case, service="health", asked_on=D(2025, 3, 10), by=caseworker)
    services.advice_received(late, received_on=D(2025, 5, 12), by=caseworker)  # 63 days
    services.advice_request(
        case, service="educational_psychology", asked_on=D(2025, 3, 17), by=caseworker
    )  # still outstanding on 2 June: overdue
    rows = {
        r.service: r for r in client_as(manager).get(reverse("case-consistency")).context["advice"]
    }
    health = rows["Health"]
    assert (health.asked, health.received, health.within_6_weeks, health.median_days) == (
        2,
        2,
        1,
        45.5,
    )
    assert (rows["Educational psychology"].outstanding, rows["Educational psychology"].overdue) == (
        1,
        1,
    )
