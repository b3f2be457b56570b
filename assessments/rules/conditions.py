"""The condition language used by tier rules and the family step-up.

A condition is a tree of `all` / `any` combinators over primitives. Every primitive can only
become true, never false, as a need level rises, so a tier never drops when needs grow. Each
condition answers three questions: does it hold for one child (`holds`), for a whole caseload
at once (`holds_in`), and why, in a plain-English clause for the trace (`explain`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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


class Condition(Protocol):
    def holds(self, facts: Facts) -> bool: ...

    def holds_in(self, columns: FactColumns) -> np.ndarray: ...

    def explain(self, facts: Facts) -> str: ...


@dataclass(frozen=True, slots=True)
class AllOf:
    conditions: tuple[Condition, ...]

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
    def holds(self, facts: Facts) -> bool:
        return not facts.mainstream_capable

    def holds_in(self, columns: FactColumns) -> np.ndarray:
        return ~columns.mainstream_capable

    def explain(self, facts: Facts) -> str:
        return facts.mainstream_finding


@dataclass(frozen=True, slots=True)
class FamilyCapacityLowInAtLeast:
    domains: int

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
