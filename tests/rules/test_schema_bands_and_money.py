"""Schema 2: bands with explicit ranges, money as published, optional tiers, domains from the
framework, and YAML problems in plain English with their line. Every construct's errors are
worded for a council officer and name the bands or values involved."""

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.rule_files import SHIPPED_RULES_DIR
from assessments.rules import RulesetError, parse_ruleset, ruleset_from_yaml
from assessments.rules.codes import NEEDS_DOMAIN_CODES, NEEDS_DOMAINS
from tests.rules.helpers import bands_only_data, ranged_data

FRAMEWORK = {code: label for code, label, _ in NEEDS_DOMAINS}


def problems(data, **kwargs):
    with pytest.raises(RulesetError) as raised:
        parse_ruleset(data, "scheme.yaml", **kwargs)
    return [f"{error.key_path}: {error.problem}" for error in raised.value.errors]


def herefordshire_like(*ranges):
    """Bands A1, A2, B1… with the given (min, max) ranges and £100 each."""
    names = ["A1", "A2", "B1", "B2", "C1"]
    data = bands_only_data()
    data["bands"] = [
        {"name": name, "min_points": low, "max_points": high, "top_up": 100}
        for name, (low, high) in zip(names, ranges, strict=False)
    ]
    return data


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ([(10, 14), (15, 19), (18, 24)], "bands[2]: A2 (15–19) overlaps B1 (18–24)"),
        (
            [(10, 14), (15, 19), (21, 24)],
            "bands[2]: there is a gap between A2 (15–19) and B1 (21–24): 20 points would fall "
            "in no band",
        ),
        (
            [(10, 14), (15, 19), (22, 24)],
            "bands[2]: there is a gap between A2 (15–19) and B1 (22–24): 20–21 points would "
            "fall in no band",
        ),
        (
            [(10, 14), (20, 24), (15, 19)],
            "bands[2]: B1 (15–19) is listed after A2 (20–24): list the bands from the fewest "
            "points to the most",
        ),
        (
            [(10, 14), (19, 15)],
            "bands[1].max_points: A2 (19–15): the band ends at 15 points, below where it starts "
            "(19)",
        ),
    ],
)
def test_band_ranges_are_contiguous_and_errors_name_the_bands(ranges, message):
    assert message in problems(herefordshire_like(*ranges))


def test_every_overlap_is_reported_at_once():
    found = problems(herefordshire_like((0, 9), (5, 14), (15, 19), (17, 30)))

    assert found == [
        "bands[1]: A1 (0–9) overlaps A2 (5–14)",
        "bands[3]: B1 (15–19) overlaps B2 (17–30)",
    ]


def test_band_names_are_unique():
    data = herefordshire_like((0, 9), (10, 14))
    data["bands"][1]["name"] = "A1"

    assert "bands[1].name: 'A1' is already used by bands[0].name" in problems(data)


def test_a_band_below_the_first_funded_band_may_have_no_top_up():
    data = ranged_data()

    ruleset = parse_ruleset(data, "ranged.yaml")

    assert [(band.name, band.funded) for band in ruleset.bands][:2] == [
        ("Local Offer", False),
        ("A1", True),
    ]
    assert ruleset.bands[1].label == "A1 – Support"


def test_only_bands_below_the_first_funded_band_may_have_no_top_up():
    data = herefordshire_like((0, 9), (10, 14), (15, 19))
    data["bands"][2]["top_up"] = "none"

    assert (
        "bands[2].top_up: B1 has no top-up but comes after A2, which has one: only bands below "
        "the first funded band can have no top-up" in problems(data)
    )


def test_a_scheme_needs_a_funded_band():
    data = herefordshire_like((0, 9))
    data["bands"][0]["top_up"] = None

    assert problems(data) == ["bands: no band has a top-up: give at least one band an amount"]


def test_a_band_without_its_top_up_says_how_to_write_one():
    data = herefordshire_like((0, 9))
    del data["bands"][0]["top_up"]

    assert problems(data) == [
        "bands[0].top_up: is required but missing: give an amount in pounds such as 1240 or "
        "125.50, or one amount per hours a week such as {15 hours: 125.50, 30 hours: 251}, or "
        "none for a band with no top-up"
    ]


@pytest.mark.parametrize(
    ("top_up", "message"),
    [
        ("£1,240.50", None),
        ("1240.5", None),
        (0, None),
        (
            "lots",
            "bands[0].top_up: must be an amount in pounds and pence, such as 1240 or 125.50, "
            "not the text 'lots'",
        ),
        (-5, "bands[0].top_up: must not be negative, not -£5"),
        (
            10.001,
            "bands[0].top_up: must be an amount in pounds and pence, such as 1240 or 125.50, "
            "not the number 10.001",
        ),
        (
            [100],
            "bands[0].top_up: must be an amount in pounds such as 1240 or 125.50, or one amount "
            "per hours a week such as {15 hours: 125.50, 30 hours: 251}, not a list",
        ),
        (
            {"all": 100, "state_specal": 900},
            "bands[0].top_up.state_specal: is not a type of setting: did you mean "
            "'state_special'? (expected one of: all, mainstream, resourced, state_special, "
            "independent_special, ap, fe, early_years, other)",
        ),
        (
            {"mainstream": 100, "state_special": 900},
            "bands[0].top_up: needs an amount for every type of setting: give 'all' (and "
            "exceptions), or list resourced, independent_special, ap, fe, early_years, other too",
        ),
        (
            {"15 hours": 100, "thirty hours": 200},
            "bands[0].top_up.thirty hours: must be a number of hours a week written like "
            "'15 hours' or '30 hours'",
        ),
        ({"15 hours": 100, "200 hours": 200}, "must be from 1 to 168 hours a week, not 200"),
    ],
)
def test_amounts(top_up, message):
    data = herefordshire_like((0, 9))
    data["bands"][0]["top_up"] = top_up

    if message is None:
        parse_ruleset(data, "scheme.yaml")
    else:
        assert any(message in found for found in problems(data)), problems(data)


def test_one_amount_for_every_setting_with_exceptions():
    data = herefordshire_like((0, 9))
    data["bands"][0]["top_up"] = {"all": 1000, "state_special": 6000}

    band = parse_ruleset(data, "scheme.yaml").bands[0]

    assert band.top_up.amount_for("mainstream").figures == ((None, 100_000),)
    assert band.top_up.amount_for("state_special").figures == ((None, 600_000),)


@pytest.mark.parametrize(
    ("funding", "message"),
    [
        ({"per": "month"}, "funding.per: 'month' is not a period (expected one of: year, term)"),
        (
            {"per": "term"},
            "funding.terms_per_year: is required when amounts are per term (how many terms a "
            "year, such as 3)",
        ),
        (
            {"per": "year", "terms_per_year": 3},
            "funding.terms_per_year: only applies when amounts are per term (per: term)",
        ),
        (
            {"per": "term", "terms_per_year": 13},
            "funding.terms_per_year: must be between 1 and 12, not 13",
        ),
        (
            {"hours": [15, 30], "default_hours": 20},
            "funding.default_hours: must be one of the hours listed (expected one of: 15, 30), "
            "not the number 20",
        ),
        ({"hours": [15, 15]}, "funding.hours: lists the same number of hours twice"),
        ({"default_hours": 15}, "funding.default_hours: needs the hours listed (hours: [15, 30])"),
    ],
)
def test_funding_periods_and_hours(funding, message):
    data = ranged_data()
    data["funding"] = funding

    assert message in problems(data)


def test_amounts_by_hours_must_match_the_hours_listed():
    data = ranged_data()
    data["bands"][2]["top_up"] = {"all": {"15 hours": 300, "25 hours": 500}}
    data["bands"][3]["top_up"] = 900

    assert problems(data) == [
        "bands[2].top_up: B1 gives amounts for 15 hours, 25 hours, but funding.hours lists "
        "15 hours, 30 hours: every amount by hours must give the same hours",
        "bands[3].top_up: C1 gives one amount, but funding.hours lists 15 hours, 30 hours: give "
        "an amount for each",
    ]


def test_money_per_term_has_its_period():
    ruleset = parse_ruleset(ranged_data(), "ranged.yaml")

    assert (ruleset.funding.period.per, ruleset.funding.period.per_year) == ("term", 3)
    assert ruleset.funding.hours == (15, 30)
    # The annual-equivalent table other modules sum, in pounds.
    assert str(ruleset.top_up[2]["mainstream"]) == "603.00"
    assert str(ruleset.top_up[3]["mainstream"]) == "1800.75"
    assert str(ruleset.top_up[1]["mainstream"]) == "0.00"


def test_tiers_are_optional():
    ruleset = parse_ruleset(bands_only_data(), "bands-only.yaml")

    assert not ruleset.tiers_from_scheme
    assert [rule.tier for rule in ruleset.tiers] == [
        "specialist",
        "targeted_plus",
        "sen_support",
        "universal",
    ]


def test_schema_1_still_requires_tiers():
    from tests.rules.helpers import small_data

    data = small_data()
    del data["tiers"]

    assert problems(data) == ["tiers: is required but missing"]


def test_published_sources_are_checked():
    data = bands_only_data()
    data["published"] = {"by": "A council", "title": "Tariffs", "date": "2025-13-01"}

    assert problems(data) == [
        "published.publishes: is required but missing",
        "published.assumptions: is required but missing",
        "published.date: must be a date written as YYYY-MM-DD, not the text '2025-13-01'",
    ]


# Domains come from the needs framework.


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "heering",
            "'heering' is not a domain of the needs framework: did you mean 'hearing' (Hearing)?",
        ),
        (
            "speech",
            "'speech' is not a domain of the needs framework: did you mean 'speech_language' "
            "(Speech, language and communication)?",
        ),
        (
            "physical",
            "'physical' is not a domain of the needs framework: did you mean "
            "'physical_mobility' (Physical and mobility)?",
        ),
    ],
)
def test_a_domain_outside_the_framework_is_refused_with_the_nearest(code, message):
    text = (SHIPPED_RULES_DIR / "default.yaml").read_text()
    data = yaml.safe_load(text)
    data["domains"][6]["code"] = code

    assert f"domains[6].code: {message}" in problems(data, known_domains=FRAMEWORK)


def test_without_the_framework_any_code_is_the_scheme_s_own():
    data = bands_only_data()

    assert parse_ruleset(data, "scheme.yaml").domains[0].code == "speech"
    assert problems(data, known_domains=FRAMEWORK)[0].startswith(
        "domains[0].code: 'speech' is not a domain of the needs framework: did you mean "
        "'speech_language'"
    )


def test_shipped_schemes_use_only_framework_domains():
    for path in sorted(SHIPPED_RULES_DIR.glob("*.yaml")):
        ruleset_from_yaml(path.read_text(), path.name, known_domains=FRAMEWORK)


def test_framework_domains_a_scheme_leaves_out():
    from assessments.rules import framework_domains_left_out

    islington = ruleset_from_yaml(
        (SHIPPED_RULES_DIR / "eleven-domain-tariffs.yaml").read_text(), "islington"
    )

    assert framework_domains_left_out(islington, NEEDS_DOMAIN_CODES) == ("preparing_for_adulthood",)


# YAML problems in plain English, with their line.

PARSER_JARGON = (
    "expected <",
    "block end",
    "block mapping",
    "scalar",
    "token",
    "node",
    "stream",
    "flow sequence",
    "indicator",
    "constructor",
    "tag:yaml",
)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id: x\nname: A\n  version: 1\n", 3, "a colon (:) where a new value cannot start"),
        ("bands:\n  - name: A1\n    min_points: 1\n   max_points: 2\n", 4, "not indented like"),
        ("bands:\n  - name: A1\n - name: A2\n", 3, "not indented like"),
        ("id: x\n\tname: A\n", 2, "tab character"),
        ("id: x\nname: 'Tariffs\nversion: 1\n", 2, "a quote"),
        ("id: x\nname: [A, B\nversion: 1\n", 2, "square brackets [ ] is not closed"),
        ("id: x\nbase: {all: 1, mainstream: 2\n", 2, "curly brackets { } is not closed"),
        ("id: x\nname: @home\n", 2, "cannot start with this character"),
        ("id: x\nname: !secret A\n", 2, "exclamation mark (!)"),
        ('id: x\nname: "a\\qb"\n', 2, "backslash"),
        ("id: x\nname: 'A' B\n", 2, "more text after a closing quote"),
    ],
)
def test_yaml_problems_are_plain_english_with_the_line(text, line, words):
    with pytest.raises(RulesetError) as raised:
        ruleset_from_yaml(text, "scheme.yaml")

    problem = raised.value.errors[0]
    assert problem.line == line
    assert words in problem.problem
    assert not any(jargon in problem.problem.lower() for jargon in PARSER_JARGON)
    assert str(problem).startswith(f"Line {line}: ")


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 2000),
    st.sampled_from(
        ["  ", "\t", ":", "- ", "'", '"', "[", "{", "}", "]", "&", "*", "!", "@", "\n"]
    ),
)
def test_no_yaml_problem_is_ever_parser_jargon(position, inserted):
    text = (SHIPPED_RULES_DIR / "herefordshire-early-years.yaml").read_text()
    position = min(position, len(text))
    broken = text[:position] + inserted + text[position:]
    try:
        ruleset_from_yaml(broken, "scheme.yaml")
    except RulesetError as error:
        for problem in error.errors:
            assert not any(jargon in problem.problem.lower() for jargon in PARSER_JARGON), problem


def test_problems_found_after_reading_also_give_their_line():
    text = (SHIPPED_RULES_DIR / "herefordshire-early-years.yaml").read_text()
    broken = text.replace("{name: B1, min_points: 20,", "{name: B1, min_points: 18,")

    with pytest.raises(RulesetError) as raised:
        ruleset_from_yaml(broken, "scheme.yaml")

    problem = raised.value.errors[0]
    assert problem.problem == "A2 (15–19) overlaps B1 (18–24)"
    assert (
        problem.line
        == text.splitlines().index(next(line for line in text.splitlines() if "{name: B1," in line))
        + 1
    )
    assert str(problem) == f"Line {problem.line} (bands[3]): A2 (15–19) overlaps B1 (18–24)"


@pytest.mark.parametrize("text", ["{{ 7*7 }}: x\n", "[a, b]: 1\n", "? {a: 1}\n: 2\n"])
def test_a_key_that_is_a_list_or_mapping_is_a_problem_not_a_crash(text):
    with pytest.raises(RulesetError) as raised:
        ruleset_from_yaml(text, "scheme.yaml")
    assert raised.value.errors[0].problem == (
        "a key must be a word or a number, not a list or a mapping"
    )
