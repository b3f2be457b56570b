"""A small hand-built caseload in authority A whose every indicator is worked out by hand in
``test_local_indicators.py``, and small published figures for the views."""

import datetime
from decimal import Decimal

import pytest

from assessments.models import Assessment, AssessmentStatus, Recommendation
from assessments.rules.codes import NEEDS_DOMAIN_CODES
from assessments.vectors import encode
from tests.factories import ChildFactory, SettingFactory
from valuing_send.indicators import facts
from valuing_send.indicators.models import (
    AreaLevel,
    PublishedArea,
    PublishedFigure,
    StatisticalNeighbour,
)

CENSUS = datetime.date(2026, 1, 15)  # third Thursday of January 2026
FINAL = facts.Window(CENSUS, CENSUS)


def _profile(child, by, framework, rule_set, levels, *, request="none", **recommendation):
    codes = framework.definition.domain_codes
    young = child.age_on(CENSUS) < 14
    values = {code: levels.get(code, 0) for code in codes}
    if young:
        values["preparing_for_adulthood"] = None
    assessment = Assessment.objects.create(
        authority=child.authority,
        child=child,
        framework=framework,
        status=AssessmentStatus.COMPLETE,
        request=request,
        setting=child.current_setting,
        created_by=by,
        completed_by=by,
        completed_at=datetime.datetime(2025, 11, 1, 10, tzinfo=datetime.UTC),
        need_vector=encode(codes, values),
    )
    return Recommendation.objects.create(
        authority=child.authority,
        assessment=assessment,
        rule_set=rule_set,
        tier=recommendation.pop("tier", "sen_support"),
        total_points=recommendation.pop("total_points", 10),
        **recommendation,
    )


@pytest.fixture
def hand_built(authority_a, caseworker, framework, rule_sets):
    """Six children counted on 15 January 2026 (and one born after it):

    =====  ===  ====  ==========  ======  =========================  ==============  =======
    child  sex  eth   born        status  plan                       setting         need
    =====  ===  ====  ==========  ======  =========================  ==============  =======
    Amy    F    WBRI  2016-06-01  E       from 2024-03-01            Oak (mainst.)   ASD
    Ben    M    BAFR  2013-09-10  E       from 2025-05-01            Brook (special) SEMH
    Cara   F    WBRI  2010-02-01  K       2020-01-10 to 2025-06-01,  none            MLD
                                          needs met (reason 2)
    Dan    M    REFU  2017-01-20  K       support from 2025-09-01    Oak             SLCN
    Eve    F    NOBT  2019-03-03  K       –                          none            MLD
    Finn   M    WBRI  2008-05-05  E       from 2023-02-01, band 2    Elm (indep.)    DS
    Gus    M    WBRI  2026-02-01  K       born after the census: not counted
    =====  ===  ====  ==========  ======  =========================  ==============  =======

    Profiles and recommendations (levels 0 elsewhere; Oak meets 2 everywhere but 1 in speech,
    Brook 4 everywhere, Elm 3 everywhere):
    Amy: speech 3, social communication 2; could be prevented, mainstream can meet, top-up
    £3,000, holds band 3. Ben: emotional 4, behaviour 4; appropriately placed, top-up £12,500.
    Dan: speech 2; under-supported, mainstream can meet, top-up £1,500, assessment requested.
    Finn: general learning 3, preparing for adulthood 2; could be reduced, mainstream can meet,
    top-up £50,000, holds band 2.
    """
    default = rule_sets["valuing-send-default"]
    oak = SettingFactory(
        authority=authority_a, name="Oak Primary", capabilities={"speech_language": 1}
    )
    brook = SettingFactory(
        authority=authority_a,
        name="Brook Special School",
        setting_type="state_special",
        capabilities__default_level=4,
    )
    elm = SettingFactory(
        authority=authority_a,
        name="Elm Independent School",
        setting_type="independent_special",
        capabilities__default_level=3,
    )

    def child(first, gender, ethnicity, born, status, need, setting=None, **dates):
        return ChildFactory(
            authority=authority_a,
            first_name=first,
            last_name="Handbuilt",
            gender=gender,
            ethnicity=ethnicity,
            date_of_birth=datetime.date.fromisoformat(born),
            sen_status=status,
            primary_need=need,
            current_setting=setting,
            **{k: (datetime.date.fromisoformat(v) if "date" in k else v) for k, v in dates.items()},
        )

    amy = child(
        "Amy", "F", "WBRI", "2016-06-01", "E", "ASD", oak, plan_start_date="2024-03-01", held_band=3
    )
    ben = child("Ben", "M", "BAFR", "2013-09-10", "E", "SEMH", brook, plan_start_date="2025-05-01")
    cara = child(
        "Cara",
        "F",
        "WBRI",
        "2010-02-01",
        "K",
        "MLD",
        plan_start_date="2020-01-10",
        plan_ceased_date="2025-06-01",
        plan_cease_reason="2",
    )
    dan = child(
        "Dan", "M", "REFU", "2017-01-20", "K", "SLCN", oak, sen_support_start_date="2025-09-01"
    )
    eve = child("Eve", "F", "NOBT", "2019-03-03", "K", "MLD")
    finn = child(
        "Finn", "M", "WBRI", "2008-05-05", "E", "DS", elm, plan_start_date="2023-02-01", held_band=2
    )
    child("Gus", "M", "WBRI", "2026-02-01", "K", "SLCN", oak)
    by = caseworker
    _profile(
        amy,
        by,
        framework,
        default,
        {"speech_language": 3, "social_communication": 2},
        classification="could_be_prevented",
        mainstream_capable=True,
        top_up=3000,
        band=2,
    )
    _profile(
        ben,
        by,
        framework,
        default,
        {"emotional_wellbeing": 4, "behaviour_regulation": 4},
        classification="appropriately_placed",
        mainstream_capable=False,
        top_up=12500,
        band=3,
        tier="specialist",
    )
    _profile(
        dan,
        by,
        framework,
        default,
        {"speech_language": 2},
        request="ehc_assessment",
        classification="under_supported",
        mainstream_capable=True,
        top_up=1500,
        band=1,
        tier="targeted_plus",
    )
    _profile(
        finn,
        by,
        framework,
        default,
        {"general_learning": 3, "preparing_for_adulthood": 2},
        classification="could_be_reduced",
        mainstream_capable=True,
        top_up=50000,
        band=1,
        tier="targeted_plus",
    )
    return {
        "amy": amy,
        "ben": ben,
        "cara": cara,
        "dan": dan,
        "eve": eve,
        "finn": finn,
        "oak": oak,
        "brook": brook,
        "elm": elm,
    }


def published_area(code, name, level=AreaLevel.AUTHORITY, region=None, ons=""):
    return PublishedArea.objects.create(
        code=code,
        name=name,
        level=level,
        region=region,
        ons_code=ons,
        current=level == AreaLevel.AUTHORITY,
    )


def figure(
    area,
    indicator,
    year,
    value,
    numerator=None,
    denominator=None,
    dimension="",
    category="",
    marker="",
):
    return PublishedFigure.objects.create(
        area=area,
        indicator=indicator,
        year=year,
        time_period=str(year - 1)
        if indicator.startswith("plans_within")
        else f"{year - 1}{year % 100:02d}",
        dimension=dimension,
        category=category,
        value=None if value is None else Decimal(str(value)),
        numerator=numerator,
        denominator=denominator,
        marker=marker,
        source="test",
    )


@pytest.fixture
def published_small(db):
    """England, the South East and three authorities, 901 (authority A's code) among them,
    with 902 and 903 as its statistical neighbours."""
    england = published_area("E92000001", "England", AreaLevel.ENGLAND)
    south_east = published_area("E12000008", "South East", AreaLevel.REGION)
    a = published_area("901", "Northshire", region=south_east, ons="E10000901")
    b = published_area("902", "Southshire", region=south_east, ons="E06000902")
    c = published_area("903", "Westshire", region=south_east, ons="E06000903")
    StatisticalNeighbour.objects.create(area=a, neighbour=b, rank=1, proximity="Very close")
    StatisticalNeighbour.objects.create(area=a, neighbour=c, rank=2, proximity="Close")
    rows = {
        # area: (plans 2024, plans 2025, mainstream %, independent %, 20 weeks ex %)
        england: (576474, 638745, 43.6, 5.3, 46.4),
        south_east: (99603, 110014, 42.5, 7.6, 30.0),
        a: (1000, 1100, 40.0, 5.0, 50.0),
        b: (1500, 2100, 50.0, 2.0, 90.0),
        c: (3000, 3600, 30.0, 9.0, None),
    }
    for area, (before, plans, mainstream, independent, weeks) in rows.items():
        figure(area, "ehc_plans", 2024, before, before)
        figure(area, "ehc_plans", 2025, plans, plans)
        figure(area, "ehc_plans_growth_pct", 2025, round((plans - before) / before * 100, 1))
        figure(area, "plans_mainstream_pct", 2025, mainstream)
        figure(area, "plans_independent_special_pct", 2025, independent)
        figure(
            area, "plans_within_20_weeks_ex", 2025, weeks, marker="" if weeks is not None else "x"
        )
    return {"england": england, "south_east": south_east, "a": a, "b": b, "c": c}


__all__ = ["NEEDS_DOMAIN_CODES"]
