"""Tier rules, the condition language and the family step-up."""

import pytest

from assessments.rules import parse_ruleset
from tests.rules.helpers import run, setting, small_data, small_ruleset

RULESET = small_ruleset()


@pytest.mark.parametrize(
    ("levels", "settings", "tier"),
    [
        ({}, [], "universal"),
        ({"speech": 1, "hearing": 1}, [], "universal"),
        ({"speech": 2}, [], "sen_support"),
        ({"speech": 3}, [], "targeted_plus"),
        # No level 3, but (3 + 3) × 2 + 3 + 3 = 18 points reaches the threshold of 18.
        ({"speech": 2, "social": 2, "reading": 2, "maths": 2}, [], "targeted_plus"),
        # (3 + 1) × 2 + 3 + 3 = 14 points: below 18, so SEN support.
        ({"speech": 2, "social": 1, "reading": 2, "maths": 2}, [], "sen_support"),
        # Level 4 and no mainstream setting at all: Specialist.
        ({"hearing": 4}, [], "specialist"),
        # A mainstream school that ordinarily meets hearing at 4: Targeted plus.
        ({"hearing": 4}, [setting(1, hearing=4)], "targeted_plus"),
        # Top-up lifts 3 only to the ceiling of 3, never to 4: Specialist.
        ({"hearing": 4}, [setting(1, hearing=3)], "specialist"),
        # A special school meeting level 4 does not make the needs mainstream-capable.
        ({"hearing": 4}, [setting(1, "state_special", "all_through", hearing=4)], "specialist"),
        # A mainstream school for another phase does not count for a 9-year-old.
        ({"hearing": 4}, [setting(1, phase="secondary", hearing=4)], "specialist"),
    ],
)
def test_default_style_tiers(levels, settings, tier):
    assert run(RULESET, levels, settings).tier == tier


def test_tier_trace_explains_each_rule_in_order():
    trace = run(RULESET, {"speech": 2}).trace

    assert "No domain is at level 4, so the Specialist tier does not apply" in trace
    assert (
        "No domain is at level 3 or above and the total of 6 points is below the threshold "
        "of 18, so the Targeted plus tier does not apply" in trace
    )
    assert "Speech is at level 2 or above, so the SEN support tier applies" in trace


def test_specialist_trace_names_the_mainstream_finding():
    trace = run(RULESET, {"hearing": 4}, [setting(1, hearing=3, name="Oakfield Primary")]).trace

    assert (
        "Hearing is at level 4 and no local mainstream setting serving age 9 meets every need, "
        "even with top-up, so the Specialist tier applies" in trace
    )


def test_mainstream_setting_meeting_level_4_is_named_when_specialist_does_not_apply():
    trace = run(RULESET, {"hearing": 4}, [setting(1, hearing=4, name="Oakfield Primary")]).trace

    assert (
        "Oakfield Primary (mainstream school) meets every need from its ordinary provision, "
        "so the Specialist tier does not apply" in trace
    )


def test_default_tier_when_nothing_applies():
    assert "No higher tier applies, so the tier is Universal" in run(RULESET, {}).trace


def test_display_names_come_from_the_rule_set():
    data = small_data()
    data["tiers"][1]["name"] = "Top-up support"
    ruleset = parse_ruleset(data, "named.yaml")

    recommendation = run(ruleset, {"speech": 3})

    assert recommendation.tier == "targeted_plus"
    assert recommendation.tier_name == "Top-up support"
    assert ruleset.tier_name("sen_support") == "SEN support"


def _single_rule(condition, **data_changes):
    """A rule set where Targeted plus applies exactly when `condition` holds."""
    data = small_data()
    data["tiers"] = [{"tier": "targeted_plus", "when": condition}, {"tier": "universal"}]
    data.pop("tier_step_up")
    data.update(data_changes)
    return parse_ruleset(data, "condition.yaml")


@pytest.mark.parametrize(
    ("condition", "levels", "fields", "holds", "explanation"),
    [
        (
            {"count_levels_at_least": {"level": 2, "count": 3}},
            {"speech": 2, "reading": 3},
            {},
            False,
            "Only 2 domains are at level 2 or above (3 needed)",
        ),
        (
            {"count_levels_at_least": {"level": 2, "count": 3}},
            {"speech": 2, "reading": 3, "hearing": 2},
            {},
            True,
            "3 domains are at level 2 or above (3 needed)",
        ),
        (
            {"level_at_least": {"domain": "hearing", "level": 3}},
            {"hearing": 2},
            {},
            False,
            "Hearing is at level 2, below 3",
        ),
        (
            {"level_at_least": {"domain": "hearing", "level": 3}},
            {"hearing": 3},
            {},
            True,
            "Hearing is at level 3",
        ),
        (
            # Learning: 3 + 3 = 6 points.
            {"area_points_at_least": {"area": "learn", "points": 6}},
            {"reading": 2, "maths": 2},
            {},
            True,
            "Learning has 6 points, at least 6",
        ),
        (
            {"area_points_at_least": {"area": "learn", "points": 6}},
            {"reading": 2, "maths": 1},
            {},
            False,
            "Learning has 4 points, below 6",
        ),
        (
            {"points_at_least": 12},
            {"speech": 3},
            {},
            True,
            "The total of 12 points reaches the threshold of 12",
        ),
        (
            {"family_capacity_low_in_at_least": {"domains": 2}},
            {"speech": 2, "reading": 2},
            {"family_capacity": {"speech": 1, "reading": 3}},
            False,
            "Family capacity is low in only 1 domain with need at level 2 or above (Speech), "
            "2 needed",
        ),
        (
            {"family_capacity_low_in_at_least": {"domains": 2}},
            {"speech": 2, "reading": 2},
            {"family_capacity": {"speech": 1, "reading": 0}},
            True,
            "Family capacity is low in 2 domains with need at level 2 or above (Speech and Reading)",
        ),
        (
            # Level 1 is below the family need threshold of 2, so it does not count.
            {"family_capacity_low_in_at_least": {"domains": 1}},
            {"speech": 1},
            {"family_capacity": {"speech": 0}},
            False,
            "Family capacity is not low in any domain with need at level 2 or above",
        ),
        (
            {
                "all": [
                    {"any_level_at_least": 2},
                    {
                        "any": [
                            {"points_at_least": 50},
                            {"level_at_least": {"domain": "maths", "level": 1}},
                        ]
                    },
                ]
            },
            {"speech": 2, "maths": 1},
            {},
            True,
            "Speech is at level 2 or above and Maths is at level 1",
        ),
        (
            {"any": [{"points_at_least": 50}, {"any_level_at_least": 4}]},
            {"speech": 2},
            {},
            False,
            "The total of 6 points is below the threshold of 50 and no domain is at level 4",
        ),
    ],
)
def test_condition_primitives(condition, levels, fields, holds, explanation):
    recommendation = run(_single_rule(condition), levels, **fields)

    assert recommendation.tier == ("targeted_plus" if holds else "universal")
    verdict = "applies" if holds else "does not apply"
    assert f"{explanation}, so the Targeted plus tier {verdict}" in recommendation.trace


class TestFamilyStepUp:
    def test_low_family_capacity_in_two_domains_with_need_raises_one_tier(self):
        recommendation = run(
            RULESET, {"speech": 2, "reading": 2}, family_capacity={"speech": 1, "reading": 0}
        )

        assert recommendation.tier == "targeted_plus"
        assert (
            "Family capacity is low in 2 domains with need at level 2 or above (Speech and "
            "Reading), so the tier rises from SEN support to Targeted plus" in recommendation.trace
        )

    def test_missing_family_ratings_count_as_able(self):
        recommendation = run(RULESET, {"speech": 2, "reading": 2}, family_capacity={"speech": 0})

        assert recommendation.tier == "sen_support"

    def test_capacity_of_2_is_not_low(self):
        recommendation = run(
            RULESET, {"speech": 2, "reading": 2}, family_capacity={"speech": 2, "reading": 2}
        )

        assert recommendation.tier == "sen_support"

    def test_never_above_specialist(self):
        recommendation = run(
            RULESET,
            {"hearing": 4, "speech": 2, "reading": 2},
            family_capacity={"speech": 0, "reading": 0},
        )

        assert recommendation.tier == "specialist"
        assert (
            "Family capacity is low in 2 domains with need at level 2 or above (Speech and "
            "Reading), but Specialist is already as high as this step-up reaches"
            in recommendation.trace
        )

    def test_steps_and_ceiling_are_configurable(self):
        ruleset = small_ruleset(
            tier_step_up={
                "when": {"family_capacity_low_in_at_least": {"domains": 1}},
                "steps": 2,
                "up_to": "targeted_plus",
            },
            family={"need_at_least": 1},
        )

        # Universal + 2 would be Targeted plus: allowed.
        assert run(ruleset, {"speech": 1}, family_capacity={"speech": 0}).tier == "targeted_plus"
        # SEN support + 2 would be Specialist: held at Targeted plus.
        assert run(ruleset, {"speech": 2}, family_capacity={"speech": 0}).tier == "targeted_plus"

    def test_no_step_up_without_the_section(self):
        data = small_data()
        data.pop("tier_step_up")
        ruleset = parse_ruleset(data, "no-step-up.yaml")

        recommendation = run(
            ruleset, {"speech": 2, "reading": 2}, family_capacity={"speech": 0, "reading": 0}
        )

        assert recommendation.tier == "sen_support"
