"""What the engine is given: a child's needs profile and the local settings register."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessments.rules.codes import (
    MAX_CAPACITY,
    MAX_NEED_LEVEL,
    PHASE_CODES,
    REQUEST_CODES,
    SEN_STATUS_CODES,
    SETTING_TYPE_CODES,
)

type SettingId = int | str


def _is_whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_scale(values: Mapping[str, int], maximum: int, what: str) -> None:
    for domain, value in values.items():
        if not _is_whole_number(value) or not 0 <= value <= maximum:
            raise ValueError(f"{what} for {domain!r} must be a whole number 0–{maximum}: {value!r}")


def _check_choice(value: str | None, choices: tuple[str, ...], what: str) -> None:
    if value is not None and value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}: {value!r}")


@dataclass(frozen=True, slots=True)
class SettingRecord:
    """A school, college or early-years setting and the highest need level it meets per domain.

    `capabilities` holds what ordinarily available and planned provision meets (0–4); a domain
    missing from it counts as 0. `capacity` is carried for the caller; matching ignores it
    because free places are not known at assessment time.
    """

    id: SettingId
    name: str
    setting_type: str
    phase: str
    capabilities: Mapping[str, int]
    capacity: int | None = None

    def __post_init__(self) -> None:
        _check_choice(self.setting_type, SETTING_TYPE_CODES, "setting_type")
        _check_choice(self.phase, PHASE_CODES, "phase")
        _check_scale(self.capabilities, MAX_NEED_LEVEL, "capability")


@dataclass(frozen=True, slots=True)
class Profile:
    """One child's needs profile at an assessment.

    `levels` are need levels 0–4; a domain the rule set does not name is ignored and a domain
    it names but the profile omits counts as 0 (no additional need).
    `setting_ability` and `family_capacity` rate, 0–3, how well the current setting and the
    family can support each need. A missing rating counts as 3 (fully able): the engine never
    adds support, raises a tier or rules out the current setting on evidence nobody recorded.
    `held_band` is the band number currently funded, if any, on the scale of the scheme it was
    funded under (the authority's active scheme: see `evaluate`'s `held_scheme`).
    `attendance_hours` is how many hours a week the child attends their setting, where a
    scheme's figures vary by hours (early years 15 or 30 hours); None when not recorded.
    """

    levels: Mapping[str, int]
    setting_ability: Mapping[str, int]
    family_capacity: Mapping[str, int]
    age: int
    sen_status: str
    current_setting_id: SettingId | None = None
    current_setting_type: str | None = None
    held_band: int | None = None
    request: str = "none"
    previous_levels: Mapping[str, int] | None = None
    attendance_hours: float | None = None

    def __post_init__(self) -> None:
        _check_scale(self.levels, MAX_NEED_LEVEL, "need level")
        _check_scale(self.setting_ability, MAX_CAPACITY, "setting ability")
        _check_scale(self.family_capacity, MAX_CAPACITY, "family capacity")
        if self.previous_levels is not None:
            _check_scale(self.previous_levels, MAX_NEED_LEVEL, "previous need level")
        if not _is_whole_number(self.age) or self.age < 0:
            raise ValueError(f"age must be a whole number of years: {self.age!r}")
        _check_choice(self.sen_status, SEN_STATUS_CODES, "sen_status")
        _check_choice(self.current_setting_type, SETTING_TYPE_CODES, "current_setting_type")
        _check_choice(self.request, REQUEST_CODES, "request")
        if self.held_band is not None and (
            not _is_whole_number(self.held_band) or self.held_band < 0
        ):
            raise ValueError(f"held_band must be a band number: {self.held_band!r}")
        if self.attendance_hours is not None and (
            isinstance(self.attendance_hours, bool)
            or not isinstance(self.attendance_hours, int | float)
            or not 0 <= self.attendance_hours <= 168
        ):
            raise ValueError(
                f"attendance_hours must be hours a week from 0 to 168: {self.attendance_hours!r}"
            )
