"""The condition language used by tier rules and the family step-up.

A condition is a tree of `all` / `any` combinators over primitives. Every primitive can only
become true, never false, as a need level rises, so a tier never drops when needs grow. Each
condition answers three questions: does it hold for one child (`holds`), for a whole caseload
at once (`holds_in`), and why, in a plain-English clause for the trace (`explain`).

Everything about one condition lives in its class: the YAML key it is written with (`KEY`),
how its argument is read and checked (`parse`), and what it means in words for the rule
set's page (`describe`). Adding a condition is one new class here, listed in `CONDITIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from assessments.rules.text import join_names, level_phrase, plural


@dataclass(frozen=True, slots=True)
class Facts:
    """What conditions may look at for one child, with the names needed to explain them."""

    domain_names: tuple[str, ...]
    area_names: tuple[str, ...]
    levels: tuple[int, ...]
    area_points: tuple[int, ...]
    total_points: int
    mainstream_capable: bool
    mainstream_finding: str
    family_low_domains: tuple[int, ...]
    family_need_at_least: int


@dataclass(frozen=True, slots=True)
class FactColumns:
    """The same facts for a whole caseload: one column per child, and for levels and area points
    one row per domain or area (domain-major, so reductions run over contiguous memory)."""

    levels: np.ndarray
    area_points: np.ndarray
    total_points: np.ndarray
    mainstream_capable: np.ndarray
    family_low_count: np.ndarray


@dataclass(frozen=True, slots=True)
class Names:
    """Domain and area names of a rule set, for describing conditions on its page."""

    domain_names: tuple[str, ...]
    area_names: tuple[str, ...]


class Condition(Protocol):
    def holds(self, facts: Facts) -> bool: ...

    def holds_in(self, columns: FactColumns) -> np.ndarray: ...

    def explain(self, facts: Facts) -> str: ...

    def describe(self, names: Names) -> str: ...


class Reader(Protocol):
    """What a condition's `parse` uses from the schema reader (assessments/rules/schema.py):
    `check` records located problems and reads checked values, `domain_codes`/`area_codes` are
    the rule set's own (None where that section did not parse), and `nested` reads a
    sub-condition at a key path."""

    check: Any
    domain_codes: tuple[str, ...] | None
    area_codes: tuple[str, ...] | None
    nested: Callable[[object, str], Condition | None]


def _fields(reader: Reader, argument: object, here: str, required: tuple[str, ...]):
    return reader.check.mapping(argument, here, required)


def _whole(reader: Reader, minimum: int):
    return lambda value, path: reader.check.whole_number(value, path, minimum=minimum)


def _combined(cls, reader: Reader, argument: object, here: str):
    items = reader.check.sequence(argument, here)
    if items is None:
        return None
    parts = [reader.nested(item, f"{here}[{i}]") for i, item in enumerate(items)]
    return None if None in parts else cls(tuple(parts))


@dataclass(frozen=True, slots=True)
class AllOf:
    conditions: tuple[Condition, ...]
    KEY: ClassVar[str] = "all"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        return _combined(cls, reader, argument, here)

    def describe(self, names: Names) -> str:
        return " and ".join(condition.describe(names) for condition in self.conditions)

    def holds(self, facts: Facts) -> bool:
        return all(condition.holds(facts) for condition in self.conditions)

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        result = self.conditions[0].holds_in(columns)
        for condition in self.conditions[1:]:
            result = result & condition.holds_in(columns)
        return result

    def explain(self, facts: Facts) -> str:
        for condition in self.conditions:
            if not condition.holds(facts):
                return condition.explain(facts)
        return join_names([condition.explain(facts) for condition in self.conditions])


@dataclass(frozen=True, slots=True)
class AnyOf:
    conditions: tuple[Condition, ...]
    KEY: ClassVar[str] = "any"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        return _combined(cls, reader, argument, here)

    def describe(self, names: Names) -> str:
        return "(" + " or ".join(condition.describe(names) for condition in self.conditions) + ")"

    def holds(self, facts: Facts) -> bool:
        return any(condition.holds(facts) for condition in self.conditions)

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        result = self.conditions[0].holds_in(columns)
        for condition in self.conditions[1:]:
            result = result | condition.holds_in(columns)
        return result

    def explain(self, facts: Facts) -> str:
        for condition in self.conditions:
            if condition.holds(facts):
                return condition.explain(facts)
        return join_names([condition.explain(facts) for condition in self.conditions])


@dataclass(frozen=True, slots=True)
class AnyLevelAtLeast:
    level: int
    KEY: ClassVar[str] = "any_level_at_least"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        level = reader.check.level(argument, here)
        return None if level is None else cls(level)

    def describe(self, names: Names) -> str:
        return f"any domain at level {self.level} or above"

    def holds(self, facts: Facts) -> bool:
        return max(facts.levels, default=0) >= self.level

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        return columns.levels.max(axis=0) >= self.level

    def explain(self, facts: Facts) -> str:
        names = [
            name
            for name, level in zip(facts.domain_names, facts.levels, strict=True)
            if level >= self.level
        ]
        if not names:
            return f"no domain is {level_phrase(self.level)}"
        verb = "is" if len(names) == 1 else "are"
        return f"{join_names(names)} {verb} {level_phrase(self.level)}"


@dataclass(frozen=True, slots=True)
class CountLevelsAtLeast:
    level: int
    count: int
    KEY: ClassVar[str] = "count_levels_at_least"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        fields = _fields(reader, argument, here, ("level", "count"))
        if fields is None:
            return None
        level = reader.check.field(fields, "level", here, reader.check.level)
        count = reader.check.field(fields, "count", here, _whole(reader, 1))
        return None if None in (level, count) else cls(level=level, count=count)

    def describe(self, names: Names) -> str:
        return f"at least {self.count} domains at level {self.level} or above"

    def _matching(self, facts: Facts) -> int:
        return sum(1 for level in facts.levels if level >= self.level)

    def holds(self, facts: Facts) -> bool:
        return self._matching(facts) >= self.count

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        return (columns.levels >= self.level).sum(axis=0) >= self.count

    def explain(self, facts: Facts) -> str:
        matching = self._matching(facts)
        where = level_phrase(self.level)
        if matching >= self.count:
            verb = "is" if matching == 1 else "are"
            return f"{plural(matching, 'domain')} {verb} {where} ({self.count} needed)"
        if matching == 0:
            return f"no domain is {where} ({self.count} needed)"
        verb = "is" if matching == 1 else "are"
        return f"only {plural(matching, 'domain')} {verb} {where} ({self.count} needed)"


@dataclass(frozen=True, slots=True)
class LevelAtLeast:
    domain_index: int
    level: int
    KEY: ClassVar[str] = "level_at_least"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        fields = _fields(reader, argument, here, ("domain", "level"))
        if fields is None:
            return None
        codes = reader.domain_codes
        domain = reader.check.field(
            fields,
            "domain",
            here,
            lambda v, p: reader.check.choice(v, p, codes, "a domain of this rule set"),
        )
        level = reader.check.field(fields, "level", here, reader.check.level)
        if None in (domain, level) or codes is None:
            return None
        return cls(codes.index(domain), level)

    def describe(self, names: Names) -> str:
        return f"{names.domain_names[self.domain_index]} at level {self.level} or above"

    def holds(self, facts: Facts) -> bool:
        return facts.levels[self.domain_index] >= self.level

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        return columns.levels[self.domain_index] >= self.level

    def explain(self, facts: Facts) -> str:
        name = facts.domain_names[self.domain_index]
        actual = facts.levels[self.domain_index]
        if actual >= self.level:
            return f"{name} is at level {actual}"
        return f"{name} is at level {actual}, below {self.level}"


@dataclass(frozen=True, slots=True)
class PointsAtLeast:
    points: int
    KEY: ClassVar[str] = "points_at_least"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        points = reader.check.whole_number(argument, here, minimum=0)
        return None if points is None else cls(points)

    def describe(self, names: Names) -> str:
        return f"{self.points} points or more"

    def holds(self, facts: Facts) -> bool:
        return facts.total_points >= self.points

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        return columns.total_points >= self.points

    def explain(self, facts: Facts) -> str:
        total = plural(facts.total_points, "point")
        if facts.total_points >= self.points:
            return f"the total of {total} reaches the threshold of {self.points}"
        return f"the total of {total} is below the threshold of {self.points}"


@dataclass(frozen=True, slots=True)
class AreaPointsAtLeast:
    area_index: int
    points: int
    KEY: ClassVar[str] = "area_points_at_least"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        fields = _fields(reader, argument, here, ("area", "points"))
        if fields is None:
            return None
        codes = reader.area_codes
        area = reader.check.field(
            fields,
            "area",
            here,
            lambda v, p: reader.check.choice(v, p, codes, "an area of this rule set"),
        )
        points = reader.check.field(fields, "points", here, _whole(reader, 0))
        if None in (area, points) or codes is None:
            return None
        return cls(codes.index(area), points)

    def describe(self, names: Names) -> str:
        return f"{self.points} points or more in {names.area_names[self.area_index].lower()}"

    def holds(self, facts: Facts) -> bool:
        return facts.area_points[self.area_index] >= self.points

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        return columns.area_points[self.area_index] >= self.points

    def explain(self, facts: Facts) -> str:
        name = facts.area_names[self.area_index]
        actual = facts.area_points[self.area_index]
        relation = "at least" if actual >= self.points else "below"
        return f"{name} has {plural(actual, 'point')}, {relation} {self.points}"


@dataclass(frozen=True, slots=True)
class NoMainstreamSettingMeets:
    KEY: ClassVar[str] = "no_mainstream_setting_meets"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        if argument is not True:
            reader.check.report(
                here, f"must be true (write {cls.KEY}: true), not {reader.check.describe(argument)}"
            )
            return None
        return cls()

    def describe(self, names: Names) -> str:
        return "no local mainstream setting meets every need"

    def holds(self, facts: Facts) -> bool:
        return not facts.mainstream_capable

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        return ~columns.mainstream_capable

    def explain(self, facts: Facts) -> str:
        return facts.mainstream_finding


@dataclass(frozen=True, slots=True)
class FamilyCapacityLowInAtLeast:
    domains: int
    KEY: ClassVar[str] = "family_capacity_low_in_at_least"

    @classmethod
    def parse(cls, reader: Reader, argument: object, here: str):
        fields = _fields(reader, argument, here, ("domains",))
        if fields is None:
            return None
        count = reader.check.field(fields, "domains", here, _whole(reader, 1))
        return None if count is None else cls(count)

    def describe(self, names: Names) -> str:
        return f"the family's capacity is low in {self.domains} or more domains with need"

    def holds(self, facts: Facts) -> bool:
        return len(facts.family_low_domains) >= self.domains

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        return columns.family_low_count >= self.domains

    def explain(self, facts: Facts) -> str:
        low = len(facts.family_low_domains)
        where = f"with need {level_phrase(facts.family_need_at_least)}"
        if low == 0:
            return f"family capacity is not low in any domain {where}"
        names = join_names([facts.domain_names[index] for index in facts.family_low_domains])
        if low >= self.domains:
            return f"family capacity is low in {plural(low, 'domain')} {where} ({names})"
        return (
            f"family capacity is low in only {plural(low, 'domain')} {where} ({names}), "
            f"{self.domains} needed"
        )


# Every condition a rule set may use, by the key it is written with.
CONDITIONS: dict[str, type] = {
    cls.KEY: cls
    for cls in (
        AllOf,
        AnyOf,
        AnyLevelAtLeast,
        CountLevelsAtLeast,
        LevelAtLeast,
        PointsAtLeast,
        AreaPointsAtLeast,
        NoMainstreamSettingMeets,
        FamilyCapacityLowInAtLeast,
    )
}
