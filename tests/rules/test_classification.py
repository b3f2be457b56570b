"""The Valuing SEND classification against what is held and requested."""

import pytest

from assessments.rules import SettingsRegister, evaluate, parse_ruleset
from assessments.rules.classification import classify
from tests.rules.helpers import profile, run, setting, small_data, small_ruleset


def twenty_band_scheme():
    """The small scheme's domains on a twenty-step scale: one point a step, £100 a step."""
    data = small_data()
    data["schema_version"] = 2
    data["id"] = "twenty"
    data["name"] = "Twenty steps"
    del data["funding"]
    data["bands"] = [
        {"name": f"Step {n}", "min_points": n, "max_points": n if n < 20 else 60, "top_up": n * 100}
        for n in range(1, 21)
    ]
    return parse_ruleset(data, "twenty.yaml")


U, S, T, X = 0, 1, 2, 3  # universal, SEN support, targeted plus, specialist

RULESET = small_ruleset()


# Funding in pence a year at the same type of setting; None where not known.
NONE, LOW, MID, HIGH = 0, 300_000, 550_000, 850_000


@pytest.mark.parametrize(
    ("recommended", "held", "requested", "capable", "rising", "funding", "claimed", "expected"),
    [
        # A plan held (T) but needs met at SEN support.
        (S, T, None, False, False, NONE, None, "could_be_prevented"),
        # A plan requested from SEN support, needs met at universal.
        (U, S, T, False, False, NONE, None, "could_be_prevented"),
        # The same request while need is rising: not yet, rather than not needed.
        (S, S, T, False, True, NONE, None, "could_be_delayed"),
        # A specialist place held; Targeted plus in mainstream would do.
        (T, X, None, True, False, MID, None, "could_be_reduced"),
        # …but not when no mainstream setting can meet the needs.
        (T, X, None, False, False, MID, None, "appropriately_placed"),
        # A specialist place requested by a plan holder; mainstream can meet the needs.
        (T, T, X, True, False, MID, MID, "could_be_reduced"),
        # …and no mainstream setting can: the escalation could be delayed.
        (T, T, X, False, False, MID, MID, "could_be_delayed"),
        # Same tier, more funding held than the needs score.
        (T, T, None, True, False, LOW, HIGH, "could_be_reduced"),
        # Same tier, the same funding held as the needs score.
        (T, T, None, True, False, LOW, LOW, "appropriately_placed"),
        # Increased funding asked (MID) but LOW recommended.
        (T, T, T, True, False, LOW, MID, "could_be_reduced"),
        # Increased funding asked and supported.
        (T, T, T, True, False, MID, MID, "appropriately_placed"),
        # Funding held against needs that score no top-up.
        (S, S, None, True, False, NONE, LOW, "could_be_reduced"),
        # Above the scheme's range the funding is agreed at panel: never reduced on funding.
        (T, T, None, True, False, None, HIGH, "appropriately_placed"),
        # A held band whose funding is not known (not in its scheme) is not compared.
        (T, T, None, True, False, LOW, None, "appropriately_placed"),
        # Needs exceed what is held and asked for.
        (T, S, None, True, False, MID, None, "under_supported"),
        (X, T, T, False, False, HIGH, MID, "under_supported"),
        # …but not when the request covers them.
        (X, T, X, False, False, HIGH, MID, "appropriately_placed"),
        # Nothing held, nothing needed.
        (U, U, None, True, False, NONE, None, "appropriately_placed"),
        # SEN support held and recommended.
        (S, S, None, True, False, NONE, None, "appropriately_placed"),
    ],
)
def test_classify(recommended, held, requested, capable, rising, funding, claimed, expected):
    result = classify(
        recommended=recommended,
        held=held,
        requested=requested,
        mainstream_capable=capable,
        need_rising=rising,
        recommended_funding=funding,
        claimed_funding=claimed,
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
            "More funding is held or requested (£9,000 a year) than the needs score (Band B: "
            "£4,000 a year), so the funding could be reduced" in recommendation.trace
        )
        assert (
            "Held: EHC plan, which counts as the Targeted plus tier, funded at Band C (£9,000 a "
            "year)" in recommendation.trace
        )

    def test_bands_of_two_scales_are_compared_as_money_not_numbers(self):
        # Held: band 14 of a twenty-band scheme, worth £1,400 a year. Recommended under the
        # small scheme: Band B (band 2 of 3), £4,000 a year. By numbers 14 > 2 would say "could
        # be reduced"; by money the held funding is less than the needs score.
        twenty = twenty_band_scheme()
        recommendation = evaluate(
            profile({"speech": 3}, sen_status="E", current_setting_id=1, held_band=14),
            RULESET,
            SettingsRegister.build([setting(1, speech=3)], RULESET),
            held_scheme=twenty,
        )

        assert recommendation.band_number == 2
        assert recommendation.claimed_funding == 140_000
        assert recommendation.classification == "appropriately_placed"
        assert (
            "Held: EHC plan, which counts as the Targeted plus tier, funded at Step 14 under "
            "Twenty steps (£1,400 a year)" in recommendation.trace
        )

    def test_the_top_band_of_a_short_scale_against_a_long_one(self):
        # Held: the top band of the small scheme (Band C, £9,000). Under the twenty-band
        # scheme the needs score step 12 (£1,200): funding could be reduced, though 3 < 12.
        twenty = twenty_band_scheme()
        recommendation = evaluate(
            profile({"speech": 3}, sen_status="E", current_setting_id=1, held_band=3),
            twenty,
            SettingsRegister.build([setting(1, speech=3)], twenty),
            held_scheme=RULESET,
        )

        assert recommendation.band_number == 12
        assert recommendation.classification == "could_be_reduced"

    def test_a_held_band_the_scheme_does_not_have_is_not_compared(self):
        recommendation = run(
            RULESET,
            {"speech": 3},
            [setting(1, speech=3)],
            sen_status="E",
            current_setting_id=1,
            held_band=9,
        )

        assert recommendation.claimed_funding is None
        assert recommendation.classification == "appropriately_placed"
        assert any(
            "which Small test rule set does not have" in step for step in recommendation.trace
        )
