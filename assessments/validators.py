"""Validation of identifiers and codes in children's records, as DfE defines them."""

import re

# The UPN check-letter alphabet leaves out I, O and S (DfE, "Unique pupil numbers").
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_FORMAT = re.compile(r"^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$")


def normalise_upn(value: str) -> str:
    return "".join(value.split()).upper()


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it: each weighted by its position (2–13),
    the sum taken modulo 23. A temporary UPN ends in a letter, valued by its place in the
    check-letter alphabet."""
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else CHECK_LETTERS.index(char))
    return CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Why a UPN is not valid, in words for the person typing it, or None if it is valid."""
    if len(upn) != 13:
        return f"A UPN is 13 characters long; this one has {len(upn)}"
    if not UPN_FORMAT.match(upn):
        return "A UPN is a letter, then 11 numbers, then a number or a letter (not I, O or S)"
    if upn_check_letter(upn[1:]) != upn[0]:
        return "The UPN check letter does not match the rest of the number: check each character"
    return None


def need_code_problems(sen_status: str, primary: str, secondary: str) -> dict[str, str]:
    """Need codes that do not fit the SEN status, by field."""
    problems = {}
    if sen_status == "N":
        if primary:
            problems["primary_need"] = (
                "A child with no SEN has no primary type of need: remove it or change the SEN status"
            )
        if secondary:
            problems["secondary_need"] = "A child with no SEN has no secondary type of need"
        return problems
    if not primary:
        problems["primary_need"] = "Select the primary type of need"
    elif primary == "NSA" and sen_status != "K":
        problems["primary_need"] = (
            "NSA (no specialist assessment) can only be used for SEN support, not with an EHC plan"
        )
    if secondary:
        if not primary:
            problems["secondary_need"] = "Select a primary type of need before a secondary one"
        elif secondary == primary:
            problems["secondary_need"] = (
                "The secondary type of need must be different from the primary"
            )
        elif secondary == "NSA":
            problems["secondary_need"] = "NSA can only be a primary type of need"
    return problems
