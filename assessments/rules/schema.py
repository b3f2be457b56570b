"""Reading a rule set from plain data, rejecting anything malformed with a located message.

Validation is hand-written rather than generated so each problem names the exact key path
(`bands[2].min_points`) and says what is wrong in words an authority admin can act on. All
problems found are reported together; cross-references are checked only once the sections
they point at have parsed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import Any

import yaml

from assessments.rules import conditions
from assessments.rules.codes import (
    DEFAULT_TIER_NAMES,
    MAX_CAPACITY,
    MAX_NEED_LEVEL,
    SEN_STATUS_CODES,
    SETTING_TYPE_CODES,
    TIER_CODES,
    TIER_RANK,
)
from assessments.rules.money import PERIODS, YEARLY, Amount, Period, TopUp, money, pence_from
from assessments.rules.ruleset import (
    ABOVE_RANGE_OUTCOME,
    SCORING_MODES,
    Area,
    Band,
    ClassificationPolicy,
    Domain,
    FamilyPolicy,
    FamilySupportOption,
    FundingPolicy,
    MatchingPolicy,
    ProvisionOption,
    Published,
    RuleSet,
    TierRule,
    TierStepUp,
)
from assessments.rules.yaml_problems import locate, plain_yaml_problem

# Version 1: bands by starting points with the top band open-ended, a top-up for every band and
# setting type in whole pounds a year, tiers required. Version 2: bands with explicit ranges and
# their own top-up (pounds and pence, per year or term, by hours, one amount for every setting
# with exceptions), an outcome above the top band, optional funding section and tiers.
SUPPORTED_SCHEMA_VERSIONS = (1, 2)
SUPPORTED_SCHEMA_VERSION = 2
LEVEL_COUNT = MAX_NEED_LEVEL + 1
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9_-]*")

DEFAULT_MAINSTREAM_TYPES = ("mainstream", "resourced", "fe", "early_years")
# Least restrictive first, as the SEND Code of Practice presumes mainstream education.
DEFAULT_RANKING = (
    "mainstream",
    "resourced",
    "fe",
    "early_years",
    "state_special",
    "independent_special",
    "ap",
    "other",
)
DEFAULT_HELD_TIER = {"N": "universal", "K": "sen_support", "E": "targeted_plus"}
DEFAULT_SPECIALIST_SETTING_TYPES = ("state_special", "independent_special", "ap")
# Requests that name a tier; `increased_funding` asks for the held tier one band higher.
TIERED_REQUESTS = ("ehc_assessment", "ehc_plan", "specialist_placement")
DEFAULT_REQUESTED_TIER = {
    "ehc_assessment": "targeted_plus",
    "ehc_plan": "targeted_plus",
    "specialist_placement": "specialist",
}


@dataclass(frozen=True, slots=True)
class RulesetProblem:
    key_path: str
    problem: str
    # The line of the file the problem is on, where the rule set came from YAML text.
    line: int | None = None

    def __str__(self) -> str:
        if self.line is not None and self.key_path != f"line {self.line}":
            return f"Line {self.line} ({self.key_path}): {self.problem}"
        if self.line is not None:
            return f"Line {self.line}: {self.problem}"
        return f"{self.key_path}: {self.problem}"


# Bounds on what a rule file may ask of the engine (see _Checker.whole_number and _condition).
LARGEST_NUMBER = 10_000_000
MAX_CONDITION_DEPTH = 12


class RulesetError(ValueError):
    """A rule set that cannot be used, with every problem found, each located by key path."""

    def __init__(self, source: str, errors: Sequence[RulesetProblem]) -> None:
        self.source = source
        self.errors = list(errors)
        self.key_path = self.errors[0].key_path
        self.problem = self.errors[0].problem
        super().__init__(
            "\n".join(f"{source}: {error.key_path}: {error.problem}" for error in self.errors)
        )


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that a rule set may not contain; its problem is the whole message."""


class _RuleFileConstruction:
    """What a rule file's values may not be, whichever parser read them: repeated keys, which
    plain YAML silently overwrites; keys that are lists or mappings; and dates that do not
    exist, which PyYAML's timestamp constructor would raise as a bare ValueError."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise _Refused(
                None, None, f"is not a real date: {node.value}", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):  # `{{ a: b }}: c`: unhashable, and never a rule
                raise _Refused(
                    None,
                    None,
                    "a key must be a word or a number, not a list or a mapping",
                    key_node.start_mark,
                )
            if key in seen:
                raise _Refused(
                    None,
                    None,
                    f"the name {key!r} appears twice at this level: keep one of them",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


class _UniqueKeyLoader(_RuleFileConstruction, yaml.SafeLoader):
    """A safe loader (PyYAML's own parser, in Python) with the rule file's constructors, that
    also refuses anchors and aliases, so a small file cannot expand into a huge one ("billion
    laughs"). It reads every file the fast path below does not, and says what is wrong."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                None,
                None,
                "anchors and aliases (& and *) are not allowed in a rule set: "
                "write each value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)


# libyaml's parser, when PyYAML was built with it (its wheels are): the shipped default scheme
# is checked in 12.5 ms instead of 65 ms with PyYAML's parser in Python (once or twice per save
# of a scheme).
_C_SAFE_LOADER = getattr(yaml, "CSafeLoader", None)
# Nesting no rule file needs (a condition nests at most MAX_CONDITION_DEPTH levels, each two
# YAML levels deep): deeper files are left to the Python parser, which refuses them politely.
_FAST_DEPTH = 64

if _C_SAFE_LOADER is not None:

    class _UniqueKeyCLoader(_RuleFileConstruction, _C_SAFE_LOADER):
        """The rule file's constructors over libyaml's parser."""

else:  # pragma: no cover - PyYAML built without libyaml
    _UniqueKeyCLoader = None

# Each loader keeps its own table of constructors: the timestamp one goes in each.
for _loader in (_UniqueKeyLoader, _UniqueKeyCLoader):
    if _loader is not None:
        _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_yaml_timestamp)


def _fast_load(text: str):
    """The rule file's data read with libyaml, as ``(data,)``; or None when the fast path does
    not decide: no libyaml, anything the file may not contain (an anchor, an alias, nesting
    deeper than any rule needs: found in one pass over the events, before anything is built),
    or any problem at all. Then the Python loader reads the file again and says what is wrong,
    exactly as it always has."""
    if _UniqueKeyCLoader is None:
        return None
    opening = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    closing = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_C_SAFE_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, opening):
                depth += 1
                if depth > _FAST_DEPTH:
                    return None
            elif isinstance(event, closing):
                depth -= 1
        return (yaml.load(text, Loader=_UniqueKeyCLoader),)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None


def stored_rule_file_data(text: str):
    """The data of a rule file already checked when it was saved (a stored version's text),
    read with libyaml where PyYAML has it: the same values ``yaml.safe_load`` gives."""
    return yaml.load(text, Loader=_C_SAFE_LOADER or yaml.SafeLoader)


def ruleset_from_yaml(
    text: str, source: str, known_domains: Mapping[str, str] | None = None
) -> RuleSet:
    """Read a rule set from YAML text. Problems say, in plain English, what is wrong and on
    which line; with ``known_domains`` (the needs framework's codes and names) a domain code
    outside the framework is refused."""
    try:
        # As safe as yaml.safe_load: both loaders are safe loaders that also refuse repeated
        # keys; anchors and aliases are refused before anything is built.
        fast = _fast_load(text)
        data = fast[0] if fast is not None else yaml.load(text, Loader=_UniqueKeyLoader)
    except RecursionError:
        raise RulesetError(
            source, [RulesetProblem("(file)", "is nested too deeply to be a rule set")]
        ) from None
    except yaml.YAMLError as error:
        if isinstance(error, _Refused):
            mark = error.problem_mark
            line = None if mark is None else mark.line + 1
            where = "(file)" if line is None else f"line {line}"
            raise RulesetError(source, [RulesetProblem(where, error.problem, line)]) from None
        line, problem = plain_yaml_problem(error, text)
        where = "(file)" if line is None else f"line {line}"
        raise RulesetError(source, [RulesetProblem(where, problem, line)]) from None
    try:
        return parse_ruleset(data, source, known_domains)
    except RulesetError as error:
        unlocated = [problem for problem in error.errors if problem.line is None]
        lines = iter(locate(text, [problem.key_path for problem in unlocated]))
        located = [
            problem if problem.line is not None else replace(problem, line=next(lines))
            for problem in error.errors
        ]
        raise RulesetError(source, located) from None


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _one_of(choices: Iterable[object]) -> str:
    return f"expected one of: {', '.join(str(choice) for choice in choices)}"


def _key(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _item(path: str, index: int) -> str:
    return f"{path}[{index}]"


class _Checker:
    """Collects problems while reading values; a reader returns None when its value is bad."""

    def __init__(self) -> None:
        self.problems: list[RulesetProblem] = []

    def report(self, path: str, problem: str) -> None:
        self.problems.append(RulesetProblem(path, problem))

    @staticmethod
    def describe(value: object) -> str:
        return _describe(value)

    def mapping(
        self,
        value: object,
        path: str,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
        key_kind: str = "key",
    ) -> dict | None:
        if not isinstance(value, dict):
            self.report(path or "(top level)", f"must be a mapping of keys, not {_describe(value)}")
            return None
        required = tuple(required)
        allowed = required + tuple(optional)
        for key in required:
            if key not in value:
                self.report(_key(path, key), "is required but missing")
        for key in value:
            if key not in allowed:
                self.report(_key(path, key), f"is not a recognised {key_kind} ({_one_of(allowed)})")
        return value

    def open_mapping(self, value: object, path: str) -> dict | None:
        """A mapping whose keys the caller checks itself (band numbers, domains, levels)."""
        if not isinstance(value, dict):
            self.report(path, f"must be a mapping of keys, not {_describe(value)}")
            return None
        return value

    def sequence(self, value: object, path: str) -> list | None:
        if not isinstance(value, list):
            self.report(path, f"must be a list, not {_describe(value)}")
            return None
        if not value:
            self.report(path, "must not be empty")
            return None
        return value

    def whole_number(
        self, value: object, path: str, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(path, f"must be a whole number, not {_describe(value)}")
            return None
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            self.report(path, f"must be between {minimum} and {maximum}, not {value}")
            return None
        if minimum is not None and value < minimum:
            self.report(path, f"must be at least {minimum}, not {value}")
            return None
        # No figure in a rule set is anywhere near this; beyond it, sums overflow 64-bit arrays.
        if value > LARGEST_NUMBER:
            self.report(path, f"must be at most {LARGEST_NUMBER:,}, not {value:,}")
            return None
        return value

    def level(self, value: object, path: str, minimum: int = 0) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            if not minimum <= value <= MAX_NEED_LEVEL:
                self.report(
                    path, f"must be a level from {minimum} to {MAX_NEED_LEVEL}, not {value}"
                )
                return None
            return value
        return self.whole_number(value, path)

    def amount(self, value: object, path: str) -> int | None:
        return self.whole_number(value, path, minimum=0)

    def hours(self, value: object, path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.report(path, f"must be a number of hours, not {_describe(value)}")
            return None
        if value < 0:
            self.report(path, f"must not be negative, not {value}")
            return None
        return float(value)

    def text(self, value: object, path: str) -> str | None:
        if not isinstance(value, str):
            self.report(path, f"must be text, not {_describe(value)}")
            return None
        if not value.strip():
            self.report(path, "must not be empty")
            return None
        return value.strip()

    def identifier(self, value: object, path: str) -> str | None:
        text = self.text(value, path)
        if text is not None and not IDENTIFIER.fullmatch(text):
            self.report(
                path,
                f"must use lower-case letters, digits, '-' and '_' only, not {text!r}",
            )
            return None
        return text

    def choice(
        self, value: object, path: str, choices: Sequence[str] | None, kind: str
    ) -> str | None:
        """A code from `choices`; with `choices` None (its section was invalid) any text passes."""
        if not isinstance(value, str):
            self.report(path, f"must be {kind} code, not {_describe(value)}")
            return None
        if choices is not None and value not in choices:
            self.report(path, f"{value!r} is not {kind} ({_one_of(choices)})")
            return None
        return value

    def choices(
        self, value: object, path: str, choices: Sequence[str], kind: str
    ) -> tuple[str, ...] | None:
        items = self.sequence(value, path)
        if items is None:
            return None
        picked = [self.choice(item, _item(path, i), choices, kind) for i, item in enumerate(items)]
        if None in picked:
            return None
        duplicates = sorted({code for code in picked if picked.count(code) > 1})
        if duplicates:
            self.report(path, f"lists {', '.join(duplicates)} more than once")
            return None
        return tuple(picked)

    def field[T](
        self, section: dict | None, key: str, path: str, read: Callable[[object, str], T]
    ) -> T | None:
        if section is None or key not in section:
            return None
        return read(section[key], _key(path, key))


@dataclass(frozen=True, slots=True)
class _Context:
    """What later sections may refer to, or None where that section did not parse."""

    domain_codes: tuple[str, ...] | None
    area_codes: tuple[str, ...] | None


TOP_REQUIRED_V1 = (
    "schema_version",
    "id",
    "name",
    "version",
    "effective_from",
    "description",
    "areas",
    "domains",
    "points",
    "bands",
    "funding",
    "tiers",
)
TOP_OPTIONAL_V1 = ("source", "tier_step_up", "matching", "family", "provision", "classification")
# Schema 2 makes funding and tiers optional.
TOP_REQUIRED = tuple(key for key in TOP_REQUIRED_V1 if key not in ("funding", "tiers"))
TOP_OPTIONAL = (
    "source",
    "published",
    "funding",
    "above_top_band",
    "tiers",
    "tier_step_up",
    "matching",
    "family",
    "provision",
    "classification",
)

# The tiers a scheme that sets none is given: the Valuing SEND classification needs a tier, and
# these depend only on need levels and mainstream settings, never on a scheme's points scale.
STANDARD_TIERS = (
    {
        "tier": "specialist",
        "when": {"all": [{"any_level_at_least": 4}, {"no_mainstream_setting_meets": True}]},
    },
    {"tier": "targeted_plus", "when": {"any_level_at_least": 3}},
    {"tier": "sen_support", "when": {"any_level_at_least": 2}},
    {"tier": "universal"},
)


def _schema_version(check: _Checker, root: dict) -> int | None:
    version = check.field(root, "schema_version", "", check.whole_number)
    if version is not None and version not in SUPPORTED_SCHEMA_VERSIONS:
        check.report(
            "schema_version",
            f"version {version} is not supported (this engine reads versions "
            f"{' and '.join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)})",
        )
        return None
    return version


def parse_ruleset(
    data: object, source: str, known_domains: Mapping[str, str] | None = None
) -> RuleSet:
    """Validate plain data (as loaded from YAML) and build a RuleSet, or raise RulesetError.
    With ``known_domains`` (the needs framework's codes and names), a domain the framework
    does not have is refused with the nearest code it does have."""
    check = _Checker()
    if not isinstance(data, dict):
        check.mapping(data, "")
        raise RulesetError(source, check.problems)
    schema_version = _schema_version(check, data)
    legacy = schema_version == 1
    root = check.mapping(
        data,
        "",
        TOP_REQUIRED_V1 if legacy else TOP_REQUIRED,
        TOP_OPTIONAL_V1 if legacy else TOP_OPTIONAL,
    )

    ruleset_id = check.field(root, "id", "", check.identifier)
    name = check.field(root, "name", "", check.text)
    version = check.field(root, "version", "", lambda value, path: _version(check, value, path))
    effective_from = check.field(
        root, "effective_from", "", lambda value, path: _date(check, value, path)
    )
    description = check.field(root, "description", "", check.text)
    ruleset_source = check.field(root, "source", "", check.text)
    published = check.field(
        root, "published", "", lambda value, path: _published(check, value, path)
    )
    above_text = check.field(root, "above_top_band", "", check.text)

    areas = check.field(root, "areas", "", lambda value, path: _areas(check, value, path))
    area_codes = tuple(area.code for area in areas) if areas is not None else None
    domains = check.field(
        root,
        "domains",
        "",
        lambda value, path: _domains(check, value, path, area_codes, known_domains),
    )
    if areas is not None and domains is not None:
        used_areas = {domain.area for domain in domains}
        for index, area in enumerate(areas):
            if area.code not in used_areas:
                check.report(_item("areas", index), f"area {area.code!r} has no domains")
    domain_codes = tuple(domain.code for domain in domains) if domains is not None else None

    points = check.field(
        root, "points", "", lambda value, path: _points(check, value, path, domain_codes)
    )
    if legacy:
        bands = check.field(root, "bands", "", lambda value, path: _bands_v1(check, value, path))
        funding = None
        if bands is not None:
            found = check.field(
                root, "funding", "", lambda value, path: _funding_v1(check, value, path, bands)
            )
            funding, bands = found if found is not None else (None, None)
    else:
        funding = _funding(check, root.get("funding", {}), "funding")
        bands = check.field(
            root, "bands", "", lambda value, path: _bands(check, value, path, funding)
        )
    context = _Context(domain_codes=domain_codes, area_codes=area_codes)
    if "tiers" in root or legacy:
        tiers = check.field(
            root, "tiers", "", lambda value, path: _tiers(check, value, path, context)
        )
    else:
        tiers = _tiers(check, list(STANDARD_TIERS), "tiers", context)
    tier_step_up = check.field(
        root, "tier_step_up", "", lambda value, path: _tier_step_up(check, value, path, context)
    )
    matching = _matching(check, root.get("matching", {}), "matching")
    family = _family(check, root.get("family", {}), "family", domain_codes)
    provision = _provision(check, root.get("provision", {}), "provision", domain_codes)
    classification = _classification(check, root.get("classification", {}), "classification")
    _check_unique_item_codes(check, provision, family)

    if check.problems:
        raise RulesetError(source, check.problems)
    tier_rules, tier_names = tiers
    return RuleSet(
        schema_version=schema_version,
        id=ruleset_id,
        name=name,
        version=version,
        effective_from=effective_from,
        description=description,
        source=ruleset_source,
        areas=areas,
        domains=domains,
        points=tuple(points[domain.code] for domain in domains),
        bands=bands,
        funding=funding,
        tiers=tier_rules,
        tier_names=tier_names,
        tier_step_up=tier_step_up,
        matching=matching,
        family=family,
        provision=MappingProxyType(
            {(code, level): items for (code, level, _), items in provision.items()}
        ),
        classification=classification,
        tiers_from_scheme=legacy or "tiers" in root,
        above_range_outcome=above_text or ABOVE_RANGE_OUTCOME,
        published=published,
    )


def _version(check: _Checker, value: object, path: str) -> str | None:
    if isinstance(value, float):
        check.report(path, f"must be text in quotes, so {value} is not misread as a number")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return check.text(value, path)


def _date(check: _Checker, value: object, path: str) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    check.report(path, f"must be a date written as YYYY-MM-DD, not {_describe(value)}")
    return None


def _unique(check: _Checker, path: str, code: str, seen: dict[str, str]) -> None:
    if code in seen:
        check.report(path, f"{code!r} is already used by {seen[code]}")
    else:
        seen[code] = path


def _areas(check: _Checker, value: object, path: str) -> tuple[Area, ...] | None:
    items = check.sequence(value, path)
    if items is None:
        return None
    areas = []
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        here = _item(path, index)
        fields = check.mapping(item, here, ("code", "name"), ("weight", "cap", "scoring"))
        if fields is None:
            continue
        code = check.field(fields, "code", here, check.identifier)
        if code is not None:
            _unique(check, _key(here, "code"), code, seen)
        name = check.field(fields, "name", here, check.text)
        weight = fields.get("weight", 1)
        weight = check.whole_number(weight, _key(here, "weight"), minimum=1)
        # No cap (omitted or null) leaves the area uncapped.
        cap = fields.get("cap")
        cap_valid = cap is None or check.whole_number(cap, _key(here, "cap"), minimum=0) is not None
        scoring = check.choice(
            fields.get("scoring", "sum"), _key(here, "scoring"), SCORING_MODES, "a scoring mode"
        )
        if None not in (code, name, weight, scoring) and cap_valid:
            areas.append(Area(code=code, name=name, weight=weight, cap=cap, scoring=scoring))
    return tuple(areas) if len(areas) == len(items) else None


def _unknown_domain(code: str, known_domains: Mapping[str, str]) -> str:
    """Why a domain code is refused, with the framework's nearest code."""
    known = tuple(known_domains)
    guesses = difflib.get_close_matches(code, known, n=1, cutoff=0.6)
    if not guesses:
        guesses = [k for k in known if code in k or k in code][:1]
    if not guesses:
        by_name = {name.lower(): k for k, name in known_domains.items()}
        named = difflib.get_close_matches(code.replace("_", " "), tuple(by_name), n=1)
        guesses = [by_name[named[0]]] if named else []
    if guesses:
        return (
            f"{code!r} is not a domain of the needs framework: did you mean {guesses[0]!r} "
            f"({known_domains[guesses[0]]})?"
        )
    return f"{code!r} is not a domain of the needs framework ({_one_of(known)})"


def _domains(
    check: _Checker,
    value: object,
    path: str,
    area_codes: tuple[str, ...] | None,
    known_domains: Mapping[str, str] | None = None,
) -> tuple[Domain, ...] | None:
    items = check.sequence(value, path)
    if items is None:
        return None
    domains = []
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        here = _item(path, index)
        fields = check.mapping(item, here, ("code", "name", "area"), ("assessed_from_age",))
        if fields is None:
            continue
        code = check.field(fields, "code", here, check.identifier)
        if code is not None and known_domains is not None and code not in known_domains:
            check.report(_key(here, "code"), _unknown_domain(code, known_domains))
            code = None
        if code is not None:
            _unique(check, _key(here, "code"), code, seen)
        name = check.field(fields, "name", here, check.text)
        area = check.field(
            fields,
            "area",
            here,
            lambda value, where: check.choice(value, where, area_codes, "an area of this rule set"),
        )
        from_age = check.whole_number(
            fields.get("assessed_from_age", 0), _key(here, "assessed_from_age"), minimum=0
        )
        if None not in (code, name, area, from_age):
            domains.append(Domain(code=code, name=name, area=area, assessed_from_age=from_age))
    return tuple(domains) if len(domains) == len(items) else None


def _points_row(check: _Checker, value: object, path: str) -> tuple[int, ...] | None:
    if not isinstance(value, list) or len(value) != LEVEL_COUNT:
        check.report(
            path,
            f"must list the points for each level 0 to {MAX_NEED_LEVEL} "
            f"({LEVEL_COUNT} whole numbers), not {_describe(value)}"
            + (f" of {len(value)}" if isinstance(value, list) else ""),
        )
        return None
    row = [
        check.whole_number(points, _item(path, level), minimum=0)
        for level, points in enumerate(value)
    ]
    if None in row:
        return None
    if row[0] != 0:
        check.report(
            _item(path, 0), f"level 0 (no additional need) must score 0 points, not {row[0]}"
        )
        return None
    for level in range(1, LEVEL_COUNT):
        if row[level] < row[level - 1]:
            check.report(
                _item(path, level),
                f"must be at least level {level - 1}'s {row[level - 1]} points "
                "(points may not fall as need rises)",
            )
            return None
    return tuple(row)


def _points(
    check: _Checker, value: object, path: str, domain_codes: tuple[str, ...] | None
) -> dict[str, tuple[int, ...]] | None:
    fields = check.mapping(value, path, ("default",), ("by_domain",))
    if fields is None:
        return None
    default = check.field(
        fields, "default", path, lambda value, where: _points_row(check, value, where)
    )
    overrides: dict[str, tuple[int, ...]] = {}
    by_domain = check.field(fields, "by_domain", path, check.open_mapping) or {}
    for code, row in by_domain.items():
        here = _key(_key(path, "by_domain"), code)
        if domain_codes is not None and code not in domain_codes:
            check.report(here, f"is not a domain of this rule set ({_one_of(domain_codes)})")
            continue
        parsed = _points_row(check, row, here)
        if parsed is not None:
            overrides[code] = parsed
    if default is None or domain_codes is None:
        return None
    return {code: overrides.get(code, default) for code in domain_codes}


def _bands_v1(check: _Checker, value: object, path: str) -> tuple[Band, ...] | None:
    """Schema 1: bands by starting points; each ends where the next starts, the top one never."""
    items = check.sequence(value, path)
    if items is None:
        return None
    rows: list[tuple[int, str, int]] = []
    for index, item in enumerate(items):
        here = _item(path, index)
        fields = check.mapping(item, here, ("number", "name", "min_points"))
        if fields is None:
            return None
        number = check.field(
            fields, "number", here, lambda v, p: check.whole_number(v, p, minimum=1)
        )
        name = check.field(fields, "name", here, check.text)
        min_points = check.field(
            fields, "min_points", here, lambda v, p: check.whole_number(v, p, minimum=0)
        )
        if None in (number, name, min_points):
            return None
        if rows:
            previous_number, _, previous_min = rows[-1]
            previous = _item(path, index - 1)
            if number <= previous_number:
                check.report(
                    _key(here, "number"),
                    f"must be greater than {previous}.number ({previous_number})",
                )
                return None
            if min_points <= previous_min:
                check.report(
                    _key(here, "min_points"),
                    f"must be greater than {previous}.min_points ({previous_min})",
                )
                return None
        rows.append((number, name, min_points))
    next_mins = [row[2] for row in rows[1:]] + [None]
    return tuple(
        Band(
            number=number,
            name=name,
            min_points=min_points,
            max_points=None if next_min is None else next_min - 1,
        )
        for (number, name, min_points), next_min in zip(rows, next_mins, strict=True)
    )


def _amounts_by_setting_type(check: _Checker, value: object, path: str) -> dict[str, int] | None:
    fields = check.mapping(value, path, SETTING_TYPE_CODES, (), "setting type")
    if fields is None:
        return None
    amounts = {
        code: check.amount(fields[code], _key(path, code))
        for code in SETTING_TYPE_CODES
        if code in fields
    }
    if len(amounts) != len(SETTING_TYPE_CODES) or None in amounts.values():
        return None
    return amounts


def _yearly_pounds(amounts: dict[str, int]) -> TopUp:
    return TopUp(
        every=None,
        exceptions=MappingProxyType(
            {code: Amount(((None, pounds * 100),)) for code, pounds in amounts.items()}
        ),
    )


def _funding_v1(
    check: _Checker, value: object, path: str, bands: tuple[Band, ...]
) -> tuple[FundingPolicy, tuple[Band, ...]] | None:
    """Schema 1: whole pounds a year for every band and every setting type."""
    fields = check.mapping(value, path, ("base", "top_up"))
    if fields is None:
        return None
    numbers = tuple(band.number for band in bands)
    base = check.field(fields, "base", path, lambda v, p: _amounts_by_setting_type(check, v, p))
    top_up_path = _key(path, "top_up")
    table = check.field(fields, "top_up", path, check.open_mapping)
    if table is None:
        return None
    top_up: dict[int, TopUp] = {}
    for key, row in table.items():
        if key not in numbers:
            check.report(
                _key(top_up_path, key), f"is not a band number in bands ({_one_of(numbers)})"
            )
            continue
        amounts = _amounts_by_setting_type(check, row, _key(top_up_path, key))
        if amounts is not None:
            top_up[key] = _yearly_pounds(amounts)
    for number in numbers:
        if number not in table:
            check.report(
                _key(top_up_path, number), "is required but missing (every band needs a top-up row)"
            )
    if base is None or len(top_up) != len(numbers) or len(table) != len(top_up):
        return None
    policy = FundingPolicy(period=YEARLY, hours=(), default_hours=None, base=_yearly_pounds(base))
    return policy, tuple(replace(band, top_up=top_up[band.number]) for band in bands)


# Schema 2

HOURS_KEY = re.compile(r"(\d{1,3}) hours?")
EVERY_SETTING = "all"
NO_TOP_UP = "none"
AMOUNT_EXAMPLE = (
    "an amount in pounds such as 1240 or 125.50, or one amount per hours a week such as "
    "{15 hours: 125.50, 30 hours: 251}"
)


def _money(check: _Checker, value: object, path: str) -> int | None:
    pence = pence_from(value)
    if pence is None:
        check.report(
            path,
            f"must be an amount in pounds and pence, such as 1240 or 125.50, not {_describe(value)}",
        )
        return None
    if pence < 0:
        check.report(path, f"must not be negative, not {money(pence)}")
        return None
    if pence > LARGEST_NUMBER * 100:
        check.report(path, f"must be at most {money(LARGEST_NUMBER * 100)}, not {money(pence)}")
        return None
    return pence


def _is_hours_mapping(value: object) -> bool:
    return isinstance(value, dict) and any(
        isinstance(key, str) and HOURS_KEY.fullmatch(key.strip()) for key in value
    )


def _amount(check: _Checker, value: object, path: str) -> Amount | None:
    """An amount: one figure, or one per hours a week ({15 hours: 125.50, 30 hours: 251})."""
    if _is_hours_mapping(value):
        figures = []
        valid = True
        for key, figure in value.items():
            here = _key(path, key)
            match = HOURS_KEY.fullmatch(key.strip()) if isinstance(key, str) else None
            if match is None:
                check.report(
                    here, "must be a number of hours a week written like '15 hours' or '30 hours'"
                )
                valid = False
                continue
            hours = int(match.group(1))
            if not 1 <= hours <= 168:
                check.report(here, f"must be from 1 to 168 hours a week, not {hours}")
                valid = False
                continue
            pence = _money(check, figure, here)
            if pence is None:
                valid = False
                continue
            figures.append((hours, pence))
        hours_seen = [hours for hours, _ in figures]
        if len(set(hours_seen)) != len(hours_seen):
            check.report(path, "gives the same number of hours twice")
            return None
        return Amount(tuple(sorted(figures))) if valid and figures else None
    if isinstance(value, dict | list):
        check.report(path, f"must be {AMOUNT_EXAMPLE}, not {_describe(value)}")
        return None
    pence = _money(check, value, path)
    return None if pence is None else Amount(((None, pence),))


def _setting_type_hint(key: object) -> str:
    match = difflib.get_close_matches(str(key), (EVERY_SETTING, *SETTING_TYPE_CODES), n=1)
    suggestion = f"did you mean {match[0]!r}? " if match else ""
    return f"{suggestion}({_one_of((EVERY_SETTING, *SETTING_TYPE_CODES))})"


def _top_up(check: _Checker, value: object, path: str, allow_none: bool) -> TopUp | str | None:
    """A band's top-up: an amount for every setting type; a mapping of `all` and setting-type
    exceptions; or `none`. Returns NO_TOP_UP for none, None when invalid."""
    if value is None or (isinstance(value, str) and value.strip().lower() == NO_TOP_UP):
        if allow_none:
            return NO_TOP_UP
        check.report(path, f"must be {AMOUNT_EXAMPLE}")
        return None
    if not isinstance(value, dict) or _is_hours_mapping(value):
        amount = _amount(check, value, path)
        return None if amount is None else TopUp(every=amount, exceptions=MappingProxyType({}))
    every = None
    exceptions: dict[str, Amount] = {}
    valid = True
    for key, figure in value.items():
        here = _key(path, key)
        if key != EVERY_SETTING and key not in SETTING_TYPE_CODES:
            check.report(here, f"is not a type of setting: {_setting_type_hint(key)}")
            valid = False
            continue
        amount = _amount(check, figure, here)
        if amount is None:
            valid = False
        elif key == EVERY_SETTING:
            every = amount
        else:
            exceptions[key] = amount
    if valid and every is None:
        missing = [code for code in SETTING_TYPE_CODES if code not in exceptions]
        if missing:
            check.report(
                path,
                f"needs an amount for every type of setting: give '{EVERY_SETTING}' "
                f"(and exceptions), or list {', '.join(missing)} too",
            )
            valid = False
    if not valid:
        return None
    return TopUp(every=every, exceptions=MappingProxyType(exceptions))


def _funding(check: _Checker, value: object, path: str) -> FundingPolicy | None:
    """How the scheme's figures are published: per year (the default) or per term with the
    number of terms a year; the hours a week its figures vary by; base funding."""
    fields = check.mapping(
        value, path, (), ("per", "terms_per_year", "hours", "default_hours", "base")
    )
    if fields is None:
        return None
    per = check.choice(fields.get("per", "year"), _key(path, "per"), PERIODS, "a period")
    per_year = 1
    if per == "term":
        if "terms_per_year" not in fields:
            check.report(
                _key(path, "terms_per_year"),
                "is required when amounts are per term (how many terms a year, such as 3)",
            )
            per = None
        else:
            per_year = check.whole_number(
                fields["terms_per_year"], _key(path, "terms_per_year"), minimum=1, maximum=12
            )
    elif "terms_per_year" in fields and per is not None:
        check.report(
            _key(path, "terms_per_year"), "only applies when amounts are per term (per: term)"
        )
        per = None
    hours: tuple[int, ...] = ()
    if "hours" in fields:
        listed = check.sequence(fields["hours"], _key(path, "hours"))
        parsed = [
            check.whole_number(item, _item(_key(path, "hours"), i), minimum=1, maximum=168)
            for i, item in enumerate(listed or [])
        ]
        if listed is None or None in parsed:
            hours = None
        elif len(set(parsed)) != len(parsed):
            check.report(_key(path, "hours"), "lists the same number of hours twice")
            hours = None
        else:
            hours = tuple(sorted(parsed))
    default_hours = None
    if hours:
        default_hours = fields.get("default_hours", hours[-1])
        if default_hours not in hours:
            check.report(
                _key(path, "default_hours"),
                f"must be one of the hours listed ({_one_of(hours)}), not {_describe(default_hours)}",
            )
            default_hours = None
    elif "default_hours" in fields and hours is not None:
        check.report(_key(path, "default_hours"), "needs the hours listed (hours: [15, 30])")
        hours = None
    base = None
    if "base" in fields:
        base = _top_up(check, fields["base"], _key(path, "base"), allow_none=False)
    if None in (per, per_year, hours) or ("base" in fields and base is None):
        return None
    if hours and default_hours is None:
        return None
    return FundingPolicy(
        period=Period(per, per_year), hours=hours, default_hours=default_hours, base=base
    )


def _band_label(name: str, low: int, high: int) -> str:
    return f"{name} ({low}–{high})"


def _bands(
    check: _Checker, value: object, path: str, funding: FundingPolicy | None
) -> tuple[Band, ...] | None:
    """Schema 2: named bands with explicit ranges, lowest first, contiguous and not
    overlapping, each with its own top-up (or none, below the first funded band)."""
    items = check.sequence(value, path)
    if items is None:
        return None
    bands: list[Band | None] = []
    seen_names: dict[str, str] = {}
    for index, item in enumerate(items):
        here = _item(path, index)
        fields = check.mapping(
            item, here, ("name", "min_points", "max_points"), ("top_up", "description")
        )
        if fields is None:
            bands.append(None)
            continue
        name = check.field(fields, "name", here, check.text)
        if name is not None:
            _unique(check, _key(here, "name"), name, seen_names)
        description = check.field(fields, "description", here, check.text)
        low = check.field(
            fields, "min_points", here, lambda v, p: check.whole_number(v, p, minimum=0)
        )
        high = check.field(
            fields, "max_points", here, lambda v, p: check.whole_number(v, p, minimum=0)
        )
        top_up = (
            _top_up(check, fields["top_up"], _key(here, "top_up"), allow_none=True)
            if "top_up" in fields
            else None
        )
        if "top_up" not in fields:
            check.report(
                _key(here, "top_up"),
                f"is required but missing: give {AMOUNT_EXAMPLE}, or none for a band with no "
                "top-up",
            )
        if None in (name, low, high, top_up) or ("description" in fields and description is None):
            bands.append(None)
            continue
        if high < low:
            check.report(
                _key(here, "max_points"),
                f"{_band_label(name, low, high)}: the band ends at {high} points, below where it "
                f"starts ({low})",
            )
            bands.append(None)
            continue
        bands.append(
            Band(
                number=index + 1,
                name=name,
                min_points=low,
                max_points=high,
                description=description,
                top_up=None if top_up == NO_TOP_UP else top_up,
            )
        )
    if None in bands:
        return None
    valid = True
    for index, (lower, upper) in enumerate(zip(bands, bands[1:], strict=False), start=1):
        here = _item(path, index)
        lower_label = _band_label(lower.name, lower.min_points, lower.max_points)
        upper_label = _band_label(upper.name, upper.min_points, upper.max_points)
        if upper.min_points < lower.min_points:
            check.report(
                here,
                f"{upper_label} is listed after {lower_label}: list the bands from the fewest "
                "points to the most",
            )
            valid = False
        elif upper.min_points <= lower.max_points:
            check.report(here, f"{lower_label} overlaps {upper_label}")
            valid = False
        elif upper.min_points > lower.max_points + 1:
            gap = (
                f"{lower.max_points + 1}"
                if upper.min_points == lower.max_points + 2
                else f"{lower.max_points + 1}–{upper.min_points - 1}"
            )
            check.report(
                here,
                f"there is a gap between {lower_label} and {upper_label}: {gap} points would "
                "fall in no band",
            )
            valid = False
        if lower.funded and not upper.funded:
            check.report(
                _key(here, "top_up"),
                f"{upper.name} has no top-up but comes after {lower.name}, which has one: only "
                "bands below the first funded band can have no top-up",
            )
            valid = False
    if not any(band.funded for band in bands):
        check.report(path, "no band has a top-up: give at least one band an amount")
        valid = False
    if funding is not None:
        valid = _check_hours(check, path, bands, funding) and valid
    return tuple(bands) if valid else None


def _check_hours(check: _Checker, path: str, bands: list[Band], funding: FundingPolicy) -> bool:
    """Every amount by hours gives the hours listed in funding.hours, and only such amounts."""
    valid = True
    for index, band in enumerate(bands):
        if band.top_up is None:
            continue
        amounts = [("", band.top_up.every)] + list(band.top_up.exceptions.items())
        for key, amount in amounts:
            if amount is None:
                continue
            where = _key(_item(path, index), "top_up") + (f".{key}" if key else "")
            if amount.by_hours and amount.hours() != funding.hours:
                listed = ", ".join(f"{hours} hours" for hours in funding.hours) or "none"
                check.report(
                    where,
                    f"{band.name} gives amounts for "
                    f"{', '.join(f'{hours} hours' for hours in amount.hours())}, but "
                    f"funding.hours lists {listed}: every amount by hours must give the same hours",
                )
                valid = False
            elif not amount.by_hours and funding.hours:
                check.report(
                    where,
                    f"{band.name} gives one amount, but funding.hours lists "
                    f"{', '.join(f'{hours} hours' for hours in funding.hours)}: give an amount "
                    "for each",
                )
                valid = False
    return valid


def _published(check: _Checker, value: object, path: str) -> Published | None:
    fields = check.mapping(
        value, path, ("by", "title", "date", "publishes", "assumptions"), ("url",)
    )
    if fields is None:
        return None
    by = check.field(fields, "by", path, check.text)
    title = check.field(fields, "title", path, check.text)
    day = check.field(fields, "date", path, lambda v, p: _date(check, v, p))
    publishes = check.field(fields, "publishes", path, check.text)
    assumptions = check.field(fields, "assumptions", path, check.text)
    url = check.field(fields, "url", path, check.text)
    if None in (by, title, day, publishes, assumptions) or ("url" in fields and url is None):
        return None
    return Published(
        by=by, title=title, date=day, publishes=publishes, assumptions=assumptions, url=url
    )


CONDITION_KEYS = tuple(conditions.CONDITIONS)


@dataclass(frozen=True, slots=True)
class _ConditionReader:
    """What a condition's own ``parse`` needs (see ``conditions.Reader``)."""

    check: _Checker
    context: _Context

    @property
    def domain_codes(self):
        return self.context.domain_codes

    @property
    def area_codes(self):
        return self.context.area_codes

    def nested(self, value: object, path: str):
        return _condition(self.check, value, path, self.context)


def _condition(
    check: _Checker, value: object, path: str, context: _Context
) -> conditions.Condition | None:
    """One condition: the shape every condition shares is checked here; its own argument is
    read by its class in ``conditions.py``."""
    if not isinstance(value, dict):
        check.report(
            path,
            f"must be a condition: a mapping with one key such as any_level_at_least, "
            f"not {_describe(value)}",
        )
        return None
    if len(value) != 1:
        keys = ", ".join(str(key) for key in value) or "none"
        check.report(
            path,
            f"must hold exactly one condition, not {len(value)} ({keys}); "
            "combine several with all or any",
        )
        return None
    ((key, argument),) = value.items()
    here = _key(path, key)
    if path.count("[") > MAX_CONDITION_DEPTH:
        check.report(path, f"nests conditions more than {MAX_CONDITION_DEPTH} deep")
        return None
    kind = conditions.CONDITIONS.get(key) if isinstance(key, str) else None
    if kind is None:
        check.report(here, f"is not a condition ({_one_of(CONDITION_KEYS)})")
        return None
    return kind.parse(_ConditionReader(check, context), argument, here)


def _tiers(
    check: _Checker, value: object, path: str, context: _Context
) -> tuple[tuple[TierRule, ...], MappingProxyType] | None:
    items = check.sequence(value, path)
    if items is None:
        return None
    rules: list[TierRule] = []
    names = dict(DEFAULT_TIER_NAMES)
    last = len(items) - 1
    valid = True
    for index, item in enumerate(items):
        here = _item(path, index)
        fields = check.mapping(item, here, ("tier",), ("name", "when"))
        if fields is None:
            valid = False
            continue
        tier = check.field(
            fields, "tier", here, lambda v, p: check.choice(v, p, TIER_CODES, "a tier")
        )
        name = check.field(fields, "name", here, check.text)
        condition = None
        if index == last and "when" in fields:
            check.report(_key(here, "when"), "the last tier is the default and takes no conditions")
            valid = False
        elif index < last and "when" not in fields:
            check.report(
                _key(here, "when"),
                "is required but missing (only the last tier, the default, has no conditions)",
            )
            valid = False
        elif "when" in fields:
            condition = _condition(check, fields["when"], _key(here, "when"), context)
            valid = valid and condition is not None
        if tier is None or ("name" in fields and name is None):
            valid = False
            continue
        if rules and TIER_RANK[tier] >= TIER_RANK[rules[-1].tier]:
            check.report(
                _key(here, "tier"),
                f"must be a lower tier than {_item(path, index - 1)}.tier ({rules[-1].tier}): "
                "list tiers from highest to lowest",
            )
            valid = False
        if name is not None:
            names[tier] = name
        rules.append(TierRule(tier=tier, condition=condition))
    if not valid:
        return None
    return tuple(rules), MappingProxyType(names)


def _tier_step_up(
    check: _Checker, value: object, path: str, context: _Context
) -> TierStepUp | None:
    fields = check.mapping(value, path, ("when",), ("steps", "up_to"))
    if fields is None:
        return None
    condition = check.field(fields, "when", path, lambda v, p: _condition(check, v, p, context))
    steps = check.whole_number(fields.get("steps", 1), _key(path, "steps"), minimum=1)
    up_to = check.choice(
        fields.get("up_to", TIER_CODES[-1]), _key(path, "up_to"), TIER_CODES, "a tier"
    )
    if None in (condition, steps, up_to):
        return None
    return TierStepUp(condition=condition, steps=steps, up_to=up_to)


def _matching(check: _Checker, value: object, path: str) -> MatchingPolicy | None:
    fields = check.mapping(
        value,
        path,
        (),
        (
            "mainstream_types",
            "top_up_uplift",
            "top_up_ceiling",
            "max_matches",
            "ranking",
            "current_ability_low_at_most",
        ),
    )
    if fields is None:
        return None
    mainstream_types = check.choices(
        fields.get("mainstream_types", list(DEFAULT_MAINSTREAM_TYPES)),
        _key(path, "mainstream_types"),
        SETTING_TYPE_CODES,
        "a setting type",
    )
    uplift = check.level(fields.get("top_up_uplift", 1), _key(path, "top_up_uplift"))
    ceiling = check.level(
        fields.get("top_up_ceiling", MAX_NEED_LEVEL - 1), _key(path, "top_up_ceiling")
    )
    max_matches = check.whole_number(
        fields.get("max_matches", 10), _key(path, "max_matches"), minimum=1
    )
    ranking_path = _key(path, "ranking")
    ranking = check.choices(
        fields.get("ranking", list(DEFAULT_RANKING)),
        ranking_path,
        SETTING_TYPE_CODES,
        "a setting type",
    )
    if ranking is not None and len(ranking) != len(SETTING_TYPE_CODES):
        missing = [code for code in SETTING_TYPE_CODES if code not in ranking]
        check.report(
            ranking_path, f"must list every setting type once; missing: {', '.join(missing)}"
        )
        ranking = None
    low_at_most = check.whole_number(
        fields.get("current_ability_low_at_most", 1),
        _key(path, "current_ability_low_at_most"),
        minimum=0,
        maximum=MAX_CAPACITY,
    )
    if None in (mainstream_types, uplift, ceiling, max_matches, ranking, low_at_most):
        return None
    return MatchingPolicy(
        mainstream_types=mainstream_types,
        top_up_uplift=uplift,
        top_up_ceiling=ceiling,
        max_matches=max_matches,
        ranking=ranking,
        current_ability_low_at_most=low_at_most,
    )


ITEM_KEYS = ("code", "description", "hours_per_week", "annual_cost")


def _item_fields(check: _Checker, fields: dict, path: str) -> tuple | None:
    code = check.field(fields, "code", path, check.text)
    description = check.field(fields, "description", path, check.text)
    hours = check.field(fields, "hours_per_week", path, check.hours)
    cost = check.field(fields, "annual_cost", path, check.amount)
    if None in (code, description, hours, cost):
        return None
    return code, description, hours, cost


def _family(
    check: _Checker, value: object, path: str, domain_codes: tuple[str, ...] | None
) -> FamilyPolicy | None:
    fields = check.mapping(value, path, (), ("low_capacity_at_most", "need_at_least", "support"))
    if fields is None:
        return None
    low_at_most = check.whole_number(
        fields.get("low_capacity_at_most", 1),
        _key(path, "low_capacity_at_most"),
        minimum=0,
        maximum=MAX_CAPACITY,
    )
    need_at_least = check.level(
        fields.get("need_at_least", 2), _key(path, "need_at_least"), minimum=1
    )
    support: list[FamilySupportOption] = []
    support_path = _key(path, "support")
    items = check.field(fields, "support", path, check.sequence)
    valid = "support" not in fields or items is not None
    for index, item in enumerate(items or []):
        here = _item(support_path, index)
        item_fields = check.mapping(item, here, ITEM_KEYS, ("domains",))
        if item_fields is None:
            valid = False
            continue
        parsed = _item_fields(check, item_fields, here)
        domains: tuple[str, ...] | None = ()
        if "domains" in item_fields and domain_codes is not None:
            domains = check.choices(
                item_fields["domains"],
                _key(here, "domains"),
                domain_codes,
                "a domain of this rule set",
            )
        if parsed is None or domains is None:
            valid = False
            continue
        code, description, hours, cost = parsed
        support.append(FamilySupportOption(code, description, hours, cost, domains))
    if None in (low_at_most, need_at_least) or not valid:
        return None
    return FamilyPolicy(
        low_capacity_at_most=low_at_most, need_at_least=need_at_least, support=tuple(support)
    )


def _provision(
    check: _Checker, value: object, path: str, domain_codes: tuple[str, ...] | None
) -> dict[tuple[str, int, str], tuple[ProvisionOption, ...]] | None:
    """Items keyed by (domain, level, key path) so duplicate codes can be located."""
    by_domain = check.open_mapping(value, path)
    if by_domain is None:
        return None
    catalogue: dict[tuple[str, int, str], tuple[ProvisionOption, ...]] = {}
    valid = True
    for domain, by_level in by_domain.items():
        domain_path = _key(path, domain)
        if domain_codes is not None and domain not in domain_codes:
            check.report(domain_path, f"is not a domain of this rule set ({_one_of(domain_codes)})")
            valid = False
            continue
        levels = check.open_mapping(by_level, domain_path)
        for level, items in (levels or {}).items():
            level_path = _key(domain_path, level)
            if (
                isinstance(level, bool)
                or not isinstance(level, int)
                or not 1 <= level <= MAX_NEED_LEVEL
            ):
                check.report(
                    level_path,
                    f"must be a need level from 1 to {MAX_NEED_LEVEL} (level 0 has no provision)",
                )
                valid = False
                continue
            options = []
            for index, item in enumerate(check.sequence(items, level_path) or []):
                here = _item(level_path, index)
                fields = check.mapping(item, here, ITEM_KEYS)
                parsed = None if fields is None else _item_fields(check, fields, here)
                if parsed is None:
                    valid = False
                    continue
                options.append(ProvisionOption(*parsed))
            catalogue[(domain, level, level_path)] = tuple(options)
        valid = valid and levels is not None
    return catalogue if valid else None


def _check_unique_item_codes(
    check: _Checker,
    provision: dict[tuple[str, int, str], tuple[ProvisionOption, ...]] | None,
    family: FamilyPolicy | None,
) -> None:
    seen: dict[str, str] = {}
    for (_, _, level_path), options in (provision or {}).items():
        for index, option in enumerate(options):
            _unique(check, _key(_item(level_path, index), "code"), option.code, seen)
    for index, option in enumerate(family.support if family is not None else ()):
        _unique(check, _key(_item("family.support", index), "code"), option.code, seen)


def _classification(check: _Checker, value: object, path: str) -> ClassificationPolicy | None:
    fields = check.mapping(
        value, path, (), ("held_tier", "specialist_setting_types", "requested_tier")
    )
    if fields is None:
        return None
    held = _tier_map(
        check,
        fields.get("held_tier", DEFAULT_HELD_TIER),
        _key(path, "held_tier"),
        SEN_STATUS_CODES,
        "SEN status",
    )
    specialist_types = check.choices(
        fields.get("specialist_setting_types", list(DEFAULT_SPECIALIST_SETTING_TYPES)),
        _key(path, "specialist_setting_types"),
        SETTING_TYPE_CODES,
        "a setting type",
    )
    requested = _tier_map(
        check,
        fields.get("requested_tier", DEFAULT_REQUESTED_TIER),
        _key(path, "requested_tier"),
        TIERED_REQUESTS,
        "request",
    )
    if None in (held, specialist_types, requested):
        return None
    return ClassificationPolicy(
        held_tier_by_status=held,
        specialist_setting_types=specialist_types,
        requested_tier=requested,
    )


def _tier_map(
    check: _Checker, value: object, path: str, keys: tuple[str, ...], key_kind: str
) -> MappingProxyType | None:
    fields = check.mapping(value, path, keys, (), key_kind)
    if fields is None:
        return None
    tiers = {
        key: check.choice(fields[key], _key(path, key), TIER_CODES, "a tier")
        for key in keys
        if key in fields
    }
    if len(tiers) != len(keys) or None in tiers.values():
        return None
    return MappingProxyType(tiers)
