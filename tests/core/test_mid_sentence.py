"""Labels inside sentences keep their abbreviations and proper nouns (mid_sentence filter)."""

import pytest

from valuing_send.core.templatetags.govuk import mid_sentence


@pytest.mark.parametrize(
    "label, expected",
    [
        ("Request for an EHC needs assessment", "request for an EHC needs assessment"),
        (
            "EHC needs assessment and decision whether to issue a plan",
            "EHC needs assessment and decision whether to issue a plan",
        ),
        (
            "Special educational needs are met without an EHC plan",
            "special educational needs are met without an EHC plan",
        ),
        (
            "Child or young person has moved outside England",
            "child or young person has moved outside England",
        ),
        ("SEN support", "SEN support"),
        ("Panel member", "panel member"),
        ("A", "a"),
        ("", ""),
    ],
)
def test_mid_sentence_lowers_only_the_first_letter_of_an_ordinary_word(label, expected):
    assert mid_sentence(label) == expected
