"""Views entered by staff on someone's behalf, and every view side by side by domain."""

import pytest
from django.urls import reverse

from panels import services
from panels.codes import CaseKind
from panels.contributions import side_by_side
from panels.models import Contribution
from panels.queries import latest_profile
from tests.factories import complete_assessment


@pytest.fixture
def case(child, caseworker, framework):
    complete_assessment(
        child, caseworker, {"speech_language": 3, "specific_learning": 2}, default=0
    )
    return services.case_open(child, CaseKind.ASSESSMENT_REQUEST, by=caseworker)


def test_a_caseworker_enters_a_parents_view_on_their_behalf(client_as, caseworker, case):
    client = client_as(caseworker)
    url = reverse("contribution-create", args=[case.pk, "parent"])
    page = client.get(url).content.decode()
    # Only the needs the profile found are asked about.
    assert "Speech, language and communication: how much need do they see?" in page
    assert "Vision: how much need" not in page
    missing = client.post(url, {"contributor_name": ""})
    assert missing.status_code == 400
    response = client.post(
        url,
        {
            "contributor_name": "Mrs Jones (mother)",
            "speech_language__level": "4",
            "speech_language__why": "He cannot make himself understood at home",
            "what_works": "Visual timetables",
            "aspirations": "To go to the local secondary with his friends",
        },
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.entered_by == caseworker and contribution.entered_on_behalf
    assert contribution.answers["domains"] == {
        "speech_language": {"level": 4, "why": "He cannot make himself understood at home"}
    }
    assert contribution.answers["aspirations"] == "To go to the local secondary with his friends"
    timeline = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "View received: parent or carer" in timeline
    assert "Entered by Casey Worker on their behalf" in timeline


def test_views_side_by_side_show_where_they_disagree(case, caseworker, child):
    services.contribution_enter(
        case,
        role="parent",
        answers={"domains": {"speech_language": {"level": 4, "why": "At home"}}},
        text="",
        contributor_name="Parent",
        by=caseworker,
    )
    services.contribution_enter(
        case,
        role="professional",
        service="educational_psychology",
        answers={"domains": {"speech_language": {"level": 1}, "specific_learning": {"level": 2}}},
        text="",
        contributor_name="EP",
        by=caseworker,
    )
    _, ratings, definition = latest_profile(child)
    rows = {row.code: row for row in side_by_side(definition, ratings, case.contributions.all())}
    speech = rows["speech_language"]
    assert speech.caseworker == 3
    assert [(v.label, v.level) for v in speech.views] == [
        ("Parent or carer", 4),
        ("Educational psychology", 1),
    ]
    assert speech.disagree  # 4 against 1
    assert not rows["specific_learning"].differs  # everyone says 2


def test_entering_views_is_for_caseworkers_in_the_authority(
    client_as, panel_member, caseworker, case, caseworker_b, child_b
):
    url = reverse("contribution-create", args=[case.pk, "setting"])
    assert client_as(panel_member).get(url).status_code == 403
    other = services.case_open(child_b, CaseKind.PLACEMENT, by=caseworker_b)
    assert (
        client_as(caseworker)
        .get(reverse("contribution-create", args=[other.pk, "setting"]))
        .status_code
        == 404
    )
    assert (
        client_as(caseworker)
        .get(reverse("contribution-create", args=[case.pk, "neighbour"]))
        .status_code
        == 404
    )
    assert client_as(caseworker).delete(url).status_code == 405


def test_the_evidence_pack_sets_views_side_by_side_with_the_profile(
    client_as, panel_member, caseworker, case, child_b, caseworker_b
):
    services.contribution_enter(
        case,
        role="setting",
        answers={
            "domains": {"speech_language": {"level": 1, "why": "Copes with a visual timetable"}},
            "can_provide": "Daily speech group",
        },
        text="",
        contributor_name="SENCo",
        by=caseworker,
    )
    response = client_as(panel_member).get(reverse("evidence-pack", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Evidence pack: {case.reference}, Amy Jones" in html
    # The kind of case inside the heading keeps its abbreviation in capitals.
    assert f"Evidence pack: {case.get_kind_display()[0].lower()}" in html
    assert "ehc" not in html
    assert "Views differ by 2 levels or more on: speech, language and communication" in html
    assert "Copes with a visual timetable" in html and "Daily speech group" in html
    assert "Recommendation" in html  # the stored recommendation and its trace
    other = services.case_open(child_b, CaseKind.PLACEMENT, by=caseworker_b)
    assert client_as(panel_member).get(reverse("evidence-pack", args=[other.pk])).status_code == 404
    assert client_as(panel_member).post(reverse("evidence-pack", args=[case.pk])).status_code == 405
