"""Properties every rule set must have: monotonic in need, and deterministic."""

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.rules import Profile, SettingsRegister, evaluate
from tests.rules.strategies import (
    FOREIGN_DOMAIN,
    RULESETS,
    domain_codes,
    profiles,
)
from tests.rules.strategies import settings as register_settings


def _rank(recommendation):
    from assessments.rules.codes import TIER_RANK

    # Above the scheme's range ranks above every band.
    band = 1_000_000 if recommendation.above_range else recommendation.band_number or 0
    return (recommendation.total_points, band, TIER_RANK[recommendation.tier])


@st.composite
def raised_need(draw):
    ruleset = draw(st.sampled_from(RULESETS))
    codes = domain_codes(ruleset)
    records = draw(register_settings(codes))
    child = draw(profiles(codes))
    domain = draw(st.sampled_from(codes))
    current = child.levels.get(domain, 0)
    higher = draw(st.integers(current, 4))
    raised = Profile(
        **{
            field: getattr(child, field)
            for field in Profile.__dataclass_fields__
            if field != "levels"
        },
        levels={**child.levels, domain: higher},
    )
    return ruleset, records, child, raised


@settings(max_examples=200, deadline=None)
@given(raised_need())
def test_raising_a_need_never_lowers_points_band_or_tier(case):
    ruleset, records, child, raised = case
    register = SettingsRegister.build(records, ruleset)

    before = _rank(evaluate(child, ruleset, register))
    after = _rank(evaluate(raised, ruleset, register))

    assert all(later >= earlier for earlier, later in zip(before, after, strict=True))


@st.composite
def any_case(draw):
    ruleset = draw(st.sampled_from(RULESETS))
    codes = domain_codes(ruleset) + [FOREIGN_DOMAIN]
    return ruleset, draw(register_settings(codes)), draw(profiles(codes))


@settings(max_examples=60, deadline=None)
@given(any_case())
def test_evaluation_is_deterministic(case):
    ruleset, records, child = case
    first = evaluate(child, ruleset, SettingsRegister.build(records, ruleset))
    # The same data in another order, and a register built afresh, change nothing.
    reordered = Profile(
        **{
            field: getattr(child, field)
            for field in Profile.__dataclass_fields__
            if field not in ("levels", "setting_ability", "family_capacity")
        },
        levels=dict(reversed(child.levels.items())),
        setting_ability=dict(reversed(child.setting_ability.items())),
        family_capacity=dict(reversed(child.family_capacity.items())),
    )
    second = evaluate(reordered, ruleset, SettingsRegister.build(reversed(records), ruleset))

    assert first == second
    assert first.trace and not any(step[0].islower() for step in first.trace)
