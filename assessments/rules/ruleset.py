"""A rule set: the data that turns a needs profile into a recommendation.

Built only by `parse_ruleset`, which has validated every cross-reference, so the engine can
index without checking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from assessments.rules.codes import SETTING_TYPE_CODES
from assessments.rules.conditions import Condition
from assessments.rules.money import Period, TopUp, hours_variant, pounds_decimal

SCORING_MODES = ("sum", "max")
# What the engine says when a total is above the top band: published matrices end at a stated
# maximum, and above it funding is agreed case by case.
ABOVE_RANGE_OUTCOME = (
    "above the scheme's range: exceptional funding agreed individually; refer to panel"
)


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
    """A named range of points and its top-up. `number` is the band's place in its scheme
    (1 for the lowest), kept for storage only: people see `label`, never the number.
    `max_points` is None only in schema-1 files, whose top band had no stated end."""

    number: int
    name: str
    min_points: int
    max_points: int | None
    description: str | None = None
    # None: no top-up (a band below the first funded band, such as "Local Offer").
    top_up: TopUp | None = None

    @property
    def label(self) -> str:
        """ "C4", or "Band 3 – Targeted plus" when the scheme describes the band."""
        return f"{self.name} – {self.description}" if self.description else self.name

    @property
    def funded(self) -> bool:
        return self.top_up is not None

    def points_range(self) -> str:
        if self.max_points is None:
            return f"{self.min_points:,} points or more"
        return f"{self.min_points:,}–{self.max_points:,} points"

    def short_range(self) -> str:
        """ "15–19", as band errors name bands ("A2 (15–19) overlaps B1 (18–24)")."""
        if self.max_points is None:
            return f"{self.min_points}+"
        return f"{self.min_points}–{self.max_points}"


@dataclass(frozen=True, slots=True)
class FundingPolicy:
    """How the scheme publishes its money: the period of every figure, the hours variants its
    figures are given for (empty: none) and the one that applies when a child's hours are not
    recorded, and the base funding per setting type (None: the scheme states none)."""

    period: Period
    hours: tuple[int, ...]
    default_hours: int | None
    base: TopUp | None


@dataclass(frozen=True, slots=True)
class Published:
    """Where a shipped scheme's figures come from, and what had to be assumed."""

    by: str
    title: str
    date: date
    publishes: str
    assumptions: str
    url: str | None = None


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
    funding: FundingPolicy
    tiers: tuple[TierRule, ...]
    tier_names: Mapping[str, str]
    tier_step_up: TierStepUp | None
    matching: MatchingPolicy
    family: FamilyPolicy
    provision: Mapping[tuple[str, int], tuple[ProvisionOption, ...]]
    classification: ClassificationPolicy
    # False when the scheme sets no tiers and the standard Valuing SEND tiers apply.
    tiers_from_scheme: bool = True
    above_range_outcome: str = ABOVE_RANGE_OUTCOME
    published: Published | None = None
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

    def highest_total(self) -> int:
        """The most points any profile can score under this scheme (every domain at 4)."""
        total = 0
        for area, members in zip(self.areas, self.area_domains, strict=True):
            tops = [self.weighted_points[d][-1] for d in members]
            points = max(tops) if area.scoring == "max" else sum(tops)
            total += points if area.cap is None else min(points, area.cap)
        return total

    @property
    def top_band(self) -> Band:
        return self.bands[-1]

    @property
    def has_range_end(self) -> bool:
        """True when totals above the top band are an outcome of their own (schema 2)."""
        return self.top_band.max_points is not None

    def band_by_number(self, number: int | None) -> Band | None:
        for band in self.bands:
            if band.number == number:
                return band
        return None

    def hours_for(self, attendance: float | None) -> int | None:
        """The hours variant that applies at `attendance` hours a week (None: no variants)."""
        policy = self.funding
        if not policy.hours:
            return None
        return hours_variant(policy.hours, attendance, policy.default_hours)

    def published_top_up(self, band: Band | None, setting_type: str, hours: int | None):
        """The published figure (pence per period) for a band at a setting type and hours
        variant; None when the band has no top-up or does not price that setting type."""
        if band is None or band.top_up is None:
            return None
        amount = band.top_up.amount_for(setting_type)
        return None if amount is None else amount.for_hours(hours)

    def annual_top_up(self, band: Band | None, setting_type: str, hours: int | None) -> int:
        """The annual equivalent in pence (0 with no top-up)."""
        published = self.published_top_up(band, setting_type, hours)
        return 0 if published is None else published * self.funding.period.per_year

    def annual_base(self, setting_type: str, hours: int | None = None) -> int | None:
        base = self.funding.base
        if base is None:
            return None
        amount = base.amount_for(setting_type)
        return None if amount is None else amount.for_hours(hours) * self.funding.period.per_year

    @property
    def top_up(self) -> Mapping[int, Mapping[str, Decimal]]:
        """Annual-equivalent top-up in pounds (Decimal, pence exact) per band number and setting
        type, at the default hours variant: the table other modules sum (indicators read
        what a held band is worth from it). A band with no top-up is worth 0."""
        hours = self.funding.default_hours
        return {
            band.number: {
                code: pounds_decimal(self.annual_top_up(band, code, hours))
                for code in SETTING_TYPE_CODES
            }
            for band in self.bands
        }

    @property
    def base_funding(self) -> Mapping[str, Decimal]:
        """Annual base funding in pounds per setting type (0 where the scheme states none)."""
        return {
            code: pounds_decimal(self.annual_base(code, self.funding.default_hours) or 0)
            for code in SETTING_TYPE_CODES
        }


def framework_domains_left_out(ruleset: RuleSet, framework_codes) -> tuple[str, ...]:
    """The needs framework's domains the scheme does not score, in the framework's order:
    ratings in them do not count, so an admin confirms the list when saving the scheme."""
    return tuple(code for code in framework_codes if code not in ruleset.domain_index)
