"""What the engine returns for one child."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessments.rules.codes import CLASSIFICATION_LABELS
from assessments.rules.profile import SettingId
from assessments.rules.ruleset import Band


@dataclass(frozen=True, slots=True)
class AreaScore:
    area: str
    name: str
    # After the area's weight and cap.
    points: int
    uncapped_points: int


@dataclass(frozen=True, slots=True)
class ProvisionItem:
    domain: str
    level: int
    code: str
    description: str
    hours_per_week: float
    annual_cost: int


@dataclass(frozen=True, slots=True)
class FamilySupportItem:
    code: str
    description: str
    hours_per_week: float
    annual_cost: int
    # The domains where low family capacity and need called for this support.
    domains: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatchedSetting:
    id: SettingId
    name: str
    setting_type: str
    phase: str
    # The setting's general readiness in the register (0–100).
    readiness: int
    # True when the setting meets some need only through the top-up uplift.
    with_top_up: bool
    # The child's current setting (listed first when it meets every need).
    is_current: bool = False


@dataclass(frozen=True, slots=True)
class TopUpFigure:
    """The top-up at one type of setting, as the scheme publishes it and as a year's worth."""

    setting_type: str
    # Pence per period, as published.
    published: int
    per: str
    per_year: int
    # The hours-a-week variant the figure is for, if the scheme's figures vary by hours.
    hours: int | None
    # Pence a year: what totals, replays and classifications add up and compare.
    annual: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    ruleset_id: str
    ruleset_version: str
    # Every domain of the rule set with the level counted (after the age rule).
    levels: Mapping[str, int]
    # The domains that apply at the child's age (preparing for adulthood only from 14).
    assessed_domains: tuple[str, ...]
    area_points: tuple[AreaScore, ...]
    total_points: int
    band: Band | None
    # True when the total is above the top band's range: no band, no amount, a panel decides.
    above_range: bool
    # The scheme's words for that outcome when it applies, else None.
    above_range_outcome: str | None
    # Pence a year per setting type for the band (0 with no top-up; empty above the range).
    annual_top_up_by_setting_type: Mapping[str, int]
    # Pence a year per setting type; None when the scheme states no base funding.
    annual_base_by_setting_type: Mapping[str, int] | None
    # The profile's setting type, or the register's for the current setting.
    current_setting_type: str | None
    # The hours variant the figures are for (None when the scheme has none).
    hours_variant: int | None
    # The band's figure at the current setting (None: no current setting, no top-up or above).
    top_up: TopUpFigure | None
    # Pence a year at the current setting: 0 below the first band or in a band with no top-up,
    # None with no current setting or above the scheme's range.
    annual_top_up_at_current_setting: int | None
    tier: str
    tier_name: str
    provision: tuple[ProvisionItem, ...]
    provision_cost: int
    family_support: tuple[FamilySupportItem, ...]
    family_support_cost: int
    matched_settings: tuple[MatchedSetting, ...]
    mainstream_capable: bool
    mainstream_route: str | None
    # The setting that shows the needs can be met in mainstream, if one does.
    mainstream_setting: MatchedSetting | None
    current_setting_readiness: int | None
    current_setting_shortfalls: tuple[str, ...]
    held_tier: str
    requested_tier: str | None
    requested_band: int | None
    # Pence a year that the held (or, for an increased-funding request, the requested) band is
    # worth under the scheme it belongs to, at the current type of setting: money, so schemes
    # with different scales compare.
    claimed_funding: int | None
    rising_domains: tuple[str, ...]
    classification: str
    trace: tuple[str, ...]

    @property
    def band_number(self) -> int | None:
        return None if self.band is None else self.band.number

    @property
    def classification_label(self) -> str:
        return CLASSIFICATION_LABELS[self.classification]
