"""Every local indicator on the hand-built caseload (conftest.hand_built), with the expected
figures worked out by hand and written out."""

from decimal import Decimal

import pytest

from valuing_send.indicators import snapshots
from valuing_send.indicators.facts import Window

from .conftest import CENSUS, FINAL

pytestmark = pytest.mark.django_db


def figures(rows):
    return {
        (r.indicator, r.dimension, r.category): (r.value, r.numerator, r.denominator) for r in rows
    }


def D(text):
    return Decimal(text)


EXPECTED = {
    ("ehc_plans", "", ""): (D("3"), 3, None),
    ("ehc_plans", "gender", "M"): (D("2"), 2, None),
    ("ehc_plans", "gender", "F"): (D("1"), 1, None),
    ("ehc_plans", "ethnicity", "WBRI"): (D("2"), 2, None),
    ("ehc_plans", "age_phase", "post_16"): (D("1"), 1, None),
    ("ehc_plans", "setting_type", "independent_special"): (D("1"), 1, None),
    # A year earlier (15 January 2025): Amy, Cara and Finn. 3 then, 3 now.
    ("ehc_plans_growth_pct", "", ""): (D("0.0"), 3, 3),
    # SEN support: Cara (since her plan ceased), Dan and Eve; Dan and Eve are unclassified.
    ("sen_support", "", ""): (D("3"), 3, None),
    ("sen_support", "ethnicity", "UNCL"): (D("2"), 2, None),
    ("sen_support", "setting_type", "none"): (D("2"), 2, None),
    # Primary need mix: Down syndrome is counted under other, as DfE does.
    ("plans_by_need", "primary_need", "ASD"): (D("33.3"), 1, 3),
    ("plans_by_need", "primary_need", "OTH"): (D("33.3"), 1, 3),
    ("new_plans", "", ""): (D("1"), 1, None),
    ("new_plans_by_need", "primary_need", "SEMH"): (D("100.0"), 1, 1),
    # Inclusion: Amy at Oak (mainstream), Ben at Brook (special), Finn at Elm (independent).
    ("plans_mainstream_pct", "", ""): (D("33.3"), 1, 3),
    ("plans_special_pct", "", ""): (D("66.7"), 2, 3),
    ("plans_independent_special_pct", "", ""): (D("33.3"), 1, 3),
    ("plans_placement_unknown_pct", "", ""): (D("0.0"), 0, 3),
    ("plans_special_pct", "gender", "M"): (D("100.0"), 2, 2),
    ("new_plans_special_pct", "", ""): (D("100.0"), 1, 1),
    ("sen_support_mainstream_pct", "", ""): (D("33.3"), 1, 3),
    # Outcomes: Cara's plan ceased in 2025 because her needs were met.
    ("ceased_plans", "", ""): (D("1"), 1, None),
    ("ceased_needs_met_pct", "", ""): (D("100.0"), 1, 1),
    ("ceased_to_work_or_study_pct", "", ""): (D("0.0"), 0, 1),
    # Finn (17, a plan, a profile rating preparing for adulthood) is the only one 14+.
    ("pfa_coverage_pct", "", ""): (D("100.0"), 1, 1),
    # Money: held top-ups £5,500 (Amy, band 3 mainstream) + £55,000 (Finn, band 2
    # independent); recommended £3,000 + £12,500 + £1,500 + £50,000; the avoidable part
    # £2,500 (Amy) + £5,000 (Finn).
    ("top_up_held", "", ""): (D("60500"), 60500, None),
    ("top_up_recommended", "", ""): (D("67000"), 67000, None),
    ("top_up_avoidable", "", ""): (D("7500"), 7500, None),
    ("top_up_per_plan", "", ""): (D("21833.3"), 65500, 3),
    ("top_up_above_range", "", ""): (D("0"), 0, None),
    # Valuing SEND: all four profiles are cases where more is held or asked for (three
    # plans and Dan's request); Amy could be prevented, Finn could be reduced.
    ("avoidable_pct", "", ""): (D("50.0"), 2, 4),
    ("avoidable_of_all_pct", "", ""): (D("50.0"), 2, 4),
    ("avoidable_pct", "gender", "F"): (D("100.0"), 1, 1),
    ("avoidable_pct", "gender", "M"): (D("33.3"), 1, 3),
    ("classified_under_supported_pct", "", ""): (D("25.0"), 1, 4),
    ("classified_appropriately_placed_pct", "", ""): (D("25.0"), 1, 4),
    ("classified_could_be_delayed_pct", "", ""): (D("0.0"), 0, 4),
    ("classified_under_supported_pct", "ethnicity", "UNCL"): (D("100.0"), 1, 1),
    ("mainstream_capable_pct", "", ""): (D("75.0"), 3, 4),
    ("mainstream_capable_pct", "classification", "could_be_prevented"): (D("25.0"), 1, 4),
    ("mainstream_capable_pct", "classification", "under_supported"): (D("25.0"), 1, 4),
    ("mainstream_capable_pct", "classification", "appropriately_placed"): (D("0.0"), 0, 4),
    ("mainstream_capable_of_all_pct", "", ""): (D("75.0"), 3, 4),
    # Readiness: Amy 3 of 5 levels covered (60%), Ben 100%, Dan 1 of 2 (50%), Finn 100%.
    ("mean_setting_readiness", "", ""): (D("77.5"), 310, 4),
    ("mean_setting_readiness", "gender", "M"): (D("83.3"), 250, 3),
    # Shortfalls: Amy and Dan need more speech and language than Oak meets (level 1).
    ("capability_shortfall_pct", "", ""): (D("50.0"), 2, 4),
    ("capability_shortfall_pct", "domain", "speech_language"): (D("100.0"), 2, 2),
    ("capability_shortfall_pct", "domain", "social_communication"): (D("0.0"), 0, 1),
    ("capability_shortfall_pct", "setting_type_domain", "mainstream:speech_language"): (
        D("100.0"),
        2,
        2,
    ),
    (
        "capability_shortfall_pct",
        "setting_type_domain",
        "state_special:emotional_wellbeing",
    ): (D("0.0"), 0, 1),
}


def test_every_indicator_on_the_hand_built_caseload(hand_built, authority_a):
    rows, children = snapshots.compute(authority_a, FINAL)
    got = figures(rows)
    assert children == 6  # Gus was born after the census date
    assert {key: got.get(key) for key in EXPECTED} == EXPECTED
    # The heatmap names the setting that falls short; cells without a shortfall are absent.
    oak = hand_built["oak"].pk
    cells = {k: v for k, v in got.items() if k[1] == "setting_domain"}
    assert cells == {
        ("capability_shortfall_pct", "setting_domain", f"{oak}:speech_language"): (D("100.0"), 2, 2)
    }
    # Empty categories are not stored, nor breakdowns an indicator does not have.
    assert ("ehc_plans", "ethnicity", "CHNE") not in got
    assert not [k for k in got if k[0] == "plans_mainstream_pct" and k[1] == "setting_type"]
    # Every local indicator in the registry has its whole-authority figure.
    assert {k[0] for k in got if not k[1]} == set(snapshots.LOCAL_IDS)


def test_a_recommendation_above_the_scheme_s_range_is_counted_apart_from_the_money(
    hand_built, authority_a
):
    """Ben's needs are above the scheme's range: no band, no amount (the funding is agreed
    individually at panel). He is counted there, adds nothing to the top-up recommended, and
    the top-up per plan is the mean over the plans the scheme prices (Amy and Finn)."""
    from assessments.models import Recommendation

    Recommendation.objects.filter(assessment__child=hand_built["ben"]).update(
        above_range=True, band=None, top_up=None
    )
    got = figures(snapshots.compute(authority_a, FINAL)[0])
    assert got[("top_up_above_range", "", "")] == (D("1"), 1, None)
    assert got[("top_up_above_range", "gender", "M")] == (D("1"), 1, None)
    assert got[("top_up_recommended", "", "")] == (D("54500"), 54500, None)
    assert got[("top_up_per_plan", "", "")] == (D("26500.0"), 53000, 2)


def test_an_open_period_counts_flows_so_far_and_stocks_today(hand_built, authority_a):
    """On 30 June 2025 (period January 2026, still open): Cara's plan has ceased, Ben's has
    started, and the flows are January to June 2025."""
    import datetime

    day = datetime.date(2025, 6, 30)
    rows, _ = snapshots.compute(authority_a, Window(snapshots.open_period(day), day))
    got = figures(rows)
    assert snapshots.open_period(day) == CENSUS
    assert got[("ehc_plans", "", "")][1] == 3
    assert got[("new_plans", "", "")][1] == 1
    assert got[("ceased_plans", "", "")][1] == 1


def test_history_uses_only_what_the_records_dates_allow(hand_built, authority_a):
    """January 2024 (18 January): Cara (2020) and Finn (2023) held plans; Amy's started in
    March 2024. No profile-based or setting-based figures are worked out for the past."""
    import datetime

    census = snapshots.census_date(2024)
    assert census == datetime.date(2024, 1, 18)
    rows, _ = snapshots.compute(authority_a, Window(census, census), history=True)
    got = figures(rows)
    assert got[("ehc_plans", "", "")] == (D("2"), 2, None)
    assert got[("new_plans", "", "")] == (D("1"), 1, None)  # Finn, February 2023
    assert not [k for k in got if k[0] == "avoidable_pct"]
    assert not [k for k in got if k[1] == "setting_type"]


def test_census_dates_are_third_thursdays():
    import datetime

    assert [snapshots.census_date(y) for y in (2024, 2025, 2026, 2027)] == [
        datetime.date(2024, 1, 18),
        datetime.date(2025, 1, 16),
        datetime.date(2026, 1, 15),
        datetime.date(2027, 1, 21),
    ]
    assert snapshots.open_period(datetime.date(2026, 1, 15)) == datetime.date(2026, 1, 15)
    assert snapshots.open_period(datetime.date(2026, 1, 16)) == datetime.date(2027, 1, 21)
    assert snapshots.last_census(datetime.date(2026, 1, 14)) == datetime.date(2025, 1, 16)


def _both_groupings(authority, window):
    from django.db import connection, transaction

    from valuing_send.indicators import facts

    base, params = facts.base_sql(facts.context_for(authority, window))
    with transaction.atomic(), connection.cursor() as cursor:
        once = snapshots.grouped_once(cursor, base, params)
        through_table = snapshots.grouped_through_table(cursor, base, params)
    return once, through_table


def _comparable(rows):
    return sorted(tuple("" if value is None else str(value) for value in row) for row in rows)


def test_one_statement_groups_the_facts_as_the_temporary_table_does(hand_built, authority_a):
    """PostgreSQL groups the facts by breakdown and by setting in one statement (GROUPING
    SETS); SQLite (``make run``) writes them to a temporary table read twice. Both give the
    same rows, here and on a generated authority (thousands of children, every kind of setting,
    children without one, settings outside the register)."""
    from assessments.demo_data.pipeline import populate_named

    generated = populate_named("Testshire County Council", "demo", seed=3)[0].authority
    for authority, window in ((authority_a, FINAL), (generated, FINAL)):
        (aggregates, heatmap), (aggregates_2, heatmap_2) = _both_groupings(authority, window)
        assert aggregates and heatmap
        assert _comparable(aggregates) == _comparable(aggregates_2)
        assert _comparable(heatmap) == _comparable(heatmap_2)
    assert len(aggregates) > 100 and len(heatmap) > 20
