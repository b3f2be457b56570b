"""The parents' summary: plain English, naming the right things, with no codes or money."""

import re

import pytest
from hypothesis import given, settings

from assessments.rule_files import load_shipped_rulesets
from assessments.rules import SettingsRegister, evaluate, explain_for_parents
from assessments.rules.codes import (
    CLASSIFICATION_CODES,
    REQUEST_CODES,
    SETTING_TYPE_CODES,
    TIER_CODES,
)
from tests.rules.helpers import profile, run, setting
from tests.rules.strategies import profiles
from tests.rules.strategies import settings as register_settings

DEFAULT = load_shipped_rulesets()["valuing-send-default"]
BAND_NAMES = [band.label for band in DEFAULT.bands]

JARGON = re.compile(
    r"£|\d{1,3},\d{3}|\bSEN\b|\bSEND\b|\bEHC|\bEHCP\b|\btier\b|\bband\b|top-up|\bElement\b"
    r"|\bprovision\b|\bSALT\b|\bSLT\b|\bTA\b|\bELSA\b|\bSENCO\b|\bCAMHS\b|\bOT\b|\bBSL\b"
    r"|Targeted plus|\blevel \d",
    re.IGNORECASE,
)
CODES = {
    *(domain.code for domain in DEFAULT.domains),
    *(area.code for area in DEFAULT.areas),
    *SETTING_TYPE_CODES,
    *TIER_CODES,
    *CLASSIFICATION_CODES,
    *(code for code in REQUEST_CODES if "_" in code),
}


def assert_plain(paragraphs, band_names=()):
    text = " ".join(paragraphs)
    # A band is named as the council publishes it ("Band 3", "C4"): families meet that name
    # in their letters. Nothing else may use the word.
    for name in band_names:
        text = text.replace(f"in {name}", "in (a named range)")
    assert not JARGON.search(text), JARGON.search(text)
    assert not any(code in text for code in CODES if "_" in code)
    assert "_" not in text


def test_catalogue_descriptions_are_plain_enough_for_parents():
    descriptions = [item.description for items in DEFAULT.provision.values() for item in items]
    descriptions += [item.description for item in DEFAULT.family.support]

    assert_plain(descriptions)


def test_summary_for_a_child_met_in_the_current_school():
    recommendation = run(
        DEFAULT,
        {"speech_language": 3, "behaviour_regulation": 2, "vision": 1},
        [setting(1, name="Oakfield Primary", speech_language=2, behaviour_regulation=2, vision=1)],
        sen_status="K",
        current_setting_id=1,
        request="ehc_plan",
        family_capacity={"speech_language": 1, "behaviour_regulation": 3},
    )

    paragraphs = explain_for_parents(recommendation, DEFAULT)

    assert_plain(paragraphs, BAND_NAMES)
    text = "\n".join(paragraphs)
    # The child is 9 (the helper's default age): preparing for adulthood is assessed from 14.
    assert "We looked at your child's needs in 11 areas" in text
    # Speech 3 (6) + behaviour 2 (3) + vision 1 (1): 10 points, Band 2.
    assert (
        "Under the council's funding scheme your child's needs are in Band 2, which gives the "
        "school or setting extra funding for the help they need." in text
    )
    assert (
        "Your child has significant needs in speech, language and communication, which call "
        "for specialist advice and support." in text
    )
    assert "Your child needs some extra, planned help with behaviour and self-regulation." in text
    assert "The help every school gives can meet your child's needs in vision." in text
    assert "We think Oakfield Primary can meet your child's needs with extra help." in text
    assert (
        "For speech, language and communication: speech and language therapy programme "
        "delivered by a trained teaching assistant" in text
    )
    assert "about 1.5 hours a week" in text
    assert "Home language programme" in text
    assert paragraphs[-1].startswith("This is a starting point for a conversation")


def test_summary_names_specialist_places_when_mainstream_cannot_meet_the_needs():
    recommendation = run(
        DEFAULT,
        {"hearing": 4, "speech_language": 3},
        [
            setting(1, name="Oakfield Primary", hearing=2, speech_language=2),
            setting(
                2,
                "state_special",
                "all_through",
                name="Riverside School",
                hearing=4,
                speech_language=4,
            ),
        ],
        sen_status="E",
        current_setting_id=1,
    )

    text = "\n".join(explain_for_parents(recommendation, DEFAULT))

    assert recommendation.tier == "specialist"
    assert "a place at a specialist school or setting should be considered" in text
    assert "Places that could meet them include Riverside School." in text
    assert "Oakfield Primary" not in text


def test_several_names_with_commas_are_separated_by_semicolons():
    recommendation = run(DEFAULT, {"speech_language": 3, "emotional_wellbeing": 3, "hearing": 3})

    text = " ".join(explain_for_parents(recommendation, DEFAULT))

    assert (
        "significant needs in speech, language and communication; emotional wellbeing and "
        "mental health; and hearing," in text
    )


@pytest.mark.parametrize(
    ("levels", "fields", "expected"),
    [
        (
            {"speech_language": 2},
            {"sen_status": "K", "request": "ehc_plan"},
            "can be met without an education, health and care plan",
        ),
        (
            {"speech_language": 2},
            {
                "sen_status": "K",
                "request": "ehc_assessment",
                "previous_levels": {"speech_language": 1},
            },
            "Some needs have grown since we last looked, in speech, language and communication",
        ),
        ({"speech_language": 3}, {"sen_status": "N"}, "needs more help than they have now"),
        ({}, {"sen_status": "N"}, "We did not find needs that call for help beyond"),
        ({"speech_language": 2}, {"sen_status": "K"}, "is right for your child's needs"),
    ],
)
def test_outcome_paragraph(levels, fields, expected):
    recommendation = run(DEFAULT, levels, **fields)

    paragraphs = explain_for_parents(recommendation, DEFAULT)

    assert_plain(paragraphs, BAND_NAMES)
    assert expected in " ".join(paragraphs)


def test_reduced_outcome_for_a_specialist_request_met_in_mainstream():
    register = SettingsRegister.build([setting(1, speech_language=2)], DEFAULT)
    child = profile(
        {"speech_language": 3},
        sen_status="E",
        current_setting_id=1,
        request="specialist_placement",
    )

    paragraphs = explain_for_parents(evaluate(child, DEFAULT, register), DEFAULT)

    assert "in a mainstream school or college with extra help, rather than at a specialist" in (
        " ".join(paragraphs)
    )


DEFAULT_CODES = [domain.code for domain in DEFAULT.domains]


@settings(max_examples=60, deadline=None)
@given(profiles(DEFAULT_CODES), register_settings(DEFAULT_CODES))
def test_every_summary_is_plain(child, records):
    recommendation = evaluate(child, DEFAULT, SettingsRegister.build(records, DEFAULT))

    assert_plain(explain_for_parents(recommendation, DEFAULT), BAND_NAMES)


def test_above_the_scheme_s_range_tells_the_family_a_panel_agrees_the_funding():
    # Every domain at 4: 92 points, above band 7's 64.
    recommendation = run(DEFAULT, dict.fromkeys(DEFAULT_CODES, 4), age=15)

    paragraphs = explain_for_parents(recommendation, DEFAULT)

    assert recommendation.above_range
    assert_plain(paragraphs)
    assert (
        "Your child's needs are higher than the council's funding scheme sets amounts for, so "
        "the extra funding for your child will be agreed for them individually by a panel."
        in paragraphs
    )


def test_a_band_with_no_top_up_is_named_without_money():
    herefordshire = load_shipped_rulesets()["herefordshire-early-years"]
    recommendation = run(herefordshire, {"speech_language": 2}, age=3)

    paragraphs = explain_for_parents(recommendation, herefordshire)

    assert_plain(paragraphs, ["Local Offer"])
    assert (
        "Under the council's funding scheme your child's needs are in Local Offer: the help "
        "comes from what the school or setting already has, without extra funding from the "
        "council." in paragraphs
    )


@pytest.mark.parametrize(("age", "areas"), [(9, 11), (13, 11), (14, 12), (19, 12)])
def test_the_summary_counts_only_the_areas_looked_at_for_the_childs_age(age, areas):
    recommendation = run(DEFAULT, {"speech_language": 2}, age=age)
    text = " ".join(explain_for_parents(recommendation, DEFAULT))
    assert f"We looked at your child's needs in {areas} areas" in text
