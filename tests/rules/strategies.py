"""Hypothesis strategies for profiles, registers and caseloads over the shipped rule sets."""

from hypothesis import strategies as st

from assessments.rule_files import load_shipped_rulesets
from assessments.rules import Profile, SettingRecord
from assessments.rules.codes import PHASE_CODES, REQUEST_CODES, SETTING_TYPE_CODES
from tests.rules.helpers import bands_only_ruleset, ranged_ruleset, small_ruleset, wide_ruleset

RULESETS = [
    *load_shipped_rulesets().values(),
    small_ruleset(),
    ranged_ruleset(),
    bands_only_ruleset(),
    wide_ruleset(),
]
# A code no rule set names, to show unknown domains are ignored.
FOREIGN_DOMAIN = "not_in_any_rule_set"
MAX_SETTINGS = 12


def domain_codes(ruleset) -> list[str]:
    return [domain.code for domain in ruleset.domains]


def ratings(codes, maximum):
    """Ratings for some of `codes`; a drawn -1 leaves that domain unrated."""
    return st.lists(st.integers(-1, maximum), min_size=len(codes), max_size=len(codes)).map(
        lambda values: {
            code: value for code, value in zip(codes, values, strict=True) if value >= 0
        }
    )


@st.composite
def profiles(draw, codes):
    return Profile(
        levels=draw(ratings(codes, 4)),
        setting_ability=draw(ratings(codes, 3)),
        family_capacity=draw(ratings(codes, 3)),
        age=draw(st.integers(0, 27)),
        sen_status=draw(st.sampled_from("NKE")),
        current_setting_id=draw(st.none() | st.integers(0, MAX_SETTINGS + 2)),
        current_setting_type=draw(st.none() | st.sampled_from(SETTING_TYPE_CODES)),
        held_band=draw(st.none() | st.integers(0, 11)),
        request=draw(st.sampled_from(REQUEST_CODES)),
        previous_levels=draw(st.none() | ratings(codes, 4)),
        attendance_hours=draw(st.none() | st.sampled_from([0, 10, 15, 22.5, 30, 40])),
    )


@st.composite
def settings(draw, codes):
    count = draw(st.integers(0, MAX_SETTINGS))
    return [
        SettingRecord(
            id=number,
            name=draw(st.sampled_from(["Ash", "Beech", "Cedar"])),
            setting_type=draw(st.sampled_from(SETTING_TYPE_CODES)),
            phase=draw(st.sampled_from(PHASE_CODES)),
            capabilities=draw(ratings(codes, 4)),
        )
        for number in range(count)
    ]
