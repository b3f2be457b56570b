"""The caseload as the rules engine reads it in bulk: every child's current needs profile, as
the compact vectors stored when it was completed. Replays read it; indicators will too.

On PostgreSQL the whole caseload is one SQL query: per needs-framework version, the vectors
and codes of every profile come back as a few strings (``string_agg``) and the numbers as
integer arrays, so they go straight into numpy without a Python object per child. Elsewhere (SQLite,
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
from .rules.batch import NO_VALUE, decode_rows
from .rules.codes import (
    MAX_CAPACITY,
    MAX_NEED_LEVEL,
    REQUEST_CODES,
    SEN_STATUS_CODES,
    SETTING_TYPE_CODES,
)
from .rules.register import read_only

Setting = Assessment._meta.get_field("setting").related_model


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


# Characters per row after the four vectors: has a previous profile, SEN status and request
# (see _sql).
_CODE_CHARACTERS = 3
# String aggregates per framework version: the four vectors, then the codes.
_STRINGS = 5
# Dates of birth come as days since this day (a date minus a date is an integer in SQL).
_EPOCH = np.datetime64("2000-01-01", "D")


def _sql() -> str:
    """One query, one row per needs-framework version. Each of the four vectors is one string
    aggregate over the caseload and the three one-character codes a fifth (concatenating each
    row's characters first cost more: about 25 ms of 230 at Kent); the numbers are integer
    arrays, as text that numpy parses. No aggregate has its
    own ORDER BY: PostgreSQL would sort its input once per aggregate (fifteen sorts of the
    caseload, spilling to disk), so the rows come in the order the aggregate reads them, the
    same for every aggregate of a row, and are put in assessment id order in numpy. Setting
    types are looked up once per setting afterwards, not joined once per child."""
    assessment = Assessment._meta.db_table
    child = Child._meta.db_table
    blank = "repeat('-', length(a.need_vector))"
    same_width = "length(p.need_vector) = length(a.need_vector)"
    parts = (
        "a.need_vector",
        f"COALESCE(NULLIF(a.ability_vector, ''), {blank})",
        f"COALESCE(NULLIF(a.family_vector, ''), {blank})",
        f"CASE WHEN {same_width} THEN p.need_vector ELSE {blank} END",
        " || ".join(
            (
                f"CASE WHEN {same_width} THEN '1' ELSE '0' END",
                _code_case("c.sen_status", SEN_STATUS_CODES),
                _code_case("a.request", REQUEST_CODES),
            )
        ),
    )
    characters = ",\n  ".join(f"string_agg({part}, '')" for part in parts)
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
  {characters},
  array_agg(a.id)::text,
  array_agg(a.child_id)::text,
  array_agg(COALESCE(a.setting_id, -1))::text,
  array_agg(COALESCE(c.held_band, -1))::text,
  array_agg(c.date_of_birth - DATE '{_EPOCH}')::text
FROM {assessment} a
JOIN {child} c ON c.id = a.child_id
LEFT JOIN previous p ON p.child_id = a.child_id
WHERE a.authority_id = %(authority)s AND a.status = %(complete)s
GROUP BY a.framework_id
"""


def _codes_from(column: np.ndarray) -> np.ndarray:
    """Positions from one character per row ('0' + position; '~' for none → -1)."""
    raw = column.astype(np.int8) - 48
    raw[column == ord("~")] = NO_VALUE
    return read_only(raw)


def _integers(text: str, count: int) -> np.ndarray:
    """An integer array as PostgreSQL writes it ('{1,2,-1}'), parsed by numpy: a list of
    Python ints per column would cost more than the query's own parsing."""
    values = np.fromstring(text[1:-1], dtype=np.int64, sep=",")
    if len(values) != count:
        raise ValueError("the caseload's columns do not line up")
    return values


def _birthdays(days: np.ndarray) -> np.ndarray:
    """Dates of birth (days since _EPOCH) as YYYYMMDD integers."""
    born = _EPOCH + days.astype("timedelta64[D]")
    months = born.astype("datetime64[M]")
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (born - months.astype("datetime64[D]")).astype(np.int64) + 1
    return years * 10000 + month * 100 + day


def _setting_types(setting_ids: np.ndarray) -> dict[int, int]:
    """The type (its position in SETTING_TYPE_CODES) of each setting, by id: one query with the
    ids as one array parameter (``pk__in`` would write a placeholder per setting, about 900 at
    Kent, which psycopg parses and fills one by one: a tenth of the replay)."""
    type_index = {code: index for index, code in enumerate(SETTING_TYPE_CODES)}
    table = connection.ops.quote_name(Setting._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, setting_type FROM {table} WHERE id = ANY(%s::bigint[])",
            [int_array(setting_ids[setting_ids >= 0])],
        )
        return {pk: type_index.get(setting_type, NO_VALUE) for pk, setting_type in cursor}


def int_array(values: np.ndarray) -> str:
    """Integers as the text of a PostgreSQL array ('{1,2,3}'), one parameter however many."""
    return "{" + ",".join(map(str, values.tolist())) + "}"


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
    parsed = [
        (
            row[0],
            row[1],
            row[2 : 2 + _STRINGS],
            [_integers(column, row[1]) for column in row[2 + _STRINGS :]],
        )
        for row in groups
    ]
    types_by_setting = _setting_types(
        np.unique(np.concatenate([numbers[2] for *_, numbers in parsed] or [[]]).astype(np.int64))
    )
    caseloads = []
    for framework_id, count, texts, numbers in parsed:
        codes = codes_by_framework[framework_id]
        width = len(codes)
        assessment_ids, child_ids, setting_ids, held_bands, born = numbers
        # Assessment id order, for every column alike.
        order = np.argsort(assessment_ids, kind="stable")
        pieces = []
        for text, part_width in zip(texts, (width,) * 4 + (_CODE_CHARACTERS,), strict=True):
            piece = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
            if len(piece) != count * part_width:
                raise ValueError(
                    f"the caseload's vectors must have {width} characters each, one per domain"
                )
            pieces.append(piece.reshape(count, part_width))
        rows = np.hstack(pieces)[order]

        def block(part, maximum, missing, what, rows=rows, width=width):
            return read_only(
                decode_rows(rows[:, part * width : (part + 1) * width], maximum, missing, what)
            )

        code_columns = rows[:, 4 * width :]
        born = _birthdays(born[order])
        day = today.year * 10000 + today.month * 100 + today.day
        # Whole years, as core.dates.age_on counts them: a birthday not yet reached this year
        # takes one off.
        ages = (day // 10000 - born // 10000) - ((day % 10000) < (born % 10000))
        settings = setting_ids[order]
        known, position = np.unique(settings, return_inverse=True)
        keys = np.where(settings >= 0, position - int((known < 0).any()), NO_VALUE)
        current_ids = tuple(int(setting) for setting in known if setting >= 0)
        # Each current setting's type, looked up once per setting (a join would be once per
        # child); the last entry is for no current setting (key -1).
        type_by_key = np.array(
            [types_by_setting.get(setting, NO_VALUE) for setting in current_ids] + [NO_VALUE],
            dtype=np.int8,
        )
        refs = Refs(read_only(assessment_ids[order]), read_only(child_ids[order]))
        caseload = Caseload(
            domain_codes=tuple(codes),
            levels=block(0, MAX_NEED_LEVEL, 0, "need"),
            setting_ability=block(1, MAX_CAPACITY, MAX_CAPACITY, "setting ability"),
            family_capacity=block(2, MAX_CAPACITY, MAX_CAPACITY, "family capacity"),
            previous_levels=block(3, MAX_NEED_LEVEL, 0, "previous need"),
            has_previous=read_only(code_columns[:, 0] == ord("1")),
            ages=read_only(ages),
            sen_status=_codes_from(code_columns[:, 1]),
            current_setting_type=read_only(type_by_key[keys]),
            current_setting=read_only(keys.astype(np.int32)),
            setting_ids=current_ids,
            held_band=read_only(held_bands[order]),
            request=_codes_from(code_columns[:, 2]),
            refs=refs,
            attendance_hours=read_only(np.full(count, np.nan)),
        )
        caseloads.append((tuple(codes), caseload, refs))
    # Framework versions in the order of their first assessment, as the row-by-row reader has.
    caseloads.sort(key=lambda item: int(item[2].assessment_ids[0]) if len(item[2]) else 0)
    return caseloads
