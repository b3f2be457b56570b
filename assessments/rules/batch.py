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

import operator
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import repeat

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
# held_bands: dict.get(band, band) gives NO_VALUE for None and the band itself otherwise.
_NO_BAND = {None: NO_VALUE}


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
        joined = "".join(vectors).encode("ascii")
    except UnicodeEncodeError:
        raise ValueError(f"{what} vectors may hold only digits and '-'") from None
    return decode_block(joined, len(vectors), width, maximum, not_assessed, what)


def decode_block(
    joined: bytes, count: int, width: int, maximum: int, not_assessed: int, what: str
) -> np.ndarray:
    """Domain-major levels from `count` vectors of `width` characters joined end to end."""
    if len(joined) != count * width:
        raise ValueError(f"{what} vectors must have {width} characters each, one per domain")
    raw = np.frombuffer(joined, dtype=np.uint8).reshape(count, width)
    return decode_rows(raw, maximum, not_assessed, what)


def decode_rows(raw: np.ndarray, maximum: int, not_assessed: int, what: str) -> np.ndarray:
    """Domain-major levels from the characters of one vector per row (a children × domains
    array of bytes, as a string aggregate of a database column reads them)."""
    table = np.full(256, 255, dtype=np.uint8)
    table[ord("0") : ord("0") + maximum + 1] = np.arange(maximum + 1, dtype=np.uint8)
    table[NOT_ASSESSED] = not_assessed
    values = table[raw.T]
    invalid = values == 255
    if invalid.any():
        bad = np.argwhere(invalid)
        row = int(bad[:, 1].min())
        vector = raw[row].tobytes().decode("ascii", "replace")
        raise ValueError(
            f"{what} vector for row {row} may hold only '0'–'{maximum}' and '-': {vector!r}"
        )
    return np.ascontiguousarray(values)


def _codes(
    values: Sequence[str | None], choices: tuple[str, ...], what: str, allow_none: bool
) -> np.ndarray:
    index = {code: position for position, code in enumerate(choices)}
    if allow_none:
        index[None] = NO_VALUE
    try:
        codes = np.fromiter(map(index.__getitem__, values), dtype=np.int8, count=len(values))
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
    # Hours a week at the setting; NaN where not recorded.
    attendance_hours: np.ndarray | None = None

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
        attendance_hours: Sequence[float | None] | None = None,
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
            if None in vectors:
                unrated = "-" * len(codes)
                vectors = [unrated if vector is None else vector for vector in vectors]
            return _decode(vectors, len(codes), maximum, missing, what)

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
            map(operator.is_not, previous_column, repeat(None, count)), dtype=bool, count=count
        )

        age_column = np.array(_column(ages, count, "ages"), dtype=np.int64)
        if count and age_column.min() < 0:
            raise ValueError("ages must not be negative")
        ids = _column(current_setting_ids, count, "current_setting_ids")
        # Keys in order of first appearance; None (no current setting) is NO_VALUE.
        key_by_id: dict[SettingId, int] = {
            sid: key for key, sid in enumerate(sid for sid in dict.fromkeys(ids) if sid is not None)
        }
        setting_ids = tuple(key_by_id)
        key_by_id[None] = NO_VALUE
        current = np.fromiter(map(key_by_id.__getitem__, ids), dtype=np.int32, count=count)
        bands = _column(held_bands, count, "held_bands")
        # None (no held band) becomes NO_VALUE; a band number itself must not be negative.
        held = np.fromiter(map(_NO_BAND.get, bands, bands), dtype=np.int64, count=count)
        if int((held < 0).sum()) != bands.count(None):
            raise ValueError("held_bands must be band numbers or None")
        # None (not recorded) becomes NaN.
        hours = np.array(_column(attendance_hours, count, "attendance_hours"), dtype=np.float64)
        if count and np.nanmin(hours, initial=0) < 0:
            raise ValueError("attendance_hours must not be negative")
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
            setting_ids=setting_ids,
            held_band=read_only(held),
            request=_codes(
                ["none"] * count if requests is None else _column(requests, count, "requests"),
                REQUEST_CODES,
                "request",
                False,
            ),
            refs=tuple(range(count)) if refs is None else tuple(_column(refs, count, "refs")),
            attendance_hours=read_only(hours),
        )

    def __len__(self) -> int:
        return len(self.refs)


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    ref: Hashable
    tier: str
    band: int | None
    above_range: bool
    total_points: int
    # Pence a year at the current setting (see Recommendation.annual_top_up_at_current_setting).
    annual_top_up_at_current_setting: int | None
    mainstream_capable: bool
    classification: str


@dataclass(frozen=True, slots=True)
class CaseloadResult:
    """Headline figures per child, in columns. Tiers and classifications are held as indexes
    into TIER_CODES and CLASSIFICATION_CODES; band 0 and top-up -1 mean none. Top-ups are pence
    a year (the annual equivalent of the published figure)."""

    ruleset_id: str
    ruleset_version: str
    refs: tuple[Hashable, ...]
    tier_rank: np.ndarray
    band: np.ndarray
    above_range: np.ndarray
    total_points: np.ndarray
    annual_top_up: np.ndarray
    mainstream_capable: np.ndarray
    classification: np.ndarray

    def __len__(self) -> int:
        return len(self.refs)

    def row(self, index: int) -> CaseloadRow:
        band = int(self.band[index])
        top_up = int(self.annual_top_up[index])
        return CaseloadRow(
            ref=self.refs[index],
            tier=TIER_CODES[self.tier_rank[index]],
            band=band or None,
            above_range=bool(self.above_range[index]),
            total_points=int(self.total_points[index]),
            annual_top_up_at_current_setting=None if top_up == NO_VALUE else top_up,
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


MAINSTREAM = SETTING_TYPE_CODES.index("mainstream")


def evaluate_caseload(
    caseload: Caseload,
    ruleset: RuleSet,
    register: SettingsRegister,
    held_scheme: RuleSet | None = None,
) -> CaseloadResult:
    """Every child's headline figures, equal to `evaluate`'s for the same profile and
    `held_scheme` (the scheme held bands belong to; by default `ruleset`)."""
    register.check_built_for(ruleset)
    held_scheme = held_scheme or ruleset
    ages = caseload.ages
    count = len(caseload)

    current = _register_index(caseload, register)
    has_current = current >= 0
    setting_type = caseload.current_setting_type.astype(np.int64)
    from_register = (setting_type == NO_VALUE) & has_current
    setting_type[from_register] = register.setting_type_index[current[from_register]]
    attendance = (
        caseload.attendance_hours
        if caseload.attendance_hours is not None
        else np.full(count, np.nan)
    )
    levels = counted_levels(caseload, ruleset)
    funding = funding_in(levels, setting_type, attendance, ruleset)
    area_points, total, above = funding.area_points, funding.total, funding.above
    band_number, top_up = funding.band_number, funding.annual_top_up
    reference_type = np.where(setting_type >= 0, setting_type, MAINSTREAM)

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
    recommended_funding = funding.at_reference
    held_funding, requested_funding = _held_funding(
        caseload.held_band, held_scheme, reference_type, attendance
    )
    claimed_funding = np.where(increased_funding, requested_funding, held_funding)
    classification = _classify(
        tier, held, requested, mainstream_capable, rising, recommended_funding, claimed_funding
    )

    return CaseloadResult(
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        refs=caseload.refs,
        tier_rank=tier,
        band=band_number,
        above_range=above,
        total_points=total,
        annual_top_up=top_up,
        mainstream_capable=mainstream_capable,
        classification=classification,
    )


def counted_levels(caseload: Caseload, ruleset: RuleSet) -> np.ndarray:
    """The caseload's levels in the rule set's domain order (domain-major), with levels of a
    domain not yet assessed at a child's age counted as 0."""
    levels = _by_ruleset_domain(caseload.levels, caseload, ruleset, 0)
    for d, domain in enumerate(ruleset.domains):
        if domain.assessed_from_age:
            levels[d, caseload.ages < domain.assessed_from_age] = 0
    return levels


@dataclass(frozen=True, slots=True)
class Funding:
    """Points, bands and money for a caseload (the part of the batch a banding scheme is)."""

    area_points: np.ndarray
    total: np.ndarray
    position: np.ndarray
    band_number: np.ndarray
    above: np.ndarray
    # Pence a year at the current setting; -1 with no setting type or above the range.
    annual_top_up: np.ndarray
    # Pence a year at the current setting, or at a mainstream school with none; -1 above.
    at_reference: np.ndarray


def funding_in(
    levels: np.ndarray, setting_type: np.ndarray, attendance: np.ndarray, ruleset: RuleSet
) -> Funding:
    """Points per area and in total, the band, the outcome above the range and the annual
    top-up, for counted levels (domain-major), setting types (-1 none) and hours (NaN none)."""
    prepared = _prepared(ruleset)
    area_points, total = points_in(levels, ruleset)
    if prepared.position_by_total is None:
        position, band_number, above = bands_in(total, ruleset)
        money_row = np.where(above, prepared.above_row, position)
    else:
        # Every total the scheme can give is looked up: no search per child.
        position = prepared.position_by_total[total]
        band_number = prepared.number_by_total[total]
        above = prepared.above_by_total[total]
        money_row = prepared.money_row_by_total[total]
    table = prepared.top_up
    _, types, variants = table.shape
    reference_type = np.where(setting_type >= 0, setting_type, MAINSTREAM)
    # One gather from the flattened table: (row, type, variant) as a single index. The row
    # after the last band is the outcome above the range: no amount (-1) at any setting type.
    index = money_row * (types * variants)
    index += reference_type * variants if variants > 1 else reference_type
    if variants > 1:
        index += hours_variants_in(attendance, ruleset)
    at_reference = table.ravel()[index]
    return Funding(
        area_points=area_points,
        total=total,
        position=position,
        band_number=band_number,
        above=above,
        annual_top_up=np.where(setting_type >= 0, at_reference, NO_VALUE),
        at_reference=at_reference,
    )


def points_in(levels: np.ndarray, ruleset: RuleSet) -> tuple[np.ndarray, np.ndarray]:
    """Area points (after weights and caps, area-major) and totals for domain-major levels.

    An area of a few domains is one lookup per child in a table of its points (weighted,
    summed or the highest, capped) for every combination of its domains' levels; an area of
    many domains, whose table would be too large, is looked up domain by domain."""
    count = levels.shape[1]
    prepared = _prepared(ruleset)
    area_points = np.empty((len(ruleset.areas), count), dtype=np.int64)
    radix = prepared.radix
    for a, (area, members) in enumerate(zip(ruleset.areas, ruleset.area_domains, strict=True)):
        combined = prepared.area_tables[a]
        if combined is not None:
            code = levels[members[0]].astype(np.intp)
            for d in members[1:]:
                code *= radix
                code += levels[d]
            np.take(combined, code, out=area_points[a], mode="clip")
            continue
        raw = None
        for d in members:
            points = prepared.weighted[d][levels[d]]
            if raw is None:
                raw = points
            elif area.scoring == "max":
                np.maximum(raw, points, out=raw)
            else:
                raw += points
        area_points[a] = raw if area.cap is None else np.minimum(raw, area.cap)
    if len(area_points) == 0:
        return area_points, np.zeros(count, dtype=np.int64)
    total = area_points[0].copy()
    for row in area_points[1:]:
        total += row
    return area_points, total


def bands_in(total: np.ndarray, ruleset: RuleSet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per child: the band's position (1 for the first band, 0 for none), its number (0 for
    none) and whether the total is above the scheme's range (position and number 0 then)."""
    prepared = _prepared(ruleset)
    position = np.searchsorted(prepared.minimums, total, side="right")
    top = ruleset.top_band.max_points
    above = total > top if top is not None else np.zeros(len(total), dtype=bool)
    position = np.where(above, 0, position)
    return position, prepared.numbers[position], above


def hours_variants_in(attendance: np.ndarray, ruleset: RuleSet) -> np.ndarray:
    """Index into the scheme's hours variants per child (0 when the scheme has none): the
    largest variant not above the child's hours, the smallest below them all, the default
    where hours are not recorded (NaN)."""
    hours = ruleset.funding.hours
    index = np.zeros(len(attendance), dtype=np.intp)
    if not hours:
        return index
    # The variants are in increasing order: count those at or below the child's hours after
    # the first (a comparison with NaN is false, so hours not recorded count none).
    for variant in hours[1:]:
        index += attendance >= variant
    default = hours.index(ruleset.funding.default_hours)
    if default:
        index[np.isnan(attendance)] = default
    return index


def annual_top_up_table(ruleset: RuleSet) -> np.ndarray:
    """Pence a year by (band position: 0 for no band, then each band), setting type and hours
    variant. A band with no top-up, or none at a setting type, is worth 0."""
    return _prepared(ruleset).top_up[:-1]


# Combinations of one area's levels worth a table of their own (5 domains at levels 0–4).
_AREA_TABLE_LIMIT = (MAX_NEED_LEVEL + 1) ** 5
# Totals worth a table of bands (beyond it, bands are searched child by child).
_TOTAL_TABLE_LIMIT = 1 << 16


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What the batch path looks up for one rule set, built once (a parsed rule set never
    changes, and a replay evaluates the same two many times)."""

    weighted: tuple[np.ndarray, ...]
    radix: int
    # Per area: its points (weighted, summed or the highest, capped) by the combined code of
    # its domains' levels (first domain most significant), or None for an area too large.
    area_tables: tuple[np.ndarray | None, ...]
    minimums: np.ndarray
    numbers: np.ndarray
    # By total points, 0 to the most a profile can score (None when that is too many):
    position_by_total: np.ndarray | None
    number_by_total: np.ndarray | None
    above_by_total: np.ndarray | None
    money_row_by_total: np.ndarray | None
    # The row of `top_up` for a total above the scheme's range.
    above_row: int
    # Pence a year by (position, setting type, hours variant), and a last row of -1 (above).
    top_up: np.ndarray


def _prepared(ruleset: RuleSet) -> _Prepared:
    cached = _PREPARED.get(id(ruleset))
    if cached is not None and cached[0] is ruleset:
        return cached[1]
    prepared = _prepare(ruleset)
    _PREPARED[id(ruleset)] = (ruleset, prepared)
    return prepared


def _prepare(ruleset: RuleSet) -> _Prepared:
    weighted = tuple(read_only(np.array(row, dtype=np.int64)) for row in ruleset.weighted_points)
    radix = max((len(row) for row in weighted), default=1)
    area_tables = []
    highest = 0
    for area, members in zip(ruleset.areas, ruleset.area_domains, strict=True):
        if not members or radix ** len(members) > _AREA_TABLE_LIMIT:
            area_tables.append(None)
            tops = [int(weighted[d].max()) for d in members]
            points = max(tops, default=0) if area.scoring == "max" else sum(tops)
            highest += points if area.cap is None else min(points, area.cap)
            continue
        grid = np.indices((radix,) * len(members)).reshape(len(members), -1)
        # A level beyond a domain's row scores as its last (levels are 0 to MAX_NEED_LEVEL and
        # every row has MAX_NEED_LEVEL + 1 entries, so this never happens in a valid set).
        parts = [
            weighted[d][np.minimum(grid[i], len(weighted[d]) - 1)] for i, d in enumerate(members)
        ]
        points = np.maximum.reduce(parts) if area.scoring == "max" else np.add.reduce(parts)
        if area.cap is not None:
            points = np.minimum(points, area.cap)
        area_tables.append(read_only(np.ascontiguousarray(points, dtype=np.int64)))
        highest += int(points.max())

    minimums = read_only(np.array([band.min_points for band in ruleset.bands], dtype=np.int64))
    numbers = read_only(np.array([0] + [band.number for band in ruleset.bands], dtype=np.int64))
    variants = ruleset.funding.hours or (None,)
    above_row = len(ruleset.bands) + 1
    top_up = np.zeros((above_row + 1, len(SETTING_TYPE_CODES), len(variants)), np.int64)
    for position, band in enumerate(ruleset.bands, start=1):
        for t, code in enumerate(SETTING_TYPE_CODES):
            for v, hours in enumerate(variants):
                top_up[position, t, v] = ruleset.annual_top_up(band, code, hours)
    top_up[above_row] = NO_VALUE

    position_by_total = number_by_total = above_by_total = money_row_by_total = None
    if highest < _TOTAL_TABLE_LIMIT:
        totals = np.arange(highest + 1, dtype=np.int64)
        position = np.searchsorted(minimums, totals, side="right")
        top = ruleset.top_band.max_points
        above = totals > top if top is not None else np.zeros(len(totals), dtype=bool)
        position = np.where(above, 0, position)
        position_by_total = read_only(position.astype(np.int64))
        number_by_total = read_only(numbers[position])
        above_by_total = read_only(above)
        money_row_by_total = read_only(np.where(above, above_row, position).astype(np.intp))
    return _Prepared(
        weighted=weighted,
        radix=radix,
        area_tables=tuple(area_tables),
        minimums=minimums,
        numbers=numbers,
        position_by_total=position_by_total,
        number_by_total=number_by_total,
        above_by_total=above_by_total,
        money_row_by_total=money_row_by_total,
        above_row=above_row,
        top_up=read_only(top_up),
    )


# Prepared per rule set (keyed by identity, checked against the object itself).
_PREPARED: dict[int, tuple[RuleSet, _Prepared]] = {}


def _held_funding(
    held_band: np.ndarray, scheme: RuleSet, reference_type: np.ndarray, attendance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pence a year of the held band and of the band an increased-funding request asks for
    (the next one up; the first funded one with no held band), under the held band's scheme;
    -1 where not known (a band number the scheme does not have; above its top band)."""
    numbers = [band.number for band in scheme.bands]
    lookup = np.full(max(numbers) + 2, NO_VALUE, dtype=np.int64)
    lookup[numbers] = np.arange(1, len(numbers) + 1)
    in_range = (held_band >= 0) & (held_band < len(lookup))
    position = np.where(in_range, lookup[np.where(in_range, held_band, 0)], NO_VALUE)
    table = annual_top_up_table(scheme)
    variant = hours_variants_in(attendance, scheme)
    known = position > 0
    held = np.where(known, table[np.maximum(position, 0), reference_type, variant], NO_VALUE)
    first_funded = next(
        (p for p, band in enumerate(scheme.bands, start=1) if band.funded), len(numbers)
    )
    next_position = np.where(known, position + 1, first_funded)
    beyond = next_position > len(numbers)
    requested = np.where(
        beyond,
        NO_VALUE,
        table[np.minimum(next_position, len(numbers)), reference_type, variant],
    )
    return held, requested


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
    recommended_funding: np.ndarray,
    claimed_funding: np.ndarray,
) -> np.ndarray:
    # Mirrors classification.classify; NO_VALUE (-1) stands for "no request" and for funding
    # that is not known.
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
            (recommended == held)
            & (held == target)
            & (claimed_funding >= 0)
            & (recommended_funding >= 0)
            & (claimed_funding > recommended_funding),
            "could_be_reduced",
        ),
        (delayed, "could_be_delayed"),
    ]
    return np.select(
        [condition for condition, _ in outcomes],
        [CLASSIFICATION_INDEX[code] for _, code in outcomes],
        default=CLASSIFICATION_INDEX["appropriately_placed"],
    ).astype(np.int8)
