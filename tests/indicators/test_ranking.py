"""The weighted ranking, worked by hand: z-scores and min–max, direction, missing figures,
ties, and a weight change moving the ranks."""

import math

import pytest
from django.urls import reverse

from valuing_send.indicators.national import DEFAULT_WEIGHTS
from valuing_send.indicators.ranking import MINMAX, ZSCORE, Criterion, rank

VALUES = {
    "X": {"a": 10.0, "b": 1.0},
    "Y": {"a": 20.0, "b": 2.0},
    "Z": {"a": 30.0, "b": 6.0},
}


def test_z_scores_and_a_weight_change_by_hand():
    # a (higher is better): mean 20, population sd √(200/3) = 8.165: X −1.2247, Y 0, Z 1.2247.
    # b (lower is better): mean 3, sd √(14/3) = 2.1602: z −0.9258, −0.4629, 1.3887, turned
    # round: X 0.9258, Y 0.4629, Z −1.3887.
    even = [Criterion("a", 1, True), Criterion("b", 1, False)]
    ordered, scales = rank(VALUES, even, method=ZSCORE)
    assert math.isclose(scales["a"].spread, math.sqrt(200 / 3))
    composite = {r.code: r.composite for r in ordered}
    assert math.isclose(composite["X"], (-1.224745 + 0.925820) / 2, abs_tol=1e-5)
    assert math.isclose(composite["Y"], (0 + 0.462910) / 2, abs_tol=1e-5)
    assert math.isclose(composite["Z"], (1.224745 - 1.388730) / 2, abs_tol=1e-5)
    assert [(r.code, r.rank) for r in ordered] == [("Y", 1), ("Z", 2), ("X", 3)]
    # Weight a three times as much: Z (3 × 1.224745 − 1.388730) ÷ 4 = 0.571376 now leads,
    # Y 0.4629 ÷ 4 = 0.1157, X (−3.6742 + 0.9258) ÷ 4 = −0.6871.
    heavy = [Criterion("a", 3, True), Criterion("b", 1, False)]
    ordered, _ = rank(VALUES, heavy, method=ZSCORE)
    assert [(r.code, r.rank) for r in ordered] == [("Z", 1), ("Y", 2), ("X", 3)]
    assert math.isclose(ordered[0].composite, 0.571376, abs_tol=1e-5)


def test_min_max_and_ties_share_a_rank():
    # a: X 0, Y 0.5, Z 1. b (lower better, 1 − (v − 1) ÷ 5): X 1, Y 0.8, Z 0.
    # Composites: X 0.5, Y 0.65, Z 0.5: Y first, X and Z share second, nobody is third.
    ordered, _ = rank(VALUES, [Criterion("a", 1, True), Criterion("b", 1, False)], method=MINMAX)
    assert [(r.code, r.rank, round(r.composite, 3)) for r in ordered] == [
        ("Y", 1, 0.65),
        ("X", 2, 0.5),
        ("Z", 2, 0.5),
    ]


def test_missing_figures_leave_their_weight_out_or_the_authority_unranked():
    values = {**VALUES, "Z": {"a": 30.0, "b": None}}
    ordered, _ = rank(values, [Criterion("a", 1, True), Criterion("b", 1, False)], method=MINMAX)
    z = next(r for r in ordered if r.code == "Z")
    assert z.composite == 1.0 and z.coverage == 0.5 and z.missing == ["b"]
    ordered, _ = rank(values, [Criterion("a", 1, True), Criterion("b", 3, False)], method=MINMAX)
    z = next(r for r in ordered if r.code == "Z")
    assert z.rank is None and z.coverage == 0.25
    assert ordered[-1].code == "Z"


def test_a_weight_of_zero_leaves_the_measure_out():
    ordered, scales = rank(VALUES, [Criterion("a", 0, True), Criterion("b", 1, False)])
    assert "a" not in scales
    assert [r.code for r in ordered] == ["X", "Y", "Z"]


def _weights(**chosen):
    return {f"w_{d.indicator}": str(chosen.get(d.indicator, 0)) for d in DEFAULT_WEIGHTS} | {
        "method": "zscore"
    }


@pytest.mark.django_db
def test_the_page_moves_ranks_when_a_weight_changes(client_as, manager, published_small):
    """Published: growth 901 10%, 902 40%, 903 20% (lower is better); mainstream 40%, 50%,
    30%. Mainstream alone ranks Southshire first; growth alone, Northshire."""
    client = client_as(manager)
    table = client.get(reverse("national-ranking"), _weights(plans_mainstream_pct=1)).context[
        "table"
    ]
    assert [(row[0].value, row[1].value) for row in table.rows] == [
        (1, "Southshire"),
        (2, "Northshire"),
        (3, "Westshire"),
    ]
    table = client.get(reverse("national-ranking"), _weights(ehc_plans_growth_pct=1)).context[
        "table"
    ]
    assert [(row[0].value, row[1].value) for row in table.rows] == [
        (1, "Northshire"),
        (2, "Westshire"),
        (3, "Southshire"),
    ]
    html = client.get(reverse("national-ranking")).content.decode()
    assert "z-score" in html and "Why the default weight" in html
    assert "A statutory duty families feel directly" in html
    zero = client.get(reverse("national-ranking"), _weights())
    assert zero.status_code == 400
    assert "Give at least one indicator a weight above 0" in zero.content.decode()
    assert "Authorities ranked by the composite score" not in zero.content.decode()
