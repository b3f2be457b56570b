"""Evaluating a whole caseload at once, for dashboards, replays and projections.

The batch path skips the trace, provision lists and matched-settings lists, and computes the
headline figures column by column in numpy. Every figure equals what `evaluate` gives for the
same child; a property test holds the two paths together.

Vector encoding (`Caseload.from_vectors`): each child's needs, family capacity, setting ability
and previous needs are strings with exactly one character per domain, in `domain_codes` order:
a digit for the level or rating ('0'–'4' for needs, '0'–'3' for capacity and ability) or '-'
for not assessed. Not assessed counts as need level 0 and as capacity or ability 3, as in
`Profile`. For example, with twelve domains, "321000010000" is speech and language at 3,
social communication at 2, general learning at 1 and hearing at 1.

Per-domain arrays are held domain-major (one row per domain, one column per child): numpy
reduces across the twelve domains of 70,000 children many times faster that way round.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from assessments.rules.classification import SEN_SUPPORT, SPECIALIST, TARGETED_PLUS
from assessments.rules.codes import (
    CLASSIFICATION_CODES,
    MAX_AGE,
    MAX_CAPACITY,
    MAX_NEED_LEVEL,
    REQUEST_CODES,
    SEN_STATUS_CODES,
    SETTING_TYPE_CODES,
    TIER_CODES,
    TIER_RANK,
)
from assessments.rules.conditions import FactColumns
from assessments.rules.profile import SettingId
from assessments.rules.register import SettingsRegister, read_only
from assessments.rules.ruleset import RuleSet

NOT_ASSESSED = ord("-")
NO_VALUE = -1
CLASSIFICATION_INDEX = {code: index for index, code in enumerate(CLASSIFICATION_CODES)}


def _decode(
    vectors: Sequence[str], width: int, maximum: int, not_assessed: int, what: str
) -> np.ndarray:
    lengths = np.fromiter(map(len, vectors), dtype=np.int64, count=len(vectors))
    wrong = np.flatnonzero(lengths != width)
    if wrong.size:
        row = int(wrong[0])
        raise ValueError(
            f"{what} vector for row {row} must have {width} characters, one per domain: "
            f"{vectors[row]!r}"
        )
    try:
        raw = np.frombuffer("".join(vectors).encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        raise ValueError(f"{what} vectors may hold only digits and '-'") from None
    table = np.full(256, 255, dtype=np.uint8)
    table[ord("0") : ord("0") + maximum + 1] = np.arange(maximum + 1, dtype=np.uint8)
    table[NOT_ASSESSED] = not_assessed
    values = table[raw].reshape(len(vectors), width)
    bad = np.argwhere(values == 255)
    if bad.size:
        row = int(bad[0][0])
        raise ValueError(
            f"{what} vector for row {row} may hold only '0'–'{maximum}' and '-': {vectors[row]!r}"
        )
    return np.ascontiguousarray(values.T)


def _codes(
    values: Sequence[str | None], choices: tuple[str, ...], what: str, allow_none: bool
) -> np.ndarray:
    index = {code: position for position, code in enumerate(choices)}
    if allow_none:
        index[None] = NO_VALUE
    try:
        codes = np.fromiter((index[value] for value in values), dtype=np.int8, count=len(values))
    except KeyError as error:
        raise ValueError(f"{what} {error.args[0]!r} is not one of {', '.join(choices)}") from None
    return read_only(codes)


def _column(values: Sequence | None, count: int, what: str) -> Sequence:
    if values is None:
        return [None] * count
    if len(values) != count:
        raise ValueError(f"{what} has {len(values)} rows, not {count}")
    return values


@dataclass(frozen=True, slots=True)
class Caseload:
    """A caseload in columns, independent of any rule set so it can be replayed under several."""

    domain_codes: tuple[str, ...]
    # Domain-major: one row per code in `domain_codes`, one column per child.
    levels: np.ndarray
    family_capacity: np.ndarray
    setting_ability: np.ndarray
    previous_levels: np.ndarray
    has_previous: np.ndarray
    ages: np.ndarray
    sen_status: np.ndarray
    current_setting_type: np.ndarray
    # Index into `setting_ids`, or -1 with no current setting.
    current_setting: np.ndarray
    setting_ids: tuple[SettingId, ...]
    held_band: np.ndarray
    request: np.ndarray
    refs: tuple[Hashable, ...]

    @classmethod
    def from_vectors(
        cls,
        domain_codes: Sequence[str],
        need_vectors: Sequence[str],
        *,
        ages: Sequence[int],
        sen_statuses: Sequence[str],
        family_vectors: Sequence[str] | None = None,
        ability_vectors: Sequence[str] | None = None,
        previous_need_vectors: Sequence[str | None] | None = None,
        current_setting_ids: Sequence[SettingId | None] | None = None,
        current_setting_types: Sequence[str | None] | None = None,
        held_bands: Sequence[int | None] | None = None,
        requests: Sequence[str] | None = None,
        refs: Sequence[Hashable] | None = None,
    ) -> Caseload:
        """Build from plain sequences, one entry per child; see the module note on vectors.

        Optional columns default to: capacity and ability not assessed, no previous assessment,
        no current setting, no held band, no request, and refs 0..n-1. A row of
        `previous_need_vectors` may be None when there was no previous assessment.
        """
        codes = tuple(domain_codes)
        count = len(need_vectors)
        previous_column = _column(previous_need_vectors, count, "previous_need_vectors")

        def ratings(vectors: Sequence[str | None], maximum: int, missing: int, what: str):
            unrated = "-" * len(codes)
            filled = [unrated if vector is None else vector for vector in vectors]
            return _decode(filled, len(codes), maximum, missing, what)

        levels = ratings(need_vectors, MAX_NEED_LEVEL, 0, "need")
        family = ratings(
            _column(family_vectors, count, "family_vectors"),
            MAX_CAPACITY,
            MAX_CAPACITY,
            "family capacity",
        )
        ability = ratings(
            _column(ability_vectors, count, "ability_vectors"),
            MAX_CAPACITY,
            MAX_CAPACITY,
            "setting ability",
        )
        previous = ratings(previous_column, MAX_NEED_LEVEL, 0, "previous need")
        has_previous = np.fromiter(
            (vector is not None for vector in previous_column), dtype=bool, count=count
        )

        age_column = np.array(_column(ages, count, "ages"), dtype=np.int64)
        if count and age_column.min() < 0:
            raise ValueError("ages must not be negative")
        ids = _column(current_setting_ids, count, "current_setting_ids")
        key_by_id: dict[SettingId, int] = {}
        current = np.fromiter(
            (NO_VALUE if sid is None else key_by_id.setdefault(sid, len(key_by_id)) for sid in ids),
            dtype=np.int32,
            count=count,
        )
        bands = _column(held_bands, count, "held_bands")
        if any(band is not None and band < 0 for band in bands):
            raise ValueError("held_bands must be band numbers or None")
        return cls(
            domain_codes=codes,
            levels=read_only(levels),
            family_capacity=read_only(family),
            setting_ability=read_only(ability),
            previous_levels=read_only(previous),
            has_previous=read_only(has_previous),
            ages=read_only(age_column),
            sen_status=_codes(
                _column(sen_statuses, count, "sen_statuses"), SEN_STATUS_CODES, "SEN status", False
            ),
            current_setting_type=_codes(
                _column(current_setting_types, count, "current_setting_types"),
                SETTING_TYPE_CODES,
                "setting type",
                True,
            ),
            current_setting=read_only(current),
            setting_ids=tuple(key_by_id),
            held_band=read_only(
                np.fromiter(
                    (NO_VALUE if band is None else band for band in bands),
                    dtype=np.int64,
                    count=count,
                )
            ),
            request=_codes(
                ["none"] * count if requests is None else _column(requests, count, "requests"),
                REQUEST_CODES,
                "request",
                False,
            ),
            refs=tuple(range(count)) if refs is None else tuple(_column(refs, count, "refs")),
        )

    def __len__(self) -> int:
        return len(self.refs)


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    ref: Hashable
    tier: str
    band: int | None
    total_points: int
    top_up_at_current_setting: int | None
    mainstream_capable: bool
    classification: str


@dataclass(frozen=True, slots=True)
class CaseloadResult:
    """Headline figures per child, in columns. Tiers and classifications are held as indexes
    into TIER_CODES and CLASSIFICATION_CODES; band 0 and top-up -1 mean none."""

    ruleset_id: str
    ruleset_version: str
    refs: tuple[Hashable, ...]
    tier_rank: np.ndarray
    band: np.ndarray
    total_points: np.ndarray
    top_up_at_current_setting: np.ndarray
    mainstream_capable: np.ndarray
    classification: np.ndarray

    def __len__(self) -> int:
        return len(self.refs)

    def row(self, index: int) -> CaseloadRow:
        band = int(self.band[index])
        top_up = int(self.top_up_at_current_setting[index])
        return CaseloadRow(
            ref=self.refs[index],
            tier=TIER_CODES[self.tier_rank[index]],
            band=band or None,
            total_points=int(self.total_points[index]),
            top_up_at_current_setting=None if top_up == NO_VALUE else top_up,
            mainstream_capable=bool(self.mainstream_capable[index]),
            classification=CLASSIFICATION_CODES[self.classification[index]],
        )


def _by_ruleset_domain(
    values: np.ndarray, caseload: Caseload, ruleset: RuleSet, fill: int
) -> np.ndarray:
    """Reorder caseload rows to the rule set's domains; domains the caseload lacks get `fill`."""
    out = np.full((len(ruleset.domains), len(caseload)), fill, dtype=np.int8)
    for d, domain in enumerate(ruleset.domains):
        if domain.code in caseload.domain_codes:
            out[d] = values[caseload.domain_codes.index(domain.code)]
    return out


def evaluate_caseload(
    caseload: Caseload, ruleset: RuleSet, register: SettingsRegister
) -> CaseloadResult:
    register.check_built_for(ruleset)
    ages = caseload.ages

    levels = _by_ruleset_domain(caseload.levels, caseload, ruleset, 0)
    for d, domain in enumerate(ruleset.domains):
        if domain.assessed_from_age:
            levels[d, ages < domain.assessed_from_age] = 0

    domain_points = np.stack(
        [
            np.take(np.array(points, dtype=np.int64), row)
            for points, row in zip(ruleset.weighted_points, levels, strict=True)
        ]
    )
    area_points = np.empty((len(ruleset.areas), len(caseload)), dtype=np.int64)
    for a, (area, members) in enumerate(zip(ruleset.areas, ruleset.area_domains, strict=True)):
        selected = domain_points[list(members)]
        raw = selected.max(axis=0) if area.scoring == "max" else selected.sum(axis=0)
        area_points[a] = raw if area.cap is None else np.minimum(raw, area.cap)
    total = area_points.sum(axis=0)

    band_position = np.searchsorted(
        [band.min_points for band in ruleset.bands], total, side="right"
    )
    band_number = np.array([0] + [band.number for band in ruleset.bands], dtype=np.int64)[
        band_position
    ]

    current = _register_index(caseload, register)
    has_current = current >= 0
    setting_type = caseload.current_setting_type.astype(np.int64)
    from_register = (setting_type == NO_VALUE) & has_current
    setting_type[from_register] = register.setting_type_index[current[from_register]]
    top_up_table = np.zeros((len(ruleset.bands) + 1, len(SETTING_TYPE_CODES)), dtype=np.int64)
    for position, band in enumerate(ruleset.bands, start=1):
        top_up_table[position] = [ruleset.top_up[band.number][code] for code in SETTING_TYPE_CODES]
    top_up = np.where(
        setting_type >= 0, top_up_table[band_position, np.maximum(setting_type, 0)], NO_VALUE
    )

    mainstream_capable = _current_route(
        caseload, ruleset, register, levels, current
    ) | _local_route(register, ages, levels, current)

    family = _by_ruleset_domain(caseload.family_capacity, caseload, ruleset, MAX_CAPACITY)
    family_policy = ruleset.family
    family_low = (family <= family_policy.low_capacity_at_most) & (
        levels >= family_policy.need_at_least
    )
    columns = FactColumns(
        levels=levels,
        area_points=area_points,
        total_points=total,
        mainstream_capable=mainstream_capable,
        family_low_count=family_low.sum(axis=0),
    )
    tier = _tiers(columns, ruleset)

    held = _held_tier(caseload, ruleset, setting_type)
    requested = _requested_tier(caseload, ruleset, held)
    previous = _by_ruleset_domain(caseload.previous_levels, caseload, ruleset, 0)
    rising = caseload.has_previous & (levels > previous).any(axis=0)
    increased_funding = caseload.request == REQUEST_CODES.index("increased_funding")
    requested_band = np.where(
        caseload.held_band >= 0, caseload.held_band + 1, ruleset.bands[0].number
    )
    claimed_band = np.where(increased_funding, requested_band, caseload.held_band)
    classification = _classify(
        tier, held, requested, mainstream_capable, rising, band_number, claimed_band
    )

    return CaseloadResult(
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        refs=caseload.refs,
        tier_rank=tier,
        band=band_number,
        total_points=total,
        top_up_at_current_setting=top_up,
        mainstream_capable=mainstream_capable,
        classification=classification,
    )


def _register_index(caseload: Caseload, register: SettingsRegister) -> np.ndarray:
    by_key = np.array(
        [register.index_by_id.get(setting_id, NO_VALUE) for setting_id in caseload.setting_ids]
        + [NO_VALUE],
        dtype=np.int64,
    )
    # Key -1 (no current setting) picks the trailing NO_VALUE.
    return by_key[caseload.current_setting]


def _current_route(
    caseload: Caseload,
    ruleset: RuleSet,
    register: SettingsRegister,
    levels: np.ndarray,
    current: np.ndarray,
) -> np.ndarray:
    capable = np.zeros(len(caseload), dtype=bool)
    rows = np.flatnonzero(current >= 0)
    if not rows.size:
        return capable
    settings = current[rows]
    row_levels = levels[:, rows]
    ability = _by_ruleset_domain(caseload.setting_ability, caseload, ruleset, MAX_CAPACITY)
    low_ability = (ability[:, rows] <= ruleset.matching.current_ability_low_at_most) & (
        row_levels > 0
    )
    meets = (register.effective_by_domain[:, settings] >= row_levels).all(axis=0)
    capable[rows] = register.mainstream_flags[settings] & meets & ~low_ability.any(axis=0)
    return capable


def _local_route(
    register: SettingsRegister, ages: np.ndarray, levels: np.ndarray, current: np.ndarray
) -> np.ndarray:
    slots = np.minimum(ages, MAX_AGE + 1)
    all_keys = slots * (MAX_NEED_LEVEL + 1) + levels
    position = register.local_position[slots, current]
    met = np.zeros(len(ages), dtype=bool)
    # Settings are numbered strongest first, so the first word settles most children and
    # each later word is searched only for those still unmet.
    pending = np.arange(len(ages))
    for word, table in enumerate(register.local_bits):
        if not pending.size:
            break
        keys = all_keys if word == 0 else all_keys[:, pending]
        meeting = np.take(table[0], keys[0])
        for d in range(1, len(levels)):
            meeting &= np.take(table[d], keys[d])
        # The current setting has either met the needs already or been ruled out for this child.
        pending_position = position[pending]
        current_here = np.flatnonzero(pending_position // 64 == word)
        meeting[current_here] &= ~(
            np.uint64(1) << (pending_position[current_here] % 64).astype(np.uint64)
        )
        found = meeting != 0
        met[pending[found]] = True
        pending = pending[~found]
    return met


def _tiers(columns: FactColumns, ruleset: RuleSet) -> np.ndarray:
    count = len(columns.total_points)
    tier = np.zeros(count, dtype=np.int8)
    decided = np.zeros(count, dtype=bool)
    for rule in ruleset.tiers:
        rank = TIER_RANK[rule.tier]
        applies = (
            ~decided if rule.condition is None else rule.condition.holds_in(columns) & ~decided
        )
        tier[applies] = rank
        decided |= applies
    step_up = ruleset.tier_step_up
    if step_up is not None:
        raised = np.maximum(tier, np.minimum(tier + step_up.steps, TIER_RANK[step_up.up_to]))
        tier = np.where(step_up.condition.holds_in(columns), raised, tier).astype(np.int8)
    return tier


def _held_tier(caseload: Caseload, ruleset: RuleSet, setting_type: np.ndarray) -> np.ndarray:
    policy = ruleset.classification
    by_status = np.array(
        [TIER_RANK[policy.held_tier_by_status[code]] for code in SEN_STATUS_CODES], dtype=np.int8
    )
    held = by_status[caseload.sen_status]
    specialist_types = [SETTING_TYPE_CODES.index(code) for code in policy.specialist_setting_types]
    in_specialist_setting = (caseload.sen_status == SEN_STATUS_CODES.index("E")) & np.isin(
        setting_type, specialist_types
    )
    held[in_specialist_setting] = SPECIALIST
    return held


def _requested_tier(caseload: Caseload, ruleset: RuleSet, held: np.ndarray) -> np.ndarray:
    by_request = np.full(len(REQUEST_CODES), NO_VALUE, dtype=np.int8)
    for request, tier in ruleset.classification.requested_tier.items():
        by_request[REQUEST_CODES.index(request)] = TIER_RANK[tier]
    requested = by_request[caseload.request]
    increased_funding = caseload.request == REQUEST_CODES.index("increased_funding")
    requested[increased_funding] = held[increased_funding]
    return requested


def _classify(
    recommended: np.ndarray,
    held: np.ndarray,
    requested: np.ndarray,
    mainstream_capable: np.ndarray,
    rising: np.ndarray,
    band_number: np.ndarray,
    claimed_band: np.ndarray,
) -> np.ndarray:
    # Mirrors classification.classify; NO_VALUE (-1) stands for "no request" and "no band".
    target = np.maximum(held, requested)
    escalation = requested > held
    delayed = escalation & (recommended <= held)
    outcomes = [
        (recommended > target, "under_supported"),
        (delayed & rising, "could_be_delayed"),
        ((target >= TARGETED_PLUS) & (recommended <= SEN_SUPPORT), "could_be_prevented"),
        (
            (target == SPECIALIST) & (recommended == TARGETED_PLUS) & mainstream_capable,
            "could_be_reduced",
        ),
        (
            (recommended == held) & (held == target) & (claimed_band > band_number),
            "could_be_reduced",
        ),
        (delayed, "could_be_delayed"),
    ]
    return np.select(
        [condition for condition, _ in outcomes],
        [CLASSIFICATION_INDEX[code] for _, code in outcomes],
        default=CLASSIFICATION_INDEX["appropriately_placed"],
    ).astype(np.int8)
