import re

import pytest
from django.urls import reverse

from assessments import recommendations, rulesets
from assessments.models import Override, Recommendation, RuleSetStatus
from tests.factories import complete_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(child, caseworker, framework):
    # Speech and language at 3, the rest at 1 (the child is under 14: 11 domains).
    return complete_assessment(child, caseworker, {"speech_language": 3})


def test_completing_stores_the_recommendation_with_its_trace(completed, rule_sets):
    recommendation = completed.recommendations.get()
    assert recommendation.rule_set == rule_sets["valuing-send-default"]
    # default rule set: level 3 = 6 points, ten domains at level 1 = 10 → 16 points; band 3 starts at 15
    assert recommendation.total_points == 16
    assert recommendation.band == 3
    assert recommendation.tier == "targeted_plus"  # a domain at level 3
    assert recommendation.top_up == 5500  # band 3 at a mainstream school, £ a year (Decimal)
    assert str(recommendation.top_up) == "5500.00" and not recommendation.above_range
    assert recommendation.result["band"]["label"] == "Band 3"
    assert recommendation.result["top_up_text"] == "£5,500 a year"
    assert recommendation.result["above_range"] is False
    assert recommendation.mainstream_capable  # Oakfield meets level 2, +1 with top-up reaches 3
    assert (
        recommendation.classification == "under_supported"
    )  # SEN support held, targeted plus needed
    assert (
        "Speech, language and communication at level 3 gives 6 points"
        in recommendation.result["trace"]
    )
    assert recommendation.result["for_parents"]


def test_summary_and_child_page_show_recommendation_trace_and_matches(
    client_as, panel_member, completed, oakfield
):
    for url in (
        reverse("assessment-summary", args=[completed.pk]),
        reverse("child-detail", args=[completed.child_id]),
    ):
        html = client_as(panel_member).get(url).content.decode()
        assert "Advice, not a decision" in html
        assert "<strong>Targeted plus</strong>" in html
        assert "Band 3 (15–20 points)" in html
        assert "£5,500 a year at the current setting" in html
        assert "Under-supported" in html
        assert "How this was worked out" in html
        assert "Speech, language and communication at level 3 gives 6 points" in html
        assert (
            f'href="{reverse("setting-detail", args=[oakfield.pk])}">Oakfield Primary School</a>'
            in html
        )


def test_draft_shows_a_provisional_recommendation_that_is_not_stored(
    client_as, caseworker, child, framework
):
    from assessments.services import assessment_start

    draft, _ = assessment_start(child, by=caseworker)
    html = (
        client_as(caseworker).get(reverse("assessment-summary", args=[draft.pk])).content.decode()
    )
    assert "Provisional: worked out from the answers so far" in html
    assert not Recommendation.objects.exists()


class TestOverride:
    def test_decision_is_recorded_beside_the_unchanged_recommendation(
        self, client_as, caseworker, completed
    ):
        recommendation = completed.recommendations.get()
        response = client_as(caseworker).post(
            reverse("override-create", args=[recommendation.pk]),
            {
                "tier": "sen_support",
                "band": "",
                "provision": "Small-group language work",
                "reason": "Panel judged the therapy report out of date; review in 6 months.",
            },
        )
        assert response.status_code == 302
        override = Override.objects.get()
        assert (override.tier, override.by, override.recommendation) == (
            "sen_support",
            caseworker,
            recommendation,
        )
        recommendation.refresh_from_db()
        assert recommendation.tier == "targeted_plus"  # never replaced
        html = (
            client_as(caseworker)
            .get(reverse("assessment-summary", args=[completed.pk]))
            .content.decode()
        )
        assert "Decision recorded by Casey Worker" in html
        assert "Panel judged the therapy report out of date" in html
        assert "<strong>Targeted plus</strong>" in html

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"tier": "sen_support", "reason": ""}, "Enter the reason for the decision"),
            ({"tier": "sen_support", "reason": "no"}, "Explain the reason in a sentence or more"),
            (
                {"tier": "gold", "reason": "A good long reason here."},
                "Select a support tier from the list",
            ),
            (
                {"tier": "sen_support", "band": "99", "reason": "A good long reason here."},
                "Select a funding band from the list",
            ),
        ],
    )
    def test_bad_input_is_explained_and_nothing_saved(
        self, client_as, caseworker, completed, data, message
    ):
        recommendation = completed.recommendations.get()
        response = client_as(caseworker).post(
            reverse("override-create", args=[recommendation.pk]), data
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Override.objects.exists()

    def test_any_band_of_the_recommendations_rule_set_can_be_decided(
        self, client_as, caseworker, completed
    ):
        recommendation = completed.recommendations.get()
        assert [band.number for band in recommendation.rule_set.ruleset.bands] == list(range(1, 8))
        client = client_as(caseworker)
        page = client.get(reverse("override-create", args=[recommendation.pk])).content.decode()
        assert "The bands of Valuing SEND default 2025.3" in page
        response = client.post(
            reverse("override-create", args=[recommendation.pk]),
            {"tier": "specialist", "band": "7", "reason": "Panel agreed the top band for now."},
        )
        assert response.status_code == 302
        assert Override.objects.get().band == 7

    def test_admins_cannot_override(self, client_as, admin, completed):
        recommendation = completed.recommendations.get()
        assert (
            client_as(admin).get(reverse("override-create", args=[recommendation.pk])).status_code
            == 403
        )

    def test_another_authoritys_recommendation_is_not_found(
        self, client_as, caseworker_b, completed
    ):
        recommendation = completed.recommendations.get()
        response = client_as(caseworker_b).post(
            reverse("override-create", args=[recommendation.pk]),
            {"tier": "universal", "reason": "Trying to change another council's case."},
        )
        assert response.status_code == 404
        assert not Override.objects.exists()


def test_refresh_under_the_active_rule_set_keeps_the_old_one(
    client_as, caseworker, admin, completed, authority_a, rule_sets
):
    draft = rulesets.ruleset_copy(rule_sets["eleven-domain-tariffs"], authority_a, by=admin)
    rulesets.ruleset_activate(draft, by=admin)
    client = client_as(caseworker)
    html = client.get(reverse("assessment-summary", args=[completed.pk])).content.decode()
    assert "Work it out under the current rules" in html
    assert client.get(reverse("recommendation-refresh", args=[completed.pk])).status_code == 405
    client.post(reverse("recommendation-refresh", args=[completed.pk]))
    current = completed.recommendations.current().get()
    assert current.rule_set == draft
    old = completed.recommendations.exclude(pk=current.pk).get()
    assert old.superseded_at is not None and old.rule_set == rule_sets["valuing-send-default"]
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.ACTIVE and rulesets.is_used(draft)


def test_family_view_is_plain_language_without_codes_or_money(client_as, caseworker, completed):
    html = client_as(caseworker).get(reverse("family-view", args=[completed.pk])).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "What we understand about Amy" in main
    assert "Significant needs, with specialist advice and support" in main  # speech at level 3
    assert "This is a starting point for a conversation with you" in main
    # Amy is 9: preparing for adulthood (from 14) is not one of the areas looked at.
    assert "We looked at your child&#x27;s needs in 11 areas" in main
    assert "£" not in main
    assert not re.search(r"\b(SLCN|targeted_plus|sen_support|EHC)\b", main)


def test_family_view_of_another_authority_is_not_found(client_as, caseworker_b, completed):
    assert (
        client_as(caseworker_b).get(reverse("family-view", args=[completed.pk])).status_code == 404
    )


def test_bulk_recommendations_match_one_by_one_and_get_their_detail_when_opened(
    client_as, caseworker, authority_a, oakfield, framework
):
    from tests.factories import ChildFactory

    children = [ChildFactory(authority=authority_a, current_setting=oakfield) for _ in range(6)]
    assessments = [
        complete_assessment(child, caseworker, {"speech_language": i % 5, "hearing": (i * 3) % 5})
        for i, child in enumerate(children)
    ]
    expected = {a.pk: a.recommendations.get() for a in assessments}
    Recommendation.objects.all().delete()
    assert recommendations.recommendations_store_bulk(authority_a) == 6
    assert recommendations.recommendations_store_bulk(authority_a) == 0  # only where missing
    for assessment in assessments:
        bulk = assessment.recommendations.get()
        one = expected[assessment.pk]
        assert (
            bulk.tier,
            bulk.band,
            bulk.total_points,
            bulk.top_up,
            bulk.above_range,
            bulk.mainstream_capable,
            bulk.classification,
        ) == (
            one.tier,
            one.band,
            one.total_points,
            one.top_up,
            one.above_range,
            one.mainstream_capable,
            one.classification,
        )
        assert bulk.result == {}
    html = (
        client_as(caseworker)
        .get(reverse("assessment-summary", args=[assessments[3].pk]))
        .content.decode()
    )
    assert "How this was worked out" in html  # worked out in memory for the page
    assert assessments[3].recommendations.get().result == {}  # a page never writes
    from assessments.tasks import recommendation_details_fill

    recommendation_details_fill(authority_a.pk)
    filled = assessments[3].recommendations.get()
    assert filled.result["trace"] == expected[assessments[3].pk].result["trace"]
    assert all(a.recommendations.get().result for a in assessments)


def test_the_childs_current_setting_is_listed_first_among_settings_that_meet_every_need(
    client_as, caseworker, child, oakfield, framework, authority_a
):
    from tests.factories import SettingFactory

    # Ten schools more ready in general than Oakfield (level 2 everywhere): the list holds ten.
    for number in range(10):
        SettingFactory(
            authority=authority_a, name=f"Ready School {number}", capabilities__default_level=3
        )
    completed = complete_assessment(child, caseworker, {"speech_language": 3})
    html = client_as(caseworker).get(reverse("assessment-summary", args=[completed.pk])).content
    html = html.decode()
    table = html[html.index("Local settings that can meet every need") :]
    table = table[: table.index("</table>")]
    assert table.index("Oakfield Primary School") < table.index("Ready School 0")
    assert (
        'Oakfield Primary School</a> <strong class="govuk-tag govuk-tag--blue">Current setting</strong>'
        in table
    )
    assert table.count("Ready School") == 9
    assert "is not listed because" not in html


def test_a_current_setting_that_cannot_meet_every_need_is_named_with_the_reason(
    client_as, caseworker, child, oakfield, framework, authority_a
):
    from tests.factories import SettingFactory

    SettingFactory(authority=authority_a, name="Elm Academy", capabilities__default_level=4)
    completed = complete_assessment(child, caseworker, {"speech_language": 4})
    html = client_as(caseworker).get(reverse("assessment-summary", args=[completed.pk])).content
    html = html.decode()
    assert (
        "Oakfield Primary School, the child's current setting, is not listed because it "
        "cannot meet every need: it falls short in speech, language and communication." in html
    )


def test_above_the_scheme_s_range_on_the_profile_the_child_page_and_the_family_view(
    client_as, caseworker, child, framework
):
    everything = dict.fromkeys(("speech_language", "social_communication", "general_learning", "specific_learning", "emotional_wellbeing", "behaviour_regulation", "hearing", "vision", "physical_mobility", "medical_health", "independence_self_care"), 4)  # fmt: skip
    assessment = complete_assessment(child, caseworker, everything)
    stored = assessment.recommendations.get()
    # 20 + 20 + 20 + 20 (cap) + 10 = 90 points, above band 7's 64: no band, no amount.
    assert (stored.total_points, stored.band, stored.top_up, stored.above_range) == (
        90,
        None,
        None,
        True,
    )
    assert stored.result["above_range_outcome"] == (
        "above the scheme's range: exceptional funding agreed individually; refer to panel"
    )
    client = client_as(caseworker)
    for url in (
        reverse("assessment-summary", args=[assessment.pk]),
        reverse("child-detail", args=[child.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<strong>Above the scheme's range</strong>" in html
        assert (
            "Above the scheme&#x27;s range: exceptional funding agreed individually; refer to "
            "panel." in html
        )
    family = client.get(reverse("family-view", args=[assessment.pk])).content.decode()
    assert "will be agreed for them individually by a panel" in family


def test_override_offers_the_scheme_s_bands_by_name(client_as, caseworker, completed):
    recommendation = completed.recommendations.get()
    html = (
        client_as(caseworker)
        .get(reverse("override-create", args=[recommendation.pk]))
        .content.decode()
    )
    assert '<option value="3" selected>Band 3</option>' in html
    assert "The rules recommended <strong>Targeted plus</strong>, Band 3." in html
