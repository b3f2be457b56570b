"""A rule set: the data that turns a needs profile into a recommendation.

Built only by `parse_ruleset`, which has validated every cross-reference, so the engine can
index without checking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from assessments.rules.conditions import Condition

SCORING_MODES = ("sum", "max")


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str
    weight: int
    cap: int | None
    # "sum" adds its domains' points; "max" takes its highest-scoring domain.
    scoring: str


@dataclass(frozen=True, slots=True)
class Domain:
    code: str
    name: str
    area: str
    assessed_from_age: int


@dataclass(frozen=True, slots=True)
class Band:
    number: int
    name: str
    min_points: int
    max_points: int | None

    def points_range(self) -> str:
        if self.max_points is None:
            return f"{self.min_points:,} points or more"
        return f"{self.min_points:,}–{self.max_points:,} points"


@dataclass(frozen=True, slots=True)
class ProvisionOption:
    code: str
    description: str
    hours_per_week: float
    annual_cost: int


@dataclass(frozen=True, slots=True)
class FamilySupportOption:
    code: str
    description: str
    hours_per_week: float
    annual_cost: int
    # Domains whose low family capacity calls for this support; empty means any domain.
    domains: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TierRule:
    tier: str
    condition: Condition | None


@dataclass(frozen=True, slots=True)
class TierStepUp:
    condition: Condition
    steps: int
    up_to: str


@dataclass(frozen=True, slots=True)
class MatchingPolicy:
    mainstream_types: tuple[str, ...]
    # Top-up funding lets a mainstream-type setting meet needs a little above its ordinary
    # capability, but never beyond the ceiling.
    top_up_uplift: int
    top_up_ceiling: int
    max_matches: int
    ranking: tuple[str, ...]
    current_ability_low_at_most: int


@dataclass(frozen=True, slots=True)
class FamilyPolicy:
    low_capacity_at_most: int
    need_at_least: int
    support: tuple[FamilySupportOption, ...]


@dataclass(frozen=True, slots=True)
class ClassificationPolicy:
    held_tier_by_status: Mapping[str, str]
    specialist_setting_types: tuple[str, ...]
    requested_tier: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class RuleSet:
    schema_version: int
    id: str
    name: str
    version: str
    effective_from: date
    description: str
    source: str | None
    areas: tuple[Area, ...]
    domains: tuple[Domain, ...]
    # Unweighted points for levels 0..4, one row per domain in `domains` order.
    points: tuple[tuple[int, ...], ...]
    bands: tuple[Band, ...]
    base_funding: Mapping[str, int]
    top_up: Mapping[int, Mapping[str, int]]
    tiers: tuple[TierRule, ...]
    tier_names: Mapping[str, str]
    tier_step_up: TierStepUp | None
    matching: MatchingPolicy
    family: FamilyPolicy
    provision: Mapping[tuple[str, int], tuple[ProvisionOption, ...]]
    classification: ClassificationPolicy
    domain_index: Mapping[str, int] = field(init=False, repr=False, compare=False)
    domain_area: tuple[int, ...] = field(init=False, repr=False, compare=False)
    area_domains: tuple[tuple[int, ...], ...] = field(init=False, repr=False, compare=False)
    weighted_points: tuple[tuple[int, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        area_index = {area.code: index for index, area in enumerate(self.areas)}
        domain_area = tuple(area_index[domain.area] for domain in self.domains)
        weighted = tuple(
            tuple(points * self.areas[area].weight for points in row)
            for row, area in zip(self.points, domain_area, strict=True)
        )
        object.__setattr__(
            self, "domain_index", {domain.code: i for i, domain in enumerate(self.domains)}
        )
        object.__setattr__(self, "domain_area", domain_area)
        object.__setattr__(
            self,
            "area_domains",
            tuple(
                tuple(d for d, area in enumerate(domain_area) if area == index)
                for index in range(len(self.areas))
            ),
        )
        object.__setattr__(self, "weighted_points", weighted)

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    def tier_name(self, tier: str) -> str:
        return self.tier_names[tier]
