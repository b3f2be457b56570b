"""The Valuing SEND classification against what is held and requested."""

import pytest

from assessments.rules.classification import classify
from tests.rules.helpers import run, setting, small_ruleset

U, S, T, X = 0, 1, 2, 3  # universal, SEN support, targeted plus, specialist

RULESET = small_ruleset()


@pytest.mark.parametrize(
    ("recommended", "held", "requested", "capable", "rising", "band", "claimed", "expected"),
    [
        # A plan held (T) but needs met at SEN support.
        (S, T, None, False, False, None, None, "could_be_prevented"),
        # A plan requested from SEN support, needs met at universal.
        (U, S, T, False, False, None, None, "could_be_prevented"),
        # The same request while need is rising: not yet, rather than not needed.
        (S, S, T, False, True, None, None, "could_be_delayed"),
        # A specialist place held; Targeted plus in mainstream would do.
        (T, X, None, True, False, 3, None, "could_be_reduced"),
        # …but not when no mainstream setting can meet the needs.
        (T, X, None, False, False, 3, None, "appropriately_placed"),
        # A specialist place requested by a plan holder; mainstream can meet the needs.
        (T, T, X, True, False, 3, 3, "could_be_reduced"),
        # …and no mainstream setting can: the escalation could be delayed.
        (T, T, X, False, False, 3, 3, "could_be_delayed"),
        # Same tier, held band 4 above the recommended band 2.
        (T, T, None, True, False, 2, 4, "could_be_reduced"),
        # Same tier, held band equal to the recommended band.
        (T, T, None, True, False, 2, 2, "appropriately_placed"),
        # Increased funding asked (claimed band 3) but band 2 recommended.
        (T, T, T, True, False, 2, 3, "could_be_reduced"),
        # Increased funding asked and supported.
        (T, T, T, True, False, 3, 3, "appropriately_placed"),
        # A held band against no recommended band.
        (S, S, None, True, False, None, 1, "could_be_reduced"),
        # Needs exceed what is held and asked for.
        (T, S, None, True, False, 2, None, "under_supported"),
        (X, T, T, False, False, 5, 3, "under_supported"),
        # …but not when the request covers them.
        (X, T, X, False, False, 5, 3, "appropriately_placed"),
        # Nothing held, nothing needed.
        (U, U, None, True, False, None, None, "appropriately_placed"),
        # SEN support held and recommended.
        (S, S, None, True, False, None, None, "appropriately_placed"),
    ],
)
def test_classify(recommended, held, requested, capable, rising, band, claimed, expected):
    result = classify(
        recommended=recommended,
        held=held,
        requested=requested,
        mainstream_capable=capable,
        need_rising=rising,
        recommended_band=band,
        claimed_band=claimed,
    )

    assert result == expected


@pytest.mark.parametrize(
    ("status", "current_type", "held"),
    [
        ("N", None, "universal"),
        ("K", "mainstream", "sen_support"),
        ("E", "mainstream", "targeted_plus"),
        ("E", "state_special", "specialist"),
        ("E", "independent_special", "specialist"),
        ("E", "ap", "specialist"),
        # SEN support in a special school is still held at SEN support.
        ("K", "state_special", "sen_support"),
    ],
)
def test_held_tier(status, current_type, held):
    recommendation = run(RULESET, {}, sen_status=status, current_setting_type=current_type)

    assert recommendation.held_tier == held


def test_held_tier_mapping_is_configurable():
    ruleset = small_ruleset(
        classification={
            "held_tier": {"N": "universal", "K": "sen_support", "E": "targeted_plus"},
            "specialist_setting_types": ["independent_special"],
        }
    )

    assert run(ruleset, {}, sen_status="E", current_setting_type="ap").held_tier == "targeted_plus"


@pytest.mark.parametrize(
    ("request_code", "held_band", "requested_tier", "requested_band"),
    [
        ("none", None, None, None),
        ("ehc_assessment", None, "targeted_plus", None),
        ("ehc_plan", None, "targeted_plus", None),
        ("specialist_placement", 2, "specialist", None),
        # Held tier, one band up.
        ("increased_funding", 2, "targeted_plus", 3),
        # With no band held, the first band.
        ("increased_funding", None, "targeted_plus", 1),
    ],
)
def test_requested_tier(request_code, held_band, requested_tier, requested_band):
    recommendation = run(RULESET, {}, sen_status="E", held_band=held_band, request=request_code)

    assert (recommendation.requested_tier, recommendation.requested_band) == (
        requested_tier,
        requested_band,
    )


class TestEndToEnd:
    def test_plan_requested_for_needs_met_at_sen_support_could_be_prevented(self):
        recommendation = run(RULESET, {"speech": 2}, sen_status="K", request="ehc_plan")

        assert recommendation.classification == "could_be_prevented"
        assert recommendation.classification_label == "Could be prevented"
        assert (
            "A plan is held or requested (Targeted plus), but the needs can be met at SEN "
            "support, so the need for a plan could be prevented" in recommendation.trace
        )

    def test_specialist_place_requested_but_mainstream_meets_could_be_reduced(self):
        recommendation = run(
            RULESET,
            {"speech": 3},
            [setting(1, name="Oakfield Primary", speech=2)],
            sen_status="E",
            current_setting_id=1,
            request="specialist_placement",
        )

        assert recommendation.tier == "targeted_plus"
        assert recommendation.classification == "could_be_reduced"

    def test_rising_need_is_traced_and_delays_rather_than_prevents(self):
        recommendation = run(
            RULESET,
            {"speech": 2, "reading": 1},
            sen_status="K",
            request="ehc_assessment",
            previous_levels={"speech": 1, "reading": 1},
        )

        assert recommendation.classification == "could_be_delayed"
        assert recommendation.rising_domains == ("speech",)
        assert "Need has risen since the previous assessment in Speech (1 to 2)" in (
            recommendation.trace
        )

    def test_steady_need_is_traced(self):
        recommendation = run(
            RULESET, {"speech": 2}, sen_status="K", previous_levels={"speech": 2, "hearing": 1}
        )

        assert recommendation.rising_domains == ()
        assert "No need has risen since the previous assessment" in recommendation.trace

    def test_needs_beyond_what_is_held_are_under_supported(self):
        recommendation = run(RULESET, {"speech": 3}, sen_status="N")

        assert recommendation.classification == "under_supported"
        assert (
            "The recommended tier, Targeted plus, is above what is held and requested "
            "(Universal), so the child is under-supported" in recommendation.trace
        )

    def test_higher_band_held_than_needed_could_be_reduced(self):
        # Speech 3: 12 points, Band B (2); Band C (3) is held.
        recommendation = run(
            RULESET,
            {"speech": 3},
            [setting(1, speech=3)],
            sen_status="E",
            current_setting_id=1,
            held_band=3,
        )

        assert recommendation.classification == "could_be_reduced"
        assert (
            "A higher band is held or requested than the Band B the needs score, so the funding "
            "could be reduced" in recommendation.trace
        )
