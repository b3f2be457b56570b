"""The compact profile vectors kept on every completed assessment.

``need_vector``, ``ability_vector`` and ``family_vector`` hold one character per domain of the
assessment's framework version, in framework order: the digit of the rating, or ``-`` where
there is none (a domain that does not apply at the child's age, or a setting ability or family
capacity not asked because there is no need). The caseload reader hands them to the rules
module's batch path as they are (``rules.Caseload.from_vectors``), so a whole caseload is read
without loading its ratings.

One encoder for every writer (completing an assessment, the demo data generator, the
benchmarks) and one decoder, so that they can never disagree. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

NOT_RATED = "-"
_NOT_RATED_BYTE = ord(NOT_RATED)
_ZERO = ord("0")


def encode(codes: Sequence[str], values: Mapping[str, int | None]) -> str:
    """One vector: ``values`` maps domain codes to a rating (None or absent: not rated)."""
    chars = []
    for code in codes:
        value = values.get(code)
        if value is None:
            chars.append(NOT_RATED)
        elif 0 <= value <= 9:
            chars.append(str(value))
        else:
            raise ValueError(f"{code}: a rating must be a digit, not {value!r}")
    return "".join(chars)


def profile_vectors(codes: Sequence[str], ratings: Iterable) -> tuple[str, str, str]:
    """The need, setting ability and family capacity vectors of an assessment's ratings
    (``DomainRating`` rows, or anything with ``domain``, ``level``, ``setting_ability`` and
    ``family_capacity`` attributes)."""
    ratings = list(ratings)
    return tuple(
        encode(codes, {r.domain: getattr(r, attribute) for r in ratings})
        for attribute in ("level", "setting_ability", "family_capacity")
    )


def encode_rows(values, not_rated=None) -> list[str]:
    """Many vectors at once from a children × domains array of ratings: negative values, and
    ``True`` cells of the optional ``not_rated`` mask, are not rated."""
    values = np.asarray(values, dtype=np.int64)
    if values.ndim != 2:
        raise ValueError("encode_rows takes a two-dimensional array (children × domains)")
    blank = values < 0
    if not_rated is not None:
        blank |= np.asarray(not_rated, dtype=bool)
    if (values[~blank] > 9).any():
        raise ValueError("a rating must be a digit")
    count, width = values.shape
    if width == 0:
        return [""] * count
    text = np.where(blank, _NOT_RATED_BYTE, values + _ZERO).astype(np.uint8).tobytes().decode()
    return [text[start : start + width] for start in range(0, len(text), width)]


def decode(codes: Sequence[str], vector: str) -> dict[str, int]:
    """The ratings in a vector, by domain code (domains not rated are left out)."""
    if len(vector) != len(codes):
        raise ValueError(f"a vector of {len(vector)} characters for {len(codes)} domains")
    return {code: int(char) for code, char in zip(codes, vector, strict=True) if char != NOT_RATED}
