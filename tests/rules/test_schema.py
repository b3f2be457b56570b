"""Rule-set validation: every bad case names the source, the key path and the problem."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.rules import RulesetError, parse_ruleset, ruleset_from_yaml
from tests.rules.helpers import small_data

DOMAINS = "speech, social, reading, maths, hearing, mobility, adulthood"
SETTING_TYPES = (
    "mainstream, resourced, state_special, independent_special, ap, fe, early_years, other"
)


def _without(mapping, key):
    del mapping[key]


CASES = [
    (
        "missing key",
        lambda data: _without(data, "bands"),
        "bands: is required but missing",
    ),
    (
        "unknown key",
        lambda data: data.update(colour="red"),
        "colour: is not a recognised key (expected one of: schema_version, id, name, version, "
        "effective_from, description, areas, domains, points, bands, funding, tiers, source, "
        "tier_step_up, matching, family, provision, classification)",
    ),
    (
        "wrong type",
        lambda data: data["bands"][0].update(min_points="five"),
        "bands[0].min_points: must be a whole number, not the text 'five'",
    ),
    (
        "boolean is not a number",
        lambda data: data["areas"][0].update(weight=True),
        "areas[0].weight: must be a whole number, not true",
    ),
    (
        "level above 4",
        lambda data: data["tiers"][2]["when"].update(any_level_at_least=5),
        "tiers[2].when.any_level_at_least: must be a level from 0 to 4, not 5",
    ),
    (
        "negative level",
        lambda data: data["tiers"][0]["when"]["all"][0].update(any_level_at_least=-1),
        "tiers[0].when.all[0].any_level_at_least: must be a level from 0 to 4, not -1",
    ),
    (
        "band thresholds not increasing",
        lambda data: data["bands"][2].update(min_points=12),
        "bands[2].min_points: must be greater than bands[1].min_points (12)",
    ),
    (
        "band numbers not increasing",
        lambda data: data["bands"][1].update(number=1),
        "bands[1].number: must be greater than bands[0].number (1)",
    ),
    (
        "top-up missing a band",
        lambda data: _without(data["funding"]["top_up"], 3),
        "funding.top_up.3: is required but missing (every band needs a top-up row)",
    ),
    (
        "top-up for an unknown band",
        lambda data: data["funding"]["top_up"].update({4: data["funding"]["top_up"][3]}),
        "funding.top_up.4: is not a band number in bands (expected one of: 1, 2, 3)",
    ),
    (
        "top-up naming an unknown setting type",
        lambda data: data["funding"]["top_up"][1].update(academy=5000),
        f"funding.top_up.1.academy: is not a recognised setting type (expected one of: "
        f"{SETTING_TYPES})",
    ),
    (
        "top-up missing a setting type",
        lambda data: _without(data["funding"]["top_up"][2], "ap"),
        "funding.top_up.2.ap: is required but missing",
    ),
    (
        "negative amount",
        lambda data: data["funding"]["base"].update(mainstream=-1),
        "funding.base.mainstream: must be at least 0, not -1",
    ),
    (
        "unknown tier",
        lambda data: data["tiers"][1].update(tier="targeted"),
        "tiers[1].tier: 'targeted' is not a tier (expected one of: universal, sen_support, "
        "targeted_plus, specialist)",
    ),
    (
        "tiers out of order",
        lambda data: data["tiers"].insert(0, data["tiers"].pop(1)),
        "tiers[1].tier: must be a lower tier than tiers[0].tier (targeted_plus): list tiers "
        "from highest to lowest",
    ),
    (
        "tier condition naming an unknown domain",
        lambda data: data["tiers"][2].update(
            when={"level_at_least": {"domain": "vision", "level": 2}}
        ),
        f"tiers[2].when.level_at_least.domain: 'vision' is not a domain of this rule set "
        f"(expected one of: {DOMAINS})",
    ),
    (
        "tier condition naming an unknown area",
        lambda data: data["tiers"][2].update(
            when={"area_points_at_least": {"area": "sensory", "points": 2}}
        ),
        "tiers[2].when.area_points_at_least.area: 'sensory' is not an area of this rule set "
        "(expected one of: talk, learn, body)",
    ),
    (
        "unknown condition primitive",
        lambda data: data["tiers"][2].update(when={"level_over": 3}),
        "tiers[2].when.level_over: is not a condition (expected one of: all, any, "
        "any_level_at_least, count_levels_at_least, level_at_least, points_at_least, "
        "area_points_at_least, no_mainstream_setting_meets, family_capacity_low_in_at_least)",
    ),
    (
        "two conditions in one mapping",
        lambda data: data["tiers"][2].update(when={"any_level_at_least": 2, "points_at_least": 4}),
        "tiers[2].when: must hold exactly one condition, not 2 (any_level_at_least, "
        "points_at_least); combine several with all or any",
    ),
    (
        "empty combinator",
        lambda data: data["tiers"][2].update(when={"any": []}),
        "tiers[2].when.any: must not be empty",
    ),
    (
        "condition argument missing a key",
        lambda data: data["tiers"][2].update(when={"count_levels_at_least": {"level": 2}}),
        "tiers[2].when.count_levels_at_least.count: is required but missing",
    ),
    (
        "no_mainstream_setting_meets must be true",
        lambda data: data["tiers"][0]["when"]["all"][1].update(no_mainstream_setting_meets=False),
        "tiers[0].when.all[1].no_mainstream_setting_meets: must be true "
        "(write no_mainstream_setting_meets: true), not false",
    ),
    (
        "last tier with conditions",
        lambda data: data["tiers"][3].update(when={"any_level_at_least": 0}),
        "tiers[3].when: the last tier is the default and takes no conditions",
    ),
    (
        "earlier tier without conditions",
        lambda data: _without(data["tiers"][1], "when"),
        "tiers[1].when: is required but missing (only the last tier, the default, has no "
        "conditions)",
    ),
    (
        "step-up to an unknown tier",
        lambda data: data["tier_step_up"].update(up_to="top"),
        "tier_step_up.up_to: 'top' is not a tier (expected one of: universal, sen_support, "
        "targeted_plus, specialist)",
    ),
    (
        "provision for an unknown domain",
        lambda data: data["provision"].update(vision=data["provision"]["reading"]),
        f"provision.vision: is not a domain of this rule set (expected one of: {DOMAINS})",
    ),
    (
        "provision at level 5",
        lambda data: data["provision"]["speech"].update({5: data["provision"]["speech"][3]}),
        "provision.speech.5: must be a need level from 1 to 4 (level 0 has no provision)",
    ),
    (
        "provision item missing its cost",
        lambda data: _without(data["provision"]["reading"][2][0], "annual_cost"),
        "provision.reading.2[0].annual_cost: is required but missing",
    ),
    (
        "negative hours",
        lambda data: data["provision"]["reading"][2][0].update(hours_per_week=-1),
        "provision.reading.2[0].hours_per_week: must not be negative, not -1",
    ),
    (
        "item codes repeated",
        lambda data: data["family"]["support"][0].update(code="SP-2"),
        "family.support[0].code: 'SP-2' is already used by provision.speech.2[0].code",
    ),
    (
        "family support for an unknown domain",
        lambda data: data["family"]["support"][1].update(domains=["talking"]),
        f"family.support[1].domains[0]: 'talking' is not a domain of this rule set "
        f"(expected one of: {DOMAINS})",
    ),
    (
        "family capacity threshold above 3",
        lambda data: data["family"].update(low_capacity_at_most=4),
        "family.low_capacity_at_most: must be between 0 and 3, not 4",
    ),
    (
        "domain in an unknown area",
        lambda data: data["domains"][0].update(area="chat"),
        "domains[0].area: 'chat' is not an area of this rule set "
        "(expected one of: talk, learn, body)",
    ),
    (
        "repeated domain code",
        lambda data: data["domains"][1].update(code="speech"),
        "domains[1].code: 'speech' is already used by domains[0].code",
    ),
    (
        "area without domains",
        lambda data: data["areas"].append({"code": "empty", "name": "Empty"}),
        "areas[3]: area 'empty' has no domains",
    ),
    (
        "unknown scoring mode",
        lambda data: data["areas"][2].update(scoring="mean"),
        "areas[2].scoring: 'mean' is not a scoring mode (expected one of: sum, max)",
    ),
    (
        "points row of the wrong length",
        lambda data: data["points"].update(default=[0, 1, 2, 3]),
        "points.default: must list the points for each level 0 to 4 (5 whole numbers), "
        "not a list of 4",
    ),
    (
        "points falling as need rises",
        lambda data: data["points"]["by_domain"].update(hearing=[0, 2, 4, 3, 12]),
        "points.by_domain.hearing[3]: must be at least level 2's 4 points (points may not "
        "fall as need rises)",
    ),
    (
        "points for no need",
        lambda data: data["points"].update(default=[1, 1, 3, 6, 10]),
        "points.default[0]: level 0 (no additional need) must score 0 points, not 1",
    ),
    (
        "points override for an unknown domain",
        lambda data: data["points"]["by_domain"].update(vision=[0, 1, 2, 3, 4]),
        f"points.by_domain.vision: is not a domain of this rule set (expected one of: {DOMAINS})",
    ),
    (
        "ranking missing setting types",
        lambda data: data.update(matching={"ranking": ["mainstream", "state_special"]}),
        "matching.ranking: must list every setting type once; missing: resourced, "
        "independent_special, ap, fe, early_years, other",
    ),
    (
        "ranking repeating a setting type",
        lambda data: data.update(matching={"mainstream_types": ["mainstream", "mainstream"]}),
        "matching.mainstream_types: lists mainstream more than once",
    ),
    (
        "held tier missing a status",
        lambda data: data.update(
            classification={"held_tier": {"N": "universal", "K": "sen_support"}}
        ),
        "classification.held_tier.E: is required but missing",
    ),
    (
        "bad date",
        lambda data: data.update(effective_from="1st Sept"),
        "effective_from: must be a date written as YYYY-MM-DD, not the text '1st Sept'",
    ),
    (
        "version read as a number",
        lambda data: data.update(version=1.1),
        "version: must be text in quotes, so 1.1 is not misread as a number",
    ),
    (
        "unsupported schema version",
        lambda data: data.update(schema_version=3),
        "schema_version: version 3 is not supported (this engine reads versions 1 and 2)",
    ),
    (
        "identifier with spaces",
        lambda data: data.update(id="My rules"),
        "id: must use lower-case letters, digits, '-' and '_' only, not 'My rules'",
    ),
    (
        "empty name",
        lambda data: data.update(name="  "),
        "name: must not be empty",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [(change, message) for _, change, message in CASES],
    ids=[name for name, _, _ in CASES],
)
def test_invalid_rule_sets_are_rejected_with_a_located_message(change, message):
    data = small_data()
    change(data)

    with pytest.raises(RulesetError) as raised:
        parse_ruleset(data, "bad.yaml")

    assert str(raised.value).splitlines()[0] == f"bad.yaml: {message}"
    assert raised.value.source == "bad.yaml"
    assert f"{raised.value.key_path}: {raised.value.problem}" == message


def test_the_small_rule_set_is_valid():
    assert parse_ruleset(small_data(), "small.yaml").id == "small"


def test_every_problem_is_reported_one_per_line():
    data = small_data()
    del data["name"]
    data["bands"][2]["min_points"] = 3
    data["provision"]["vision"] = {}

    with pytest.raises(RulesetError) as raised:
        parse_ruleset(data, "bad.yaml")

    assert [(error.key_path, error.problem) for error in raised.value.errors] == [
        ("name", "is required but missing"),
        ("bands[2].min_points", "must be greater than bands[1].min_points (12)"),
        ("provision.vision", f"is not a domain of this rule set (expected one of: {DOMAINS})"),
    ]
    assert str(raised.value) == "\n".join(
        [
            "bad.yaml: name: is required but missing",
            "bad.yaml: bands[2].min_points: must be greater than bands[1].min_points (12)",
            f"bad.yaml: provision.vision: is not a domain of this rule set (expected one of: "
            f"{DOMAINS})",
        ]
    )


def test_a_rule_set_must_be_a_mapping():
    with pytest.raises(RulesetError, match=r"^bad.yaml: \(top level\): must be a mapping"):
        parse_ruleset(["not", "a", "mapping"], "bad.yaml")


def test_yaml_syntax_errors_are_located_by_line():
    with pytest.raises(RulesetError) as raised:
        ruleset_from_yaml("id: x\nname: [unclosed\n", "broken.yaml")

    assert raised.value.source == "broken.yaml"
    assert raised.value.key_path == "line 2"
    assert raised.value.errors[0].line == 2
    assert raised.value.problem.startswith("a list in square brackets [ ] is not closed")


def test_repeated_yaml_keys_are_refused():
    with pytest.raises(RulesetError) as raised:
        ruleset_from_yaml("id: one\nname: A\nid: two\n", "twice.yaml")

    assert str(raised.value) == (
        "twice.yaml: line 3: the name 'id' appears twice at this level: keep one of them"
    )


def test_yaml_is_loaded_safely():
    with pytest.raises(RulesetError, match="exclamation mark"):
        ruleset_from_yaml("id: !!python/object/apply:os.system ['true']\n", "unsafe.yaml")


def test_optional_sections_take_documented_defaults():
    data = small_data()
    for optional in ("tier_step_up", "family", "provision"):
        del data[optional]

    ruleset = parse_ruleset(data, "minimal.yaml")

    assert ruleset.tier_step_up is None
    assert ruleset.provision == {}
    assert (ruleset.family.low_capacity_at_most, ruleset.family.need_at_least) == (1, 2)
    assert ruleset.matching.mainstream_types == ("mainstream", "resourced", "fe", "early_years")
    assert (ruleset.matching.top_up_uplift, ruleset.matching.top_up_ceiling) == (1, 3)
    assert ruleset.matching.max_matches == 10
    assert ruleset.classification.held_tier_by_status == {
        "N": "universal",
        "K": "sen_support",
        "E": "targeted_plus",
    }
    assert ruleset.classification.specialist_setting_types == (
        "state_special",
        "independent_special",
        "ap",
    )


def _paths(value, prefix=()):
    """Every (container path, key) in nested plain data."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


ALL_PATHS = list(_paths(small_data()))
JUNK = [None, True, -1, 99, 1.5, "", "junk", [], {}, [1, 2], {"x": 1}]


def _damaged(damage):
    data = small_data()
    for path, junk in damage:
        container = data
        try:
            for key in path[:-1]:
                container = container[key]
            container[path[-1]] = junk
        except (KeyError, IndexError, TypeError):
            continue
    return data


def _parses_or_explains(data):
    try:
        parse_ruleset(data, "damaged.yaml")
    except RulesetError as error:
        assert all(problem.key_path and problem.problem for problem in error.errors)
        assert str(error).startswith("damaged.yaml: ")


def test_any_single_damage_gives_a_ruleset_error_never_a_crash():
    for path in ALL_PATHS:
        for junk in JUNK:
            _parses_or_explains(_damaged([(path, junk)]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(JUNK)), max_size=4))
def test_combined_damage_gives_a_ruleset_error_never_a_crash(damage):
    _parses_or_explains(_damaged(damage))
