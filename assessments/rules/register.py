"""The local settings register, prepared once per rule set for fast matching.

Settings are held in ranked order (least restrictive type, then readiness, then name), so a set
of settings is a bitmask over that order and its lowest bits are the best matches. Per age and
per (domain, level) the register keeps the bitmask of settings that qualify; matching a child is
then a handful of integer ANDs. The batch path uses the same idea in numpy: per age, the
mainstream settings serving it are numbered compactly and packed into 64-bit words, so a whole
caseload is matched with one gather and AND per domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from assessments.rules.codes import MAX_AGE, MAX_NEED_LEVEL, PHASE_AGE_RANGES, SETTING_TYPE_CODES
from assessments.rules.profile import SettingId, SettingRecord
from assessments.rules.readiness import setting_readiness
from assessments.rules.ruleset import MatchingPolicy, RuleSet

# Ages 0..MAX_AGE, then one slot for any older age, which no phase serves.
AGE_SLOTS = MAX_AGE + 2
LEVEL_COUNT = MAX_NEED_LEVEL + 1


def age_slot(age: int) -> int:
    return min(age, MAX_AGE + 1)


def effective_capability(capability: int, is_mainstream: bool, policy: MatchingPolicy) -> int:
    """What a setting can meet once top-up funding is added, if it is of a mainstream type."""
    if not is_mainstream:
        return capability
    return max(capability, min(capability + policy.top_up_uplift, policy.top_up_ceiling))


def lowest_bits(mask: int, limit: int) -> list[int]:
    """Positions of the lowest set bits of `mask`, at most `limit` of them, lowest first."""
    positions = []
    while mask and len(positions) < limit:
        lowest = mask & -mask
        positions.append(lowest.bit_length() - 1)
        mask ^= lowest
    return positions


def read_only(array: np.ndarray) -> np.ndarray:
    """Shared, prepared arrays must not change under the evaluations that reuse them."""
    array.flags.writeable = False
    return array


def _bitmask(flags: Iterable[bool]) -> int:
    return sum(1 << index for index, flag in enumerate(flags) if flag)


def _local_mainstream_tables(
    serving_age: tuple[int, ...], is_mainstream: tuple[bool, ...], effective: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per age slot, the mainstream settings serving it, numbered compactly, strongest first.

    Numbering the most capable settings first means the first 64-bit word alone settles most
    children, so the batch path rarely needs the rest. Returns the bits table (word, domain,
    age slot × level count + level): which of those settings meet the level in the domain,
    packed little-endian into uint64 words, laid out so one flat `take` per domain and word
    answers a whole caseload; and the position table (age slot, setting): each setting's
    compact number, -1 where it is not among them. The position table has one extra trailing
    column of -1 so "no setting" (-1) can index it.
    """
    setting_count, domain_count = effective.shape
    strength = effective.sum(axis=1).tolist()
    members_by_slot = [
        sorted(
            (s for s in range(setting_count) if mask >> s & 1 and is_mainstream[s]),
            key=lambda s: -strength[s],
        )
        for mask in serving_age
    ]
    words = max(1, -(-max(map(len, members_by_slot)) // 64))
    flags = np.zeros((AGE_SLOTS, domain_count, LEVEL_COUNT, words * 64), dtype=bool)
    positions = np.full((AGE_SLOTS, setting_count + 1), -1, dtype=np.int64)
    levels = np.arange(LEVEL_COUNT)
    for slot, members in enumerate(members_by_slot):
        positions[slot, members] = np.arange(len(members))
        meets = effective[members][:, :, None] >= levels
        flags[slot, :, :, : len(members)] = meets.transpose(1, 2, 0)
    bits = np.packbits(flags, axis=-1, bitorder="little").view("<u8")
    by_word = bits.transpose(3, 1, 0, 2).reshape(words, domain_count, AGE_SLOTS * LEVEL_COUNT)
    return np.ascontiguousarray(by_word), positions


@dataclass(frozen=True, slots=True)
class SettingsRegister:
    """The settings register prepared for one rule set: build once, evaluate many children."""

    ruleset_key: tuple[str, str]
    settings: tuple[SettingRecord, ...]
    readiness: tuple[int, ...]
    # Capability per rule-set domain: ordinary, and with top-up for mainstream types.
    ordinary: tuple[tuple[int, ...], ...]
    effective: tuple[tuple[int, ...], ...]
    is_mainstream: tuple[bool, ...]
    index_by_id: Mapping[SettingId, int]
    serving_age: tuple[int, ...]
    meeting_level: tuple[tuple[int, ...], ...]
    mainstream_mask: int
    # Effective capability with one row per domain and one column per setting.
    effective_by_domain: np.ndarray
    setting_type_index: np.ndarray
    mainstream_flags: np.ndarray
    local_bits: np.ndarray
    local_position: np.ndarray

    @classmethod
    def build(cls, settings: Iterable[SettingRecord], ruleset: RuleSet) -> SettingsRegister:
        policy = ruleset.matching
        domain_codes = [domain.code for domain in ruleset.domains]
        records = list(settings)
        readiness_by_record = [
            setting_readiness(record.capabilities, domain_codes) for record in records
        ]
        order = sorted(
            range(len(records)),
            key=lambda i: (
                policy.ranking.index(records[i].setting_type),
                -readiness_by_record[i],
                records[i].name,
                str(records[i].id),
            ),
        )
        ranked = tuple(records[i] for i in order)
        index_by_id: dict[SettingId, int] = {}
        for index, record in enumerate(ranked):
            if record.id in index_by_id:
                raise ValueError(f"setting id {record.id!r} appears more than once in the register")
            index_by_id[record.id] = index

        is_mainstream = tuple(record.setting_type in policy.mainstream_types for record in ranked)
        ordinary = tuple(
            tuple(record.capabilities.get(code, 0) for code in domain_codes) for record in ranked
        )
        effective = tuple(
            tuple(effective_capability(level, mainstream, policy) for level in row)
            for row, mainstream in zip(ordinary, is_mainstream, strict=True)
        )
        serving_age = tuple(
            _bitmask(_serves(record.phase, slot) for record in ranked) for slot in range(AGE_SLOTS)
        )
        meeting_level = tuple(
            tuple(
                _bitmask(row[domain] >= level for row in effective) for level in range(LEVEL_COUNT)
            )
            for domain in range(len(domain_codes))
        )

        effective_matrix = np.array(effective, dtype=np.int8).reshape(
            len(ranked), len(domain_codes)
        )
        local_bits, local_position = _local_mainstream_tables(
            serving_age, is_mainstream, effective_matrix
        )

        return cls(
            ruleset_key=ruleset.key,
            settings=ranked,
            readiness=tuple(readiness_by_record[i] for i in order),
            ordinary=ordinary,
            effective=effective,
            is_mainstream=is_mainstream,
            index_by_id=index_by_id,
            serving_age=serving_age,
            meeting_level=meeting_level,
            mainstream_mask=_bitmask(is_mainstream),
            effective_by_domain=read_only(np.ascontiguousarray(effective_matrix.T)),
            setting_type_index=read_only(
                np.array(
                    [SETTING_TYPE_CODES.index(record.setting_type) for record in ranked],
                    dtype=np.int8,
                )
            ),
            mainstream_flags=read_only(np.array(is_mainstream, dtype=bool)),
            local_bits=read_only(local_bits),
            local_position=read_only(local_position),
        )

    def check_built_for(self, ruleset: RuleSet) -> None:
        if self.ruleset_key != ruleset.key:
            raise ValueError(
                f"the settings register was built for rule set {self.ruleset_key}, "
                f"not {ruleset.key}: build one per rule set"
            )

    def meeting(self, age: int, levels: tuple[int, ...]) -> int:
        """Bitmask of settings serving `age` that meet every level, with top-up where allowed."""
        mask = self.serving_age[age_slot(age)]
        for domain, level in enumerate(levels):
            if level:
                mask &= self.meeting_level[domain][level]
        return mask


def _serves(phase: str, age: int) -> bool:
    youngest, oldest = PHASE_AGE_RANGES[phase]
    return youngest <= age <= oldest
