"""The one encoder and decoder of the profile vectors kept on completed assessments."""

from types import SimpleNamespace

import numpy as np
import pytest

from assessments.rules import Caseload
from assessments.vectors import decode, encode, encode_rows, profile_vectors

CODES = ("hearing", "vision", "preparing_for_adulthood")


def rating(domain, level, ability=None, family=None):
    return SimpleNamespace(
        domain=domain, level=level, setting_ability=ability, family_capacity=family
    )


def test_ratings_become_one_character_per_domain_in_framework_order():
    ratings = [rating("vision", 0), rating("hearing", 3, 1, 2)]  # any order, one not rated
    assert profile_vectors(CODES, ratings) == ("30-", "1--", "2--")
    assert encode(CODES, {"vision": 4, "hearing": None}) == "-4-"
    with pytest.raises(ValueError, match="hearing: a rating must be a digit"):
        encode(CODES, {"hearing": 10})


def test_many_at_once_match_one_at_a_time_and_decode_back():
    levels = np.array([[3, 0, 2], [1, 4, 0]])
    ability = np.array([[1, -1, 2], [0, 3, -1]])  # negative: not asked
    young = np.array([[False, False, True], [False, False, False]])
    assert encode_rows(levels, not_rated=young) == ["30-", "140"]
    assert encode_rows(ability) == ["1-2", "03-"]
    for vector, row, mask in zip(encode_rows(levels, not_rated=young), levels, young, strict=True):
        expected = {c: int(v) for c, v, m in zip(CODES, row, mask, strict=True) if not m}
        assert decode(CODES, vector) == expected
        assert encode(CODES, expected) == vector
    assert encode_rows(np.zeros((2, 0), int)) == ["", ""]
    with pytest.raises(ValueError, match="digit"):
        encode_rows([[12]])
    with pytest.raises(ValueError, match="3 characters for 2 domains"):
        decode(CODES[:2], "123")


def test_the_rules_batch_path_reads_them_as_encoded():
    needs, abilities, families = profile_vectors(
        CODES, [rating("hearing", 3, 1, 2), rating("vision", 0)]
    )
    caseload = Caseload.from_vectors(
        CODES,
        [needs],
        ages=[9],
        sen_statuses=["K"],
        ability_vectors=[abilities],
        family_vectors=[families],
    )
    assert caseload.levels[:, 0].tolist() == [3, 0, 0]
    assert caseload.setting_ability[0, 0] == 1 and caseload.family_capacity[0, 0] == 2
