import pytest

from assessments.validators import need_code_problems, normalise_upn, upn_check_letter, upn_problem


def test_published_example_upn_is_valid():
    # The DfE guidance example: B801200005001 (LA 801, establishment 2000, year 05, serial 001)
    assert upn_check_letter("801200005001") == "B"
    assert upn_problem("B801200005001") is None


def test_check_letter_by_hand():
    # 8×2 + 0×3 + 1×4 + 2×5 + 0×6 + 0×7 + 0×8 + 0×9 + 5×10 + 0×11 + 0×12 + 1×13 = 93; 93 mod 23 = 1 → "B"
    assert upn_check_letter("801200005001") == "B"
    # 8×2 + 8×3 + 6×4 + 2×5 + 1×6 + 0×7 + 3×8 + 1×9 + 2×10 + 0×11 + 4×12 + 2×13 = 207; 207 mod 23 = 0 → "A"
    assert upn_check_letter("886210312042") == "A"


def test_temporary_upn_ends_in_a_letter_valued_by_its_place():
    body = "88621031204" + "C"  # C is 2 in the alphabet: 207 - 2×13 + 2×13 = 207 → "A"
    assert upn_check_letter(body) == "A"
    assert upn_problem("A" + body) is None


@pytest.mark.parametrize(
    ("upn", "message"),
    [
        ("B80120000500", "13 characters long; this one has 12"),
        ("A801200005001", "check letter does not match"),
        ("I801200005001", "not I, O or S"),
        ("B80120000500S", "not I, O or S"),
        ("B8012000X5001", "a letter, then 11 numbers"),
    ],
)
def test_bad_upns_say_why(upn, message):
    assert message in upn_problem(upn)


def test_upn_is_normalised_before_checking():
    assert normalise_upn(" b801 2000 05001 ") == "B801200005001"


@pytest.mark.parametrize(
    ("status", "primary", "secondary", "expected"),
    [
        ("K", "NSA", "", {}),
        (
            "E",
            "NSA",
            "",
            {
                "primary_need": "NSA (no specialist assessment) can only be used for SEN support, not with an EHC plan"
            },
        ),
        ("E", "", "", {"primary_need": "Select the primary type of need"}),
        (
            "K",
            "ASD",
            "ASD",
            {"secondary_need": "The secondary type of need must be different from the primary"},
        ),
        ("K", "ASD", "NSA", {"secondary_need": "NSA can only be a primary type of need"}),
        (
            "N",
            "ASD",
            "",
            {
                "primary_need": "A child with no SEN has no primary type of need: remove it or change the SEN status"
            },
        ),
        ("N", "", "", {}),
        ("E", "ASD", "SLCN", {}),
    ],
)
def test_need_codes_must_fit_the_sen_status(status, primary, secondary, expected):
    assert need_code_problems(status, primary, secondary) == expected
