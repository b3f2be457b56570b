"""The demand and cost projection, worked by hand."""

import pytest

from valuing_send.indicators.projection import Inputs, Scenario, cagr, project

INPUTS = Inputs(
    plans=100,
    mix={"mainstream": 0.5, "state_special": 0.3, "independent_special": 0.1, "fe": 0.1},
    new_special_share=0.4,
    new_mainstream_share=0.5,
    cost={"mainstream": 1000, "state_special": 5000, "independent_special": 20000, "fe": 2000},
    local_growth=0.10,
    local_span="",
    published_growth=None,
    published_span="",
)


def test_baseline_and_scenario_by_hand():
    """Year 1: 110 plans, the 10 more placed 4 special (3 state, 1 independent), 5 mainstream,
    1 further education. Places 55, 33, 11, 11 cost 55,000 + 165,000 + 220,000 + 22,000.
    Scenario (20% earlier support, 50% mainstream first): 2 plans avoided; of the 8, special
    3.2, half of it (1.6) moved to mainstream: places 55.6, 31.2, 10.4, 10.8."""
    year1, year2 = project(
        INPUTS, Scenario(years=2, earlier_support_pct=20, mainstream_first_pct=50)
    )
    assert year1["baseline_plans"] == pytest.approx(110)
    assert year1["baseline_places"]["state_special"] == pytest.approx(33)
    assert year1["baseline_places"]["independent_special"] == pytest.approx(11)
    assert year1["baseline_cost"] == pytest.approx(462_000)
    assert year1["scenario_plans"] == pytest.approx(108)
    assert year1["scenario_places"]["mainstream"] == pytest.approx(55.6)
    assert year1["scenario_places"]["state_special"] == pytest.approx(31.2)
    assert year1["scenario_cost"] == pytest.approx(441_200)
    # Year 2: 121 plans; 21 more: 6.3 state, 2.1 independent, 10.5 mainstream, 2.1 FE.
    assert year2["baseline_plans"] == pytest.approx(121)
    assert year2["baseline_cost"] == pytest.approx(508_200)
    assert sum(year2["scenario_places"].values()) == pytest.approx(year2["scenario_plans"])


def test_growth_is_the_mean_of_the_rates_there_are():
    assert cagr(100, 121, 2) == pytest.approx(0.10)
    assert cagr(0, 10, 2) is None
    both = Inputs(**{**INPUTS.__dict__, "published_growth": 0.20})
    assert both.growth == pytest.approx(0.15)
    neither = Inputs(**{**INPUTS.__dict__, "local_growth": None})
    assert neither.growth == 0.0
