"""Points, area weights, caps, scoring modes, bands and funding, on the small rule set."""

import pytest

from tests.rules.helpers import bands_only_ruleset, ranged_ruleset, run, small_ruleset

RULESET = small_ruleset()


@pytest.mark.parametrize(
    ("levels", "age", "area_points", "total", "band"),
    [
        # Nothing rated: no points, below Band A (5).
        ({}, 9, (0, 0, 0), 0, None),
        # Talking weight ×2: speech 3 → 6 × 2 = 12 → Band B (12–19).
        ({"speech": 3}, 9, (12, 0, 0), 12, 2),
        # Talking sums its domains: (6 + 3) × 2 = 18.
        ({"speech": 3, "social": 2}, 9, (18, 0, 0), 18, 2),
        # Learning is capped at 8: 10 + 10 = 20 → 8 → Band A (5–11).
        ({"reading": 4, "maths": 4}, 9, (0, 8, 0), 8, 1),
        # Learning under its cap: 3 + 1 = 4, below Band A.
        ({"reading": 2, "maths": 1}, 9, (0, 4, 0), 4, None),
        # Body scores its highest domain only: max(hearing 3 → 7 by override, mobility 2 → 3).
        ({"hearing": 3, "mobility": 2}, 9, (0, 0, 7), 7, 1),
        # Adulthood counts only from 14: at 10 it is ignored.
        ({"adulthood": 3}, 10, (0, 0, 0), 0, None),
        # At 15, adulthood 3 → 6 points, max of the body area.
        ({"adulthood": 3}, 15, (0, 0, 6), 6, 1),
        # A domain the rule set does not name is ignored.
        ({"vision": 4}, 9, (0, 0, 0), 0, None),
        # 2 × (10 + 10) + 8 + 12 = 60 → Band C (20 or more).
        ({"speech": 4, "social": 4, "reading": 4, "maths": 4, "hearing": 4}, 9, (40, 8, 12), 60, 3),
        # Exactly on a threshold: speech 2, social 2 → (3 + 3) × 2 = 12 → Band B.
        ({"speech": 2, "social": 2}, 9, (12, 0, 0), 12, 2),
        # One below: speech 2, social 1 → (3 + 1) × 2 = 8 + hearing 1 → 2: 10 → Band A.
        ({"speech": 2, "social": 1, "hearing": 1}, 9, (8, 0, 2), 10, 1),
    ],
)
def test_points_and_bands(levels, age, area_points, total, band):
    recommendation = run(RULESET, levels, age=age)

    assert tuple(score.points for score in recommendation.area_points) == area_points
    assert recommendation.total_points == total
    assert recommendation.band_number == band


def test_capped_area_keeps_its_uncapped_points_and_traces_the_cap():
    recommendation = run(RULESET, {"reading": 4, "maths": 3})

    learning = recommendation.area_points[1]
    assert (learning.points, learning.uncapped_points) == (8, 16)
    assert "Learning points capped at 8 (from 16)" in recommendation.trace


def test_trace_shows_weights_and_band_range():
    recommendation = run(RULESET, {"speech": 3, "social": 2, "hearing": 4})

    # (6 + 3) × 2 = 18, hearing 4 → 12: 30 points, Band C.
    assert "Speech at level 3 gives 12 points (weight ×2)" in recommendation.trace
    assert "Hearing at level 4 gives 12 points" in recommendation.trace
    # A schema-1 scheme: its top band has no stated end.
    assert "30 points is Band C (20 points or more)" in recommendation.trace


def test_band_range_and_below_first_band_are_traced():
    assert "12 points is Band B (12–19 points)" in run(RULESET, {"speech": 3}).trace
    assert (
        "4 points is below Band A, which starts at 5 points, so no band applies"
        in run(RULESET, {"reading": 2, "maths": 1}).trace
    )


@pytest.mark.parametrize(
    ("levels", "current_type", "top_up"),
    [
        # Band B at a mainstream school: £4,000.
        ({"speech": 3}, "mainstream", 4000),
        # Band B at a state special school: £12,000.
        ({"speech": 3}, "state_special", 12000),
        # Below the first band: no top-up.
        ({"speech": 1}, "mainstream", 0),
        # No current setting type: no single figure.
        ({"speech": 3}, None, None),
    ],
)
def test_top_up_at_current_setting_type(levels, current_type, top_up):
    recommendation = run(RULESET, levels, current_setting_type=current_type)

    expected = None if top_up is None else top_up * 100
    assert recommendation.annual_top_up_at_current_setting == expected


def test_funding_tables_cover_every_setting_type():
    recommendation = run(RULESET, {"speech": 3})

    assert recommendation.annual_top_up_by_setting_type["mainstream"] == 400_000
    assert recommendation.annual_top_up_by_setting_type["ap"] == 0
    assert recommendation.annual_base_by_setting_type["state_special"] == 1_000_000
    assert len(recommendation.annual_top_up_by_setting_type) == 8


def test_trace_explains_the_top_up():
    recommendation = run(RULESET, {"speech": 3}, current_setting_type="mainstream")

    assert (
        "Band B carries a top-up of £4,000 a year at a mainstream school, "
        "on top of base funding of £6,000 a year" in recommendation.trace
    )


def test_setting_type_comes_from_the_register_when_the_profile_has_none():
    from tests.rules.helpers import setting

    recommendation = run(
        RULESET,
        {"speech": 3},
        settings=[setting(7, "state_special", "all_through")],
        current_setting_id=7,
    )

    assert recommendation.current_setting_type == "state_special"
    assert recommendation.annual_top_up_at_current_setting == 1_200_000


# Schema 2: explicit ranges, a band with no top-up, money per term by hours, exceptions per
# setting type, and an outcome above the top band (tests/rules/helpers.py: ranged_data).
RANGED = ranged_ruleset()


@pytest.mark.parametrize(
    ("levels", "total", "band", "above"),
    [
        # Reading 2 (3) + maths 1 (1): 4 points, the Local Offer band (0–4).
        ({"reading": 2, "maths": 1}, 4, "Local Offer", False),
        # Speech 2: 3 × 2 = 6 → A1 (5–11).
        ({"speech": 2}, 6, "A1 – Support", False),
        # Speech 3: 12 → B1, the first point of its range.
        ({"speech": 3}, 12, "B1", False),
        # Speech 4, social 3: (10 + 6) × 2 = 32 → above C1's 30.
        ({"speech": 4, "social": 3}, 32, None, True),
        # Speech 4 + hearing 2 (4) + reading 4 (8, the cap): 20 + 4 + 8 = 32, above too.
        ({"speech": 4, "hearing": 2, "reading": 4}, 32, None, True),
        # 30 exactly is C1's top: in range.
        ({"speech": 4, "hearing": 4, "mobility": 1}, 32, None, True),
        ({"speech": 4, "reading": 4, "hearing": 1}, 30, "C1", False),
    ],
)
def test_ranged_bands(levels, total, band, above):
    recommendation = run(RANGED, levels)

    assert recommendation.total_points == total
    assert (recommendation.band.label if recommendation.band else None) == band
    assert recommendation.above_range is above


@pytest.mark.parametrize(
    ("levels", "current_type", "hours", "published", "annual", "variant"),
    [
        # A1 at 30 hours (the default when hours are not recorded): £201 a term, £603 a year.
        ({"speech": 2}, "mainstream", None, 20_100, 60_300, 30),
        # At 15 hours: £100.50 a term, £301.50 a year.
        ({"speech": 2}, "early_years", 15, 10_050, 30_150, 15),
        # 22.5 hours: the largest variant not above it is 15.
        ({"speech": 2}, "early_years", 22.5, 10_050, 30_150, 15),
        # Fewer hours than any variant: the smallest.
        ({"speech": 2}, "early_years", 10, 10_050, 30_150, 15),
        ({"speech": 2}, "early_years", 40, 20_100, 60_300, 30),
        # The exception for special schools: £800 a term at 30 hours.
        ({"speech": 2}, "state_special", 30, 80_000, 240_000, 30),
        # B1: "600.25" written as text, pence kept exactly.
        ({"speech": 3}, "ap", None, 60_025, 180_075, 30),
    ],
)
def test_money_as_published(levels, current_type, hours, published, annual, variant):
    recommendation = run(RANGED, levels, current_setting_type=current_type, attendance_hours=hours)

    figure = recommendation.top_up
    assert (figure.published, figure.per, figure.per_year) == (published, "term", 3)
    assert figure.annual == recommendation.annual_top_up_at_current_setting == annual
    assert recommendation.hours_variant == figure.hours == variant


def test_trace_gives_the_published_figure_and_the_annual_equivalent():
    recommendation = run(RANGED, {"speech": 2}, current_setting_type="mainstream")

    assert (
        "A1 – Support carries a top-up of £201 a term at 30 hours a week (3 terms a year: "
        "£603 a year) at a mainstream school, on top of base funding of £18,000 a year"
        in recommendation.trace
    )
    assert (
        "This scheme's figures are for 15 hours and 30 hours a week; the child's hours are not "
        "recorded, so the 30-hour figures are used" in recommendation.trace
    )


def test_a_band_with_no_top_up_is_named_and_pays_nothing():
    recommendation = run(RANGED, {"reading": 2}, current_setting_type="mainstream")

    assert recommendation.band.label == "Local Offer"
    assert recommendation.top_up is None
    assert recommendation.annual_top_up_at_current_setting == 0
    assert "Local Offer carries no top-up funding" in recommendation.trace


def test_above_the_top_band_is_an_outcome_not_a_cap():
    recommendation = run(RANGED, {"speech": 4, "social": 3}, current_setting_type="mainstream")

    assert recommendation.above_range
    assert recommendation.band is None
    assert recommendation.top_up is None
    assert recommendation.annual_top_up_at_current_setting is None
    assert recommendation.annual_top_up_by_setting_type == {}
    assert recommendation.above_range_outcome == (
        "above the scheme's range: exceptional funding agreed individually; refer to panel"
    )
    assert (
        "32 points is above the scheme's range: exceptional funding agreed individually; refer "
        "to panel (the top band, C1, ends at 30 points)" in recommendation.trace
    )


def test_a_scheme_may_word_its_own_outcome_above_the_top_band():
    ruleset = ranged_ruleset(above_top_band="a plus package, agreed at panel")

    recommendation = run(ruleset, {"speech": 4, "social": 3})

    assert recommendation.above_range_outcome == "a plus package, agreed at panel"


def test_one_amount_for_every_setting_type():
    recommendation = run(bands_only_ruleset(), {"speech": 2})

    assert set(recommendation.annual_top_up_by_setting_type.values()) == {125_075}
    assert recommendation.annual_base_by_setting_type is None
    assert (
        "Band 1 carries a top-up of £1,250.75 a year in any type of setting" in recommendation.trace
    )


def test_a_scheme_without_tiers_gets_the_standard_tiers():
    ruleset = bands_only_ruleset()

    assert not ruleset.tiers_from_scheme
    assert run(ruleset, {"speech": 3}).tier == "targeted_plus"
    assert run(ruleset, {"speech": 2}).tier == "sen_support"
    assert run(ruleset, {"speech": 1}).tier == "universal"
