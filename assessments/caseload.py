"""The caseload as the rules engine reads it in bulk: every child's current needs profile, as
the compact vectors stored when it was completed. Replays read it; indicators will too.

On PostgreSQL the whole caseload is one SQL query: per needs-framework version, the vectors
of every profile come back as one string each (``string_agg``) and the other columns as
arrays, so they go straight into numpy without a Python object per child. Elsewhere (SQLite,
the embedded default) the same columns are read row by row through the ORM. Both give the
same Caseload (a test holds them together)."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone

from valuing_send.core.dates import age_on

from .models import Assessment, AssessmentStatus, Child, NeedsFramework
from .rules import Caseload
from .rules.batch import NO_VALUE, decode_block
from .rules.codes import (
    MAX_CAPACITY,
    MAX_NEED_LEVEL,
    REQUEST_CODES,
    SEN_STATUS_CODES,
    SETTING_TYPE_CODES,
)
from .rules.register import read_only


@dataclass(frozen=True, slots=True)
class Refs(Sequence):
    """(assessment id, child id) per row of a Caseload, held as two arrays: indexing gives a
    pair, slicing gives Refs, and replays read the arrays directly."""

    assessment_ids: np.ndarray
    child_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.assessment_ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Refs(self.assessment_ids[index], self.child_ids[index])
        return int(self.assessment_ids[index]), int(self.child_ids[index])

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.assessment_ids.tolist(), self.child_ids.tolist(), strict=True)


def caseload_for(authority, *, on=None) -> list[tuple[tuple[str, ...], Caseload, Refs]]:
    """The current caseload, one Caseload per framework version in use, with (assessment id,
    child id) per row, in assessment id order."""
    today = on or timezone.localdate()
    if connection.vendor == "postgresql":
        return _caseload_in_one_query(authority, today)
    return caseload_row_by_row(authority, on=today)


def caseload_row_by_row(authority, *, on=None) -> list[tuple[tuple[str, ...], Caseload, Refs]]:
    """The caseload read through the ORM, one row per profile: any database."""
    today = on or timezone.localdate()
    rows = (
        Assessment.objects.filter(authority=authority, status=AssessmentStatus.COMPLETE)
        .order_by("pk")
        .values_list(
            "pk",
            "child_id",
            "framework_id",
            "need_vector",
            "ability_vector",
            "family_vector",
            "request",
            "setting_id",
            "setting__setting_type",
            "child__date_of_birth",
            "child__sen_status",
            "child__held_band",
        )
    )
    previous = dict(
        Assessment.objects.filter(authority=authority, status=AssessmentStatus.SUPERSEDED)
        .order_by("child_id", "completed_at")
        .values_list("child_id", "need_vector")
    )
    by_framework = defaultdict(list)
    for row in rows:
        by_framework[row[2]].append(row)
    caseloads = []
    for framework_id, group in by_framework.items():
        codes = NeedsFramework.objects.get(pk=framework_id).definition.domain_codes
        width = len(codes)
        refs = Refs(
            np.array([row[0] for row in group], dtype=np.int64),
            np.array([row[1] for row in group], dtype=np.int64),
        )
        caseload = Caseload.from_vectors(
            codes,
            [row[3] for row in group],
            ages=[age_on(row[9], today) for row in group],
            sen_statuses=[row[10] for row in group],
            ability_vectors=[row[4] or None for row in group],
            family_vectors=[row[5] or None for row in group],
            previous_need_vectors=[
                vector if (vector := previous.get(row[1])) and len(vector) == width else None
                for row in group
            ],
            current_setting_ids=[row[7] for row in group],
            current_setting_types=[row[8] for row in group],
            held_bands=[row[11] for row in group],
            requests=[row[6] for row in group],
            refs=refs,
        )
        caseloads.append((codes, caseload, refs))
    return caseloads


def _code_case(column: str, codes: Sequence[str]) -> str:
    """SQL giving each code's position as one character ('0' + position), '~' for none."""
    whens = " ".join(f"WHEN '{code}' THEN '{chr(48 + i)}'" for i, code in enumerate(codes))
    return f"COALESCE(CASE {column} {whens} END, '~')"


def _sql() -> str:
    assessment = Assessment._meta.db_table
    child = Child._meta.db_table
    setting = Assessment._meta.get_field("setting").related_model._meta.db_table
    blank = "repeat('-', length(a.need_vector))"
    return f"""
WITH previous AS (
  SELECT DISTINCT ON (child_id) child_id, need_vector
  FROM {assessment}
  WHERE authority_id = %(authority)s AND status = %(superseded)s
  ORDER BY child_id, completed_at DESC, id DESC
)
SELECT
  a.framework_id,
  count(*),
  string_agg(a.need_vector, '' ORDER BY a.id),
  string_agg(COALESCE(NULLIF(a.ability_vector, ''), {blank}), '' ORDER BY a.id),
  string_agg(COALESCE(NULLIF(a.family_vector, ''), {blank}), '' ORDER BY a.id),
  string_agg(
    CASE WHEN length(p.need_vector) = length(a.need_vector) THEN p.need_vector ELSE {blank} END,
    '' ORDER BY a.id),
  string_agg(CASE WHEN length(p.need_vector) = length(a.need_vector) THEN '1' ELSE '0' END,
    '' ORDER BY a.id),
  string_agg({_code_case("c.sen_status", SEN_STATUS_CODES)}, '' ORDER BY a.id),
  string_agg({_code_case("s.setting_type", SETTING_TYPE_CODES)}, '' ORDER BY a.id),
  string_agg({_code_case("a.request", REQUEST_CODES)}, '' ORDER BY a.id),
  array_agg(a.id ORDER BY a.id),
  array_agg(a.child_id ORDER BY a.id),
  array_agg(COALESCE(a.setting_id, -1) ORDER BY a.id),
  array_agg(COALESCE(c.held_band, -1) ORDER BY a.id),
  array_agg(
    (extract(year FROM c.date_of_birth) * 10000 + extract(month FROM c.date_of_birth) * 100
     + extract(day FROM c.date_of_birth))::integer ORDER BY a.id)
FROM {assessment} a
JOIN {child} c ON c.id = a.child_id
LEFT JOIN {setting} s ON s.id = a.setting_id
LEFT JOIN previous p ON p.child_id = a.child_id
WHERE a.authority_id = %(authority)s AND a.status = %(complete)s
GROUP BY a.framework_id
ORDER BY min(a.id)
"""


def _codes_from(text: str, count: int) -> np.ndarray:
    """Positions from one character per row ('0' + position; '~' for none → -1)."""
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.int16) - 48
    raw[raw == ord("~") - 48] = NO_VALUE
    if len(raw) != count:
        raise ValueError("the caseload's code columns do not line up")
    return read_only(raw.astype(np.int8))


def _caseload_in_one_query(authority, today) -> list[tuple[tuple[str, ...], Caseload, Refs]]:
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(),
            {
                "authority": authority.pk,
                "complete": AssessmentStatus.COMPLETE,
                "superseded": AssessmentStatus.SUPERSEDED,
            },
        )
        groups = cursor.fetchall()
    codes_by_framework = {
        framework.pk: framework.definition.domain_codes
        for framework in NeedsFramework.objects.filter(pk__in=[group[0] for group in groups])
    }
    caseloads = []
    for (
        framework_id,
        count,
        needs,
        ability,
        family,
        previous,
        has_previous,
        statuses,
        setting_types,
        requests,
        assessment_ids,
        child_ids,
        setting_ids,
        held_bands,
        born,
    ) in groups:
        codes = codes_by_framework[framework_id]
        width = len(codes)

        def block(text, maximum, missing, what, count=count, width=width):
            return read_only(
                decode_block(text.encode("ascii"), count, width, maximum, missing, what)
            )

        born = np.array(born, dtype=np.int64)
        day = today.year * 10000 + today.month * 100 + today.day
        # Whole years, as core.dates.age_on counts them: a birthday not yet reached this year
        # takes one off.
        ages = (day // 10000 - born // 10000) - ((day % 10000) < (born % 10000))
        settings = np.array(setting_ids, dtype=np.int64)
        known, position = np.unique(settings, return_inverse=True)
        keys = np.where(settings >= 0, position - int((known < 0).any()), NO_VALUE)
        refs = Refs(
            read_only(np.array(assessment_ids, dtype=np.int64)),
            read_only(np.array(child_ids, dtype=np.int64)),
        )
        caseload = Caseload(
            domain_codes=tuple(codes),
            levels=block(needs, MAX_NEED_LEVEL, 0, "need"),
            family_capacity=block(family, MAX_CAPACITY, MAX_CAPACITY, "family capacity"),
            setting_ability=block(ability, MAX_CAPACITY, MAX_CAPACITY, "setting ability"),
            previous_levels=block(previous, MAX_NEED_LEVEL, 0, "previous need"),
            has_previous=read_only(np.frombuffer(has_previous.encode("ascii"), np.uint8) == 49),
            ages=read_only(ages),
            sen_status=_codes_from(statuses, count),
            current_setting_type=_codes_from(setting_types, count),
            current_setting=read_only(keys.astype(np.int32)),
            setting_ids=tuple(int(setting) for setting in known if setting >= 0),
            held_band=read_only(np.array(held_bands, dtype=np.int64)),
            request=_codes_from(requests, count),
            refs=refs,
            attendance_hours=read_only(np.full(count, np.nan)),
        )
        caseloads.append((tuple(codes), caseload, refs))
    return caseloads
