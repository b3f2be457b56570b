"""The caseload batch path: vector encoding, and equality with one-by-one evaluation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.rules import Caseload, SettingsRegister, evaluate, evaluate_caseload
from tests.rules.helpers import profile, setting, small_ruleset, wide_ruleset
from tests.rules.strategies import (
    FOREIGN_DOMAIN,
    RULESETS,
    domain_codes,
    profiles,
)
from tests.rules.strategies import settings as register_settings

RULESET = small_ruleset()
CODES = [domain.code for domain in RULESET.domains]


def vector(ratings, codes):
    return "".join(str(ratings[code]) if code in ratings else "-" for code in codes)


def caseload_of(children, codes):
    return Caseload.from_vectors(
        codes,
        [vector(child.levels, codes) for child in children],
        ages=[child.age for child in children],
        sen_statuses=[child.sen_status for child in children],
        family_vectors=[vector(child.family_capacity, codes) for child in children],
        ability_vectors=[vector(child.setting_ability, codes) for child in children],
        previous_need_vectors=[
            None if child.previous_levels is None else vector(child.previous_levels, codes)
            for child in children
        ],
        current_setting_ids=[child.current_setting_id for child in children],
        current_setting_types=[child.current_setting_type for child in children],
        held_bands=[child.held_band for child in children],
        requests=[child.request for child in children],
        refs=[f"child-{index}" for index in range(len(children))],
        attendance_hours=[child.attendance_hours for child in children],
    )


def headline(recommendation):
    return (
        recommendation.tier,
        recommendation.band_number,
        recommendation.above_range,
        recommendation.total_points,
        recommendation.annual_top_up_at_current_setting,
        recommendation.mainstream_capable,
        recommendation.classification,
    )


def row_headline(row):
    return (
        row.tier,
        row.band,
        row.above_range,
        row.total_points,
        row.annual_top_up_at_current_setting,
        row.mainstream_capable,
        row.classification,
    )


@st.composite
def caseloads(draw):
    ruleset = draw(st.sampled_from(RULESETS))
    # The caseload may order domains its own way, add one the rule set lacks, or lack some.
    pool = domain_codes(ruleset) + [FOREIGN_DOMAIN]
    codes = draw(st.permutations(pool).map(lambda codes: codes[: draw(st.integers(1, len(codes)))]))
    children = draw(st.lists(profiles(codes), min_size=1, max_size=16))
    records = draw(register_settings(domain_codes(ruleset)))
    # Held bands may belong to another scheme, with another scale (the active one in a replay).
    held_scheme = draw(st.sampled_from([None, *RULESETS]))
    return ruleset, records, children, codes, held_scheme


@settings(max_examples=250, deadline=None)
@given(caseloads())
def test_batch_equals_one_by_one(case):
    """For every scheme: explicit ranges, amounts per term by hours with exceptions, totals
    above the top band, no tiers, and held bands from another scheme."""
    ruleset, records, children, codes, held_scheme = case
    register = SettingsRegister.build(records, ruleset)

    result = evaluate_caseload(caseload_of(children, codes), ruleset, register, held_scheme)

    assert len(result) == len(children)
    for index, child in enumerate(children):
        row = result.row(index)
        assert row.ref == f"child-{index}"
        assert row_headline(row) == headline(evaluate(child, ruleset, register, held_scheme))


def test_batch_over_many_mainstream_settings_uses_several_words():
    # 150 mainstream primaries need three 64-bit words; only the last one meets level 3.
    records = [setting(number, speech=1) for number in range(149)] + [setting(149, speech=2)]
    register = SettingsRegister.build(records, RULESET)
    caseload = Caseload.from_vectors(
        CODES,
        ["3000000", "3000000", "4000000"],
        ages=[9, 9, 9],
        sen_statuses=["E", "E", "E"],
        ability_vectors=["-------", "0------", "-------"],
        current_setting_ids=[None, 149, None],
    )

    result = evaluate_caseload(caseload, RULESET, register)

    # Row 2: the school that meets speech 3 is the current one, ruled out by its low rating.
    assert result.mainstream_capable.tolist() == [True, False, False]
    assert result.row(1).tier == "targeted_plus"
    assert result.row(2).tier == "specialist"


def test_rows_report_absent_values_as_none():
    caseload = Caseload.from_vectors(CODES, ["1000000"], ages=[9], sen_statuses=["K"])

    row = evaluate_caseload(caseload, RULESET, SettingsRegister.build([], RULESET)).row(0)

    assert (row.ref, row.band, row.annual_top_up_at_current_setting) == (0, None, None)
    assert not row.above_range
    assert row.tier == "universal"


def test_columns_are_numpy_arrays():
    caseload = Caseload.from_vectors(CODES, ["3000000", "0000000"], ages=[9, 9], sen_statuses="KN")

    result = evaluate_caseload(caseload, RULESET, SettingsRegister.build([], RULESET))

    assert isinstance(result.total_points, np.ndarray)
    # Speech 3 → 6 × 2 = 12.
    assert result.total_points.tolist() == [12, 0]
    assert result.band.tolist() == [2, 0]


@pytest.mark.parametrize(
    ("vectors", "fields", "message"),
    [
        (["300000"], {}, "need vector for row 0 must have 7 characters, one per domain: '300000'"),
        (["30000x0"], {}, "need vector for row 0 may hold only '0'–'4' and '-': '30000x0'"),
        (["5000000"], {}, "need vector for row 0 may hold only '0'–'4' and '-'"),
        (
            ["3000000"],
            {"family_vectors": ["4------"]},
            "family capacity vector for row 0 may hold only '0'–'3' and '-'",
        ),
        (["3000000"], {"sen_statuses": ["X"]}, "SEN status 'X' is not one of N, K, E"),
        (["3000000"], {"requests": ["more"]}, "request 'more' is not one of none"),
        (["3000000"], {"ages": [9, 10]}, "ages has 2 rows, not 1"),
        (["3000000"], {"ages": [-1]}, "ages must not be negative"),
        (["3000000"], {"current_setting_types": ["academy"]}, "setting type 'academy'"),
        (["30000é0"], {}, "need vectors may hold only digits and '-'"),
    ],
)
def test_bad_vectors_are_refused(vectors, fields, message):
    arguments = {"ages": [9], "sen_statuses": ["K"], **fields}

    with pytest.raises(ValueError, match=message):
        Caseload.from_vectors(CODES, vectors, **arguments)


def test_funding_has_a_table_per_small_area_and_per_total_and_searches_otherwise():
    """The two ways the batch path counts points and finds bands give the same figures: tables
    for areas of a few domains and for the totals a scheme can give, and a search for a wide
    area or a scheme of very many points (the property test above covers both kinds)."""
    from assessments.rules.batch import _prepared

    small, wide = _prepared(small_ruleset()), _prepared(wide_ruleset())
    assert all(table is not None for table in small.area_tables)
    assert small.position_by_total is not None
    assert wide.area_tables == (None,) and wide.position_by_total is None

    levels = {"speech": 4, "social": 3, "reading": 2, "maths": 1, "hearing": 4, "mobility": 0}
    for ruleset, points in ((small_ruleset(), 48), (wide_ruleset(), 230000)):
        register = SettingsRegister.build([], ruleset)
        child = profile(levels, current_setting_type="mainstream")
        row = evaluate_caseload(caseload_of([child], list(levels)), ruleset, register).row(0)
        assert row_headline(row) == headline(evaluate(child, ruleset, register))
        assert row.total_points == points
