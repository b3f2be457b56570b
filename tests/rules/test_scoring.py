"""Points, area weights, caps, scoring modes, bands and funding, on the small rule set."""

import pytest

from tests.rules.helpers import run, small_ruleset

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

    assert recommendation.top_up_at_current_setting == top_up


def test_funding_tables_cover_every_setting_type():
    recommendation = run(RULESET, {"speech": 3})

    assert recommendation.top_up_by_setting_type["mainstream"] == 4000
    assert recommendation.top_up_by_setting_type["ap"] == 0
    assert recommendation.base_funding_by_setting_type["state_special"] == 10000
    assert len(recommendation.top_up_by_setting_type) == 8


def test_trace_explains_the_top_up():
    recommendation = run(RULESET, {"speech": 3}, current_setting_type="mainstream")

    assert (
        "Band B carries a top-up of £4,000 a year at a mainstream school, "
        "on top of base funding of £6,000" in recommendation.trace
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
    assert recommendation.top_up_at_current_setting == 12000
