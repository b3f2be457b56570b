"""Setting matching, mainstream capability, the current setting and readiness."""

import pytest

from assessments.rules import (
    SettingRecord,
    SettingsRegister,
    readiness_for_needs,
    setting_readiness,
)
from tests.rules.helpers import run, setting, small_ruleset

RULESET = small_ruleset()


def matched_ids(recommendation):
    return [matched.id for matched in recommendation.matched_settings]


@pytest.mark.parametrize(
    ("age", "phase", "serves"),
    [
        (0, "early_years", True),
        (4, "early_years", True),
        (5, "early_years", False),
        (4, "primary", True),
        (11, "primary", True),
        (12, "primary", False),
        (11, "secondary", True),
        (18, "secondary", True),
        (19, "secondary", False),
        (3, "all_through", False),
        (4, "all_through", True),
        (18, "all_through", True),
        (15, "post_16", False),
        (16, "post_16", True),
        (25, "post_16", True),
        (26, "post_16", False),
    ],
)
def test_phase_serves_ages(age, phase, serves):
    recommendation = run(RULESET, {"speech": 1}, [setting(1, phase=phase, speech=1)], age=age)

    assert matched_ids(recommendation) == ([1] if serves else [])


@pytest.mark.parametrize(
    ("setting_type", "capability", "level", "meets"),
    [
        # Mainstream types gain one level with top-up…
        ("mainstream", 2, 3, True),
        ("resourced", 2, 3, True),
        ("fe", 1, 2, True),
        ("early_years", 1, 2, True),
        # …but only one.
        ("mainstream", 1, 3, False),
        # …and never to level 4.
        ("mainstream", 3, 4, False),
        # Their own capability of 4 still counts.
        ("mainstream", 4, 4, True),
        # Special schools and others meet only what they ordinarily meet.
        ("state_special", 3, 4, False),
        ("state_special", 4, 4, True),
        ("ap", 2, 3, False),
    ],
)
def test_top_up_uplift_and_ceiling(setting_type, capability, level, meets):
    settings = [setting(1, setting_type, "all_through", speech=capability)]

    recommendation = run(RULESET, {"speech": level}, settings)

    assert matched_ids(recommendation) == ([1] if meets else [])


def test_uplift_and_ceiling_are_configurable():
    ruleset = small_ruleset(matching={"top_up_uplift": 2, "top_up_ceiling": 4})

    assert matched_ids(run(ruleset, {"speech": 4}, [setting(1, speech=2)])) == [1]
    assert matched_ids(run(ruleset, {"speech": 4}, [setting(1, speech=1)])) == []


def test_a_missing_capability_counts_as_zero():
    recommendation = run(RULESET, {"speech": 1, "hearing": 2}, [setting(1, speech=4)])

    # Hearing 0 + 1 top-up cannot meet level 2.
    assert matched_ids(recommendation) == []


def test_ranking_is_least_restrictive_then_readiness_then_name():
    settings = [
        setting("special", "state_special", "all_through", speech=4, hearing=4),
        setting("ap", "ap", "primary", speech=4, hearing=4),
        setting("indep", "independent_special", "primary", speech=4, hearing=4),
        setting("resourced", "resourced", "primary", speech=2),
        setting("b-ready", "mainstream", "primary", name="Beech", speech=2, hearing=1),
        setting("a-ready", "mainstream", "primary", name="Ash", speech=2, hearing=1),
        setting("mainstream-more-ready", "mainstream", "primary", speech=3, hearing=3, reading=3),
    ]

    recommendation = run(RULESET, {"speech": 3}, settings)

    assert matched_ids(recommendation) == [
        "mainstream-more-ready",
        "a-ready",
        "b-ready",
        "resourced",
        "special",
        "indep",
        "ap",
    ]


def test_ranking_order_is_configurable():
    ranking = [
        "state_special",
        "mainstream",
        "resourced",
        "independent_special",
        "ap",
        "fe",
        "early_years",
        "other",
    ]
    ruleset = small_ruleset(matching={"ranking": ranking})
    settings = [setting(1, speech=3), setting(2, "state_special", "all_through", speech=3)]

    assert matched_ids(run(ruleset, {"speech": 3}, settings)) == [2, 1]


def test_list_is_capped():
    ruleset = small_ruleset(matching={"max_matches": 3})
    settings = [setting(number, speech=2) for number in range(6)]

    recommendation = run(ruleset, {"speech": 2}, settings)

    assert len(recommendation.matched_settings) == 3
    assert "6 of the 6 settings serving age 9 meet every need; the first 3 are listed" in (
        recommendation.trace
    )


def test_the_current_setting_is_listed_first_when_it_meets_every_need_beyond_the_cap():
    # Five settings more ready in general than the child's own school, which meets every need.
    ruleset = small_ruleset(matching={"max_matches": 3})
    settings = [
        setting(number, name=f"School {number}", speech=3, hearing=3) for number in range(5)
    ]
    settings.append(setting("own", name="Zeal Primary", speech=2))

    recommendation = run(ruleset, {"speech": 2}, settings, current_setting_id="own")

    listed = [(matched.id, matched.is_current) for matched in recommendation.matched_settings]
    assert listed == [("own", True), (0, False), (1, False)]
    assert recommendation.current_setting_readiness == 100
    assert (
        "The current setting, Zeal Primary, meets every need, so it is listed first"
        in recommendation.trace
    )
    assert "6 of the 6 settings serving age 9 meet every need; the first 3 are listed" in (
        recommendation.trace
    )


def test_the_current_setting_is_listed_once_when_it_is_among_the_first():
    settings = [setting(1, name="Ash", speech=3), setting(2, name="Beech", speech=2)]

    recommendation = run(RULESET, {"speech": 2}, settings, current_setting_id=2)

    assert [(m.id, m.is_current) for m in recommendation.matched_settings] == [
        (2, True),
        (1, False),
    ]


@pytest.mark.parametrize(
    ("capability", "ability"),
    [
        (0, {}),  # falls short even with top-up
        (3, {"speech": 0}),  # its ability to support this child was rated low
    ],
)
def test_a_current_setting_that_cannot_meet_every_need_is_left_out(capability, ability):
    settings = [setting(1, name="Ash", speech=3), setting(2, name="Beech", speech=capability)]

    recommendation = run(
        RULESET, {"speech": 3}, settings, current_setting_id=2, setting_ability=ability
    )

    assert [(m.id, m.is_current) for m in recommendation.matched_settings] == [(1, False)]
    assert recommendation.current_setting_shortfalls == ("speech",)


def test_matched_setting_records_readiness_and_top_up():
    # Readiness over 7 domains: (2 + 4) / (4 × 7) = 21.4% → 21.
    recommendation = run(RULESET, {"speech": 3}, [setting(1, speech=2, hearing=4)])

    (matched,) = recommendation.matched_settings
    assert (matched.readiness, matched.with_top_up, matched.phase) == (21, True, "primary")


class TestMainstreamCapable:
    def test_current_mainstream_setting_meeting_with_top_up(self):
        recommendation = run(
            RULESET,
            {"speech": 3},
            [setting(1, name="Oakfield Primary", speech=2)],
            current_setting_id=1,
        )

        assert recommendation.mainstream_capable
        assert recommendation.mainstream_route == "current"
        assert (
            "The current setting, Oakfield Primary (mainstream school), meets every need with "
            "top-up, so the needs can be met in mainstream" in recommendation.trace
        )

    def test_local_mainstream_setting_when_the_current_one_falls_short(self):
        settings = [setting(1, name="Oakfield Primary", speech=1), setting(2, name="Elm", speech=3)]

        recommendation = run(RULESET, {"speech": 3}, settings, current_setting_id=1)

        assert recommendation.mainstream_route == "local"
        assert recommendation.mainstream_setting.name == "Elm"
        assert (
            "The current setting, Oakfield Primary, cannot meet every need: Speech is beyond "
            "what it can meet even with top-up" in recommendation.trace
        )
        assert (
            "Elm (mainstream school) meets every need from its ordinary provision, so the needs "
            "can be met in mainstream" in recommendation.trace
        )

    def test_low_setting_ability_rules_out_the_current_setting_but_not_others(self):
        settings = [setting(1, name="Oakfield", speech=3), setting(2, name="Elm", speech=3)]

        recommendation = run(
            RULESET, {"speech": 3}, settings, current_setting_id=1, setting_ability={"speech": 1}
        )

        assert recommendation.mainstream_route == "local"
        assert recommendation.mainstream_setting.name == "Elm"
        assert recommendation.current_setting_shortfalls == ("speech",)

    def test_the_current_setting_is_not_offered_again_as_the_local_route(self):
        recommendation = run(
            RULESET,
            {"speech": 3},
            [setting(1, name="Oakfield", speech=3)],
            current_setting_id=1,
            setting_ability={"speech": 0},
        )

        assert not recommendation.mainstream_capable
        assert recommendation.mainstream_route is None

    def test_a_special_current_setting_does_not_count(self):
        recommendation = run(
            RULESET,
            {"speech": 3},
            [setting(1, "state_special", "all_through", name="Riverside", speech=4)],
            current_setting_id=1,
        )

        assert not recommendation.mainstream_capable
        assert (
            "The current setting, Riverside, is a state-funded special school, not a mainstream "
            "setting" in recommendation.trace
        )

    def test_mainstream_types_are_configurable(self):
        ruleset = small_ruleset(matching={"mainstream_types": ["mainstream"]})
        settings = [setting(1, "resourced", speech=3)]

        assert not run(ruleset, {"speech": 3}, settings).mainstream_capable
        assert run(RULESET, {"speech": 3}, settings).mainstream_capable

    def test_current_setting_outside_its_phase_still_counts(self):
        recommendation = run(
            RULESET,
            {"speech": 2},
            [setting(1, phase="primary", speech=2)],
            current_setting_id=1,
            age=12,
        )

        assert recommendation.mainstream_route == "current"
        # The child is there: it is listed, as the current setting, though it is a primary.
        assert [(m.id, m.is_current) for m in recommendation.matched_settings] == [(1, True)]


class TestCurrentSetting:
    def test_readiness_and_shortfalls(self):
        recommendation = run(
            RULESET,
            {"speech": 3, "hearing": 2, "reading": 1},
            [setting(1, name="Oakfield", speech=2, hearing=2, reading=4)],
            current_setting_id=1,
        )

        # Covered min(2, 3) + min(2, 2) + min(4, 1) = 5 of 3 + 2 + 1 = 6 → 83%.
        assert recommendation.current_setting_readiness == 83
        assert recommendation.current_setting_shortfalls == ("speech",)
        assert (
            "Oakfield (mainstream school) is 83% ready for this child's needs from its ordinary "
            "provision" in recommendation.trace
        )
        assert (
            "Oakfield falls short in Speech (needs level 3, ordinarily meets 2)"
            in recommendation.trace
        )

    def test_not_in_register(self):
        recommendation = run(RULESET, {"speech": 2}, current_setting_id=99)

        assert recommendation.current_setting_readiness is None
        assert (
            "The current setting is not in the settings register, so its readiness is unknown"
            in recommendation.trace
        )

    def test_low_ability_is_a_shortfall_even_outside_the_register(self):
        recommendation = run(
            RULESET, {"speech": 2, "reading": 1}, setting_ability={"speech": 1, "reading": 0}
        )

        assert recommendation.current_setting_shortfalls == ("speech", "reading")


def test_register_is_tied_to_its_rule_set():
    other = small_ruleset(version="2")
    register = SettingsRegister.build([], RULESET)

    from assessments.rules import evaluate
    from tests.rules.helpers import profile

    with pytest.raises(ValueError, match="build one per rule set"):
        evaluate(profile(), other, register)


def test_duplicate_setting_ids_are_refused():
    with pytest.raises(ValueError, match="appears more than once"):
        SettingsRegister.build([setting(1), setting(1)], RULESET)


def test_setting_records_are_validated():
    with pytest.raises(ValueError, match="setting_type"):
        SettingRecord(1, "X", "academy", "primary", {})
    with pytest.raises(ValueError, match="capability"):
        SettingRecord(1, "X", "mainstream", "primary", {"speech": 5})


@pytest.mark.parametrize(
    ("capabilities", "domains", "readiness"),
    [
        ({}, ["a", "b"], 0),
        ({"a": 4, "b": 4}, ["a", "b"], 100),
        # (2 + 1) / 8 = 37.5% → rounds half up to 38.
        ({"a": 2, "b": 1}, ["a", "b"], 38),
        # A capability outside the domains is ignored: 3 / 4 = 75%.
        ({"a": 3, "z": 4}, ["a"], 75),
        ({"a": 3}, [], 0),
    ],
)
def test_setting_readiness(capabilities, domains, readiness):
    assert setting_readiness(capabilities, domains) == readiness


@pytest.mark.parametrize(
    ("capabilities", "levels", "readiness"),
    [
        ({"a": 4}, {"a": 0}, None),
        ({"a": 4}, {"a": 3}, 100),
        # min(1, 3) + min(0, 1) = 1 of 4 → 25%.
        ({"a": 1}, {"a": 3, "b": 1}, 25),
        # min(2, 3) = 2 of 3 → 66.7% → 67.
        ({"a": 2}, {"a": 3}, 67),
    ],
)
def test_readiness_for_needs(capabilities, levels, readiness):
    assert readiness_for_needs(capabilities, levels) == readiness
