"""Rule files come from admins' uploads: whatever they contain, the answer is a located
RulesetError, never a crash, a hang or numbers that overflow the batch engine's arrays."""

import re

import pytest
import yaml

from assessments.rule_files import shipped_ruleset_paths
from assessments.rules import RulesetError, ruleset_from_yaml, schema

DEFAULT = next(path for path in shipped_ruleset_paths() if path.name == "default.yaml").read_text()


def changed(change):
    data = yaml.safe_load(DEFAULT)
    change(data)
    return yaml.safe_dump(data)


def nested(depth):
    condition = {"any_level_at_least": 4}
    for _ in range(depth):
        condition = {"all": [condition]}
    return condition


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            changed(lambda d: d["points"].update(default=[0, 1, 3, 6, 10**30])),
            "points.default[4]: must be at most 10,000,000",
        ),
        (
            changed(lambda d: d["bands"][-1].update(min_points=10**20)),
            "bands[6].min_points: must be at most 10,000,000",
        ),
        (
            changed(lambda d: d["bands"][0]["top_up"].update(all=10**12)),
            "bands[0].top_up.all: must be at most £10,000,000, not £1,000,000,000,000",
        ),
        (
            changed(lambda d: d["bands"][0]["top_up"].update(all=float("inf"))),
            "bands[0].top_up.all: must be an amount in pounds and pence",
        ),
        (
            changed(lambda d: d["bands"][0]["top_up"].update(all=".nan")),
            "bands[0].top_up.all: must be an amount in pounds and pence",
        ),
        (
            changed(lambda d: d["bands"][0]["top_up"].update(all=12.345)),
            "bands[0].top_up.all: must be an amount in pounds and pence, such as 1240 or "
            "125.50, not the number 12.345",
        ),
        (
            changed(lambda d: d["bands"][0].update(top_up={f"{h} hours": 1 for h in range(999)})),
            "bands[0].top_up.",
        ),
        (
            changed(lambda d: d["tiers"][0].update(when=nested(40))),
            "nests conditions more than 12 deep",
        ),
        ("[" * 5000 + "]" * 5000, "(file): is nested too deeply to be a rule set"),
        ("id: &a [*a]\n", "x.yaml"),
        ("\x00\x01binary", "x.yaml"),
    ],
)
def test_hostile_rule_files_are_refused_with_a_located_message(text, expected):
    with pytest.raises(RulesetError) as error:
        ruleset_from_yaml(text, "x.yaml")
    assert expected in str(error.value)


def test_twelve_levels_of_conditions_are_still_allowed():
    ruleset_from_yaml(changed(lambda d: d["tiers"][0].update(when=nested(10))), "x.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            re.sub(r"effective_from: \S+", "effective_from: 2025-02-31", DEFAULT),
            "is not a real date: 2025-02-31",
        ),
        ("name: 2024-13-01\n", "line 1: is not a real date: 2024-13-01"),
        ("a:\n  b:\n    - 2025-02-30\n", "line 3: is not a real date: 2025-02-30"),
        ("when: 2025-02-29 10:00:00\n", "is not a real date: 2025-02-29 10:00:00"),
        ("when: 99999-01-01\n", None),  # not a YAML date at all: text, refused later by the schema
    ],
)
def test_impossible_dates_are_a_located_problem_not_a_crash(text, expected):
    with pytest.raises(RulesetError) as error:
        ruleset_from_yaml(text, "x.yaml")
    if expected:
        assert f"x.yaml: {expected}" in str(error.value) or expected in str(error.value)
        assert error.value.key_path.startswith("line ")


def laughs(levels):
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        previous = f"*l{level - 1}"
        lines.append(f"l{level}: &l{level} [{', '.join([previous] * 10)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (laughs(9), "line 1"),  # a billion laughs: 10**9 strings if expanded
        ("id: &name default\nname: *name\n", "line 1"),
        ("bands:\n  - &band {number: 1}\n", "line 2"),
        ("a: [1]\nb: *missing\n", "line 2"),
    ],
)
def test_anchors_and_aliases_are_refused_before_anything_is_expanded(text, where):
    with pytest.raises(RulesetError) as error:
        ruleset_from_yaml(text, "x.yaml")
    assert error.value.key_path == where
    assert "anchors and aliases (& and *) are not allowed" in error.value.problem


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("{{ 7*7 }}\n", "line 1"),  # found by tests/security/test_fuzz_forms.py: a TypeError
        ("? [a, b]\n: c\n", "line 1"),
        ("points:\n  {x: 1}: 2\n", "line 2"),
    ],
)
def test_keys_that_are_lists_or_mappings_are_a_located_problem_not_a_crash(text, where):
    with pytest.raises(RulesetError) as error:
        ruleset_from_yaml(text, "x.yaml")
    assert error.value.key_path == where
    assert "a key must be a word or a number" in error.value.problem


def test_a_file_with_a_thousand_problems_is_composed_once_and_each_located(monkeypatch):
    """Every problem is located on its own line, from one reading of the text: locating each
    problem by reading the file again took 144 s for these 999 keys (an upload that holds a
    web worker for minutes)."""
    text = changed(
        lambda d: d["bands"][0].update(top_up={f"{h} hours": 1 for h in range(200, 1199)})
    )
    lines = text.splitlines()
    composed = []
    compose = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda *a, **k: composed.append(1) or compose(*a, **k))
    with pytest.raises(RulesetError) as error:
        ruleset_from_yaml(text, "x.yaml")
    problems = [p for p in error.value.errors if "hours a week" in p.problem]
    assert len(problems) == 999
    for problem in problems:
        hours = problem.key_path.rsplit(".", 1)[1]
        assert lines[problem.line - 1].strip().startswith(f"{hours}:"), problem
    assert len(composed) == 1


@pytest.mark.parametrize("path", shipped_ruleset_paths(), ids=lambda path: path.name)
def test_libyaml_reads_a_rule_file_as_the_python_parser_does(path):
    """Valid files are read by libyaml (a tenth of the time), to the same data and the same
    rule set as PyYAML's parser in Python gives."""
    text = path.read_text()
    fast = schema._fast_load(text)
    assert fast is not None, "a shipped rule file should be read by the fast path"
    assert fast[0] == yaml.load(text, Loader=schema._UniqueKeyLoader)
    assert schema.stored_rule_file_data(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        laughs(9),
        "id: &name default\nname: *name\n",
        "a: [1]\nb: *missing\n",
        "a: 1\na: 2\n",  # a repeated key
        "name: 2024-13-01\n",  # a date that does not exist
        "? [a, b]\n: c\n",
        "a:\n\tb: 1\n",  # a tab, which YAML refuses
        "a: " + "[" * 100 + "]" * 100 + "\n",  # deeper than any rule needs
        "a: b\x00c\n",
        "{{ 7*7 }}\n",
    ],
)
def test_whatever_a_rule_file_may_not_hold_is_left_to_the_python_parser(text):
    """The fast path decides nothing it is not sure of: anything refused, and anything
    suspect, is read again by the Python loader, which says what is wrong as it always did."""
    assert schema._fast_load(text) is None
    with pytest.raises(RulesetError):
        ruleset_from_yaml(text, "x.yaml")


def test_problems_are_reported_the_same_with_or_without_libyaml(monkeypatch):
    """A file libyaml reads but the schema refuses gives the same located problems either way."""
    text = changed(lambda d: d["points"].update(default=[0, 1, 3, 6, 10**30]))
    with pytest.raises(RulesetError) as fast:
        ruleset_from_yaml(text, "x.yaml")
    monkeypatch.setattr(schema, "_UniqueKeyCLoader", None)
    with pytest.raises(RulesetError) as slow:
        ruleset_from_yaml(text, "x.yaml")
    assert str(fast.value) == str(slow.value)
    assert [p.line for p in fast.value.errors] == [p.line for p in slow.value.errors]
