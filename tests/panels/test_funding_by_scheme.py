"""Panels show the rules' funding as the scheme names it: bands by name, the annual-equivalent
top-up, and the outcome above the scheme's range; bands asked for and agreed are chosen from
the active scheme's bands by name."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from assessments.rules.codes import NEEDS_DOMAIN_CODES
from panels import services
from panels.codes import CaseKind, CaseStatus
from panels.models import Letter, PanelCase
from tests.factories import complete_assessment

ABOVE = "above the scheme&#x27;s range: exceptional funding agreed individually; refer to panel"
# Every domain looked at for a child of this age (preparing for adulthood starts at 14).
EVERY_DOMAIN = tuple(code for code in NEEDS_DOMAIN_CODES if code != "preparing_for_adulthood")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2025, 3, 3, 10, 0), tick=False):
        yield


def _placement(child, caseworker, levels, default=0):
    complete_assessment(child, caseworker, levels, default=default)
    return services.case_open(child, CaseKind.PLACEMENT, by=caseworker)


def test_a_placement_case_names_the_recommended_band_and_its_annual_top_up(
    client_as, caseworker, panel_member, child, framework
):
    # Speech 3 (6 points), nothing else: Band 1 (6–9 points), £1,500 a year at a mainstream school.
    case = _placement(child, caseworker, {"speech_language": 3})
    recommendation = case.recommendation
    assert (recommendation.band, recommendation.top_up, recommendation.above_range) == (
        1,
        Decimal("1500.00"),
        False,
    )

    detail = client_as(caseworker).get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "Targeted plus; Band 1, £1,500 a year</dd>" in detail
    services.case_move(case, CaseStatus.PLACEMENT_READY, by=caseworker)
    form = client_as(panel_member).get(reverse("decision-create", args=[case.pk])).content
    form = form.decode()
    assert "The rules recommended <strong>Targeted plus</strong> (Band 1, £1,500 a year)" in form
    assert '<option value="7">Band 7</option>' in form  # agreed band, by the scheme's name


def test_above_the_scheme_s_range_reaches_the_case_the_decision_and_the_evidence_pack(
    client_as, caseworker, panel_member, child, framework
):
    case = _placement(child, caseworker, dict.fromkeys(EVERY_DOMAIN, 4))
    assert (case.recommendation.above_range, case.recommendation.band) == (True, None)

    detail = client_as(caseworker).get(reverse("case-detail", args=[case.pk])).content.decode()
    assert f"Targeted plus; {ABOVE}</dd>" in detail or f"Specialist; {ABOVE}</dd>" in detail
    pack = client_as(panel_member).get(reverse("evidence-pack", args=[case.pk])).content.decode()
    assert "<strong>Above the scheme's range</strong>" in pack
    assert ABOVE.replace("above", "Above", 1) in pack
    services.case_move(case, CaseStatus.PLACEMENT_READY, by=caseworker)
    form = client_as(panel_member).get(reverse("decision-create", args=[case.pk])).content
    assert f"({ABOVE})" in form.decode()


def test_funding_asked_for_and_agreed_is_a_band_of_the_active_scheme_by_name(
    client_as, caseworker, panel_member, manager, child, framework
):
    client = client_as(caseworker)
    url = reverse("case-create", args=[child.pk, "placement"])
    page = client.get(url).content.decode()
    assert '<option value="" selected>None asked for</option>' in page
    assert '<option value="3">Band 3</option>' in page
    dates = {"received_date_day": "3", "received_date_month": "2", "received_date_year": "2025"}
    refused = client.post(url, {**dates, "requested_band": "8"})
    assert refused.status_code == 400
    assert "Select a funding band from the list" in refused.content.decode()
    assert not PanelCase.objects.exists()

    response = client.post(url, {**dates, "requested_band": "3", "requested_top_up": "5500"})
    assert response.status_code == 302
    case = PanelCase.objects.get()
    assert (case.requested_band, case.requested_top_up) == (3, 5500)
    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "Band 3 £5,500 a year</dd>" in detail

    services.case_move(case, CaseStatus.PLACEMENT_READY, by=caseworker)
    decided = client_as(panel_member).post(
        reverse("decision-create", args=[case.pk]),
        {
            "version": str(PanelCase.objects.get().version),
            "outcome": "agree",
            "agreed_band": "2",
            "agreed_top_up": "3000",
            "reasons": "The school's costed provision map supports Band 2.",
            "members_present": [str(panel_member.pk), str(manager.pk)],
        },
    )
    assert decided.status_code == 302
    letter = Letter.objects.get()
    assert "The funding agreed is Band 2, £3,000 a year" in letter.html


def test_any_band_of_a_scheme_with_more_than_twenty_can_be_asked_for(
    client_as, caseworker, admin, child, rule_sets, authority_a
):
    from assessments import rulesets

    # Herefordshire's matrix: Local Offer and twenty groups, F4 the 21st band.
    draft = rulesets.ruleset_copy(rule_sets["herefordshire-early-years"], authority_a, by=admin)
    rulesets.ruleset_activate(draft, by=admin)
    client = client_as(caseworker)
    url = reverse("case-create", args=[child.pk, "placement"])
    assert '<option value="21">F4</option>' in client.get(url).content.decode()
    dates = {"received_date_day": "3", "received_date_month": "2", "received_date_year": "2025"}
    assert client.post(url, {**dates, "requested_band": "21"}).status_code == 302
    case = PanelCase.objects.get()
    assert case.requested_band == 21
    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'Funding asked for</dt><dd class="govuk-summary-list__value">F4</dd>' in detail
