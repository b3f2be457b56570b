"""The indicator registry: every indicator the service shows, local or published, declared once
with its question group, definition, numerator and denominator, direction, unit and breakdowns.

Where DfE publishes the same measure, ``dfe`` quotes DfE's data guidance word for word (the
variable description, and the file's content summary), ``seeds/dfe/published/data-guidance.txt``;
a test checks every quotation is in that file. ``local_note`` says where the figure worked out
from the authority's own records cannot be exactly DfE's, and why.
"""

from __future__ import annotations

from dataclasses import dataclass

PREVALENCE = "Prevalence"
INCLUSION = "Independence and inclusion"
OUTCOMES = "Outcomes"
FINANCIAL = "Financial"
TIMELINESS = "Timeliness"
VALUING_SEND = "Valuing SEND"
GROUPS = (PREVALENCE, INCLUSION, OUTCOMES, FINANCIAL, TIMELINESS, VALUING_SEND)
GROUP_SLUGS = {
    PREVALENCE: "prevalence",
    INCLUSION: "inclusion",
    OUTCOMES: "outcomes",
    FINANCIAL: "financial",
    TIMELINESS: "timeliness",
    VALUING_SEND: "valuing-send",
}
GROUP_QUESTIONS = {
    PREVALENCE: "What is the level of need, and is it changing year by year?",
    INCLUSION: "What proportion of children with plans are in mainstream settings, and can "
    "local settings meet their needs?",
    OUTCOMES: "Are young people preparing well for adulthood, and do plans end because needs "
    "are met?",
    FINANCIAL: "What does the support cost, and what could the recommendations change?",
    TIMELINESS: "Are statutory deadlines met?",
    VALUING_SEND: "Where could the need for services have been prevented, reduced or delayed, "
    "and where is need not met?",
}

HIGHER = "higher"  # higher is better
LOWER = "lower"  # lower is better
NEUTRAL = "neutral"  # context: neither is better in itself

COUNT, PERCENT, POUNDS, MEAN_PERCENT = "count", "percent", "pounds", "mean_percent"

# Breakdown dimensions (the category codes of each are in ``labels.py``).
NEED, PHASE, SETTING_TYPE, ETHNICITY, GENDER = (
    "primary_need",
    "age_phase",
    "setting_type",
    "ethnicity",
    "gender",
)
ALL_BREAKDOWNS = (NEED, PHASE, SETTING_TYPE, ETHNICITY, GENDER)
NOT_BY_SETTING = (NEED, PHASE, ETHNICITY, GENDER)

# What the local figure needs: children's records only, current needs profiles and
# recommendations, or panel cases (requests, decisions, timeliness).
CHILDREN, PROFILES, PANELS = "children", "profiles", "panels"


@dataclass(frozen=True)
class DfeDefinition:
    """DfE's own words for the measure, quoted from the data guidance."""

    publication: str
    file: str
    variables: tuple[tuple[str, str], ...]  # (variable name, DfE's description)
    summary: str  # the file's content summary


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    group: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    direction: str
    breakdowns: tuple[str, ...] = ()
    # A category dimension: the indicator is a mix (each category's share of the whole).
    split_by: str = ""
    flow: bool = False  # counted over the calendar year before the census date
    local: str = ""  # CHILDREN / PROFILES / PANELS; "" when there is no local figure
    published: bool = False
    dfe: DfeDefinition | None = None
    local_note: str = ""
    # Worked out for past Januaries from the records' dates (plan start and cease dates).
    from_dates: bool = False
    main: bool = False  # one of the main measures in the cross-authority table

    @property
    def is_share(self) -> bool:
        return self.unit in (PERCENT, MEAN_PERCENT)

    @property
    def slug(self) -> str:
        return self.id.replace("_", "-")


EHCP = "Education, health and care plans, reporting year 2025 (DfE, June 2025)"
LAIT = "Special educational needs in England, January census, via the Local Authority Interactive Tool (DfE)"
CASELOAD_SUMMARY = (
    "The number of EHC plans active at January each year. This is shown for the type of setting "
    "attended, broken down by current age, age when plan started, ethnicity, sex and how long "
    "the plan has been in place. Data is shown on an academic year basis."
)
NEWPLANS_SUMMARY = (
    "The number of EHC plans which start each year. The number of new plans is shown for the "
    "type of setting attended, broken down by the age when the plan started, ethnicity and sex. "
    "Data is shown on a calendar year basis."
)
NEEDS_SUMMARY = (
    "The number of EHC plans active at January each year, by their primary SEN need. This is "
    "shown for the type of setting attended, current age, age when plan started, ethnicity, "
    "sex and length of plan. Data is shown on an academic year basis."
)
NEW_NEEDS_SUMMARY = (
    "The number of new EHC plans each year, by their primary SEN need. This is shown for the "
    "type of setting attended, age when plan started, ethnicity, and sex. Data is shown on an "
    "calendar year basis."
)
TIMELINESS_SUMMARY = (
    "The number of plans issued and whether the issue of those plans met the statutory "
    "timeframe, both with, and without, exceptions applying. Data is shown on a calendar year "
    "basis."
)
REQUESTS_SUMMARY = (
    "The number of requests for an EHC needs assessment carried out each year. Figures are "
    "shown by the outcome of the request, if a mediation or a tribunal occurred, and if the "
    "process met the statutory timeframe. Data is shown on a calendar year basis."
)
ASSESSMENTS_SUMMARY = (
    "The number of EHC needs assessments carried out each year. Figures are shown by the "
    "outcome of assessment, whether a mediation or a tribunal occurred and whether the process "
    "met the statutory timeframe. Data is shown on a calendar year basis."
)
CEASED_SUMMARY = (
    "The number of plans which ceased each year, and the reason why they ceased. This is broken "
    "down by the age when the plan ceased, sex, ethnicity, length of time plan in place and the "
    "last setting attended. Data is shown on an calendar year basis."
)
REVIEWS_SUMMARY = (
    "The number of annual reviews which took place each year. Figures are shown for the outcome "
    "of the review, and whether the review outcome met the statutory timeframe. Data is shown "
    "on a calendar year basis."
)


def _dfe(file: str, summary: str, *variables: tuple[str, str]) -> DfeDefinition:
    return DfeDefinition(EHCP, file, tuple(variables), summary)


ABOVE_RANGE_NOTE = (
    "A child whose points are above the rule set's range has no amount from the rules "
    "(exceptional funding agreed individually; refer to panel): counted as no top-up here, "
    "and counted in 'Needs above the rule set's range'."
)
PER_PLAN_NOTE = (
    "A child whose points are above the rule set's range has no amount from the rules "
    "(exceptional funding agreed individually; refer to panel): left out of this average, "
    "and counted in 'Needs above the rule set's range'."
)
PLACEMENT_NOTE = (
    "DfE counts the setting attended on the census date; the service knows each child's current "
    "setting, so figures for past Januaries are not worked out from it."
)


def _placement(
    id, title, definition, numerator, variable, words, direction, *, main=False, note=None
) -> Indicator:
    """A share of EHC plans at the census date by type of setting attended (DfE caseload)."""
    return Indicator(
        id,
        title,
        INCLUSION,
        definition,
        numerator,
        "EHC plans with a placement recorded",
        PERCENT,
        direction,
        NOT_BY_SETTING,
        local=CHILDREN,
        published=True,
        main=main,
        dfe=_dfe("caseload.csv", CASELOAD_SUMMARY, (variable, words)),
        local_note=PLACEMENT_NOTE if note is None else note,
    )


INDICATORS: tuple[Indicator, ...] = (
    # ----- Prevalence ---------------------------------------------------------------------
    Indicator(
        "ehc_plans",
        "EHC plans",
        PREVALENCE,
        "Children and young people aged 0 to 25 with an education, health and care plan "
        "maintained by the authority on the census date in January.",
        "Children with an EHC plan on the census date",
        "",
        COUNT,
        NEUTRAL,
        ALL_BREAKDOWNS,
        local=CHILDREN,
        published=True,
        from_dates=True,
        main=True,
        dfe=_dfe("caseload.csv", CASELOAD_SUMMARY, ("ehcplans", "Total number of EHC plans")),
        local_note="A plan counts from its start date until the day it ceased.",
    ),
    Indicator(
        "ehc_plans_growth_pct",
        "Change in EHC plans over the year",
        PREVALENCE,
        "How much the number of EHC plans grew (or fell) since the census date a year earlier, "
        "as a percentage of the number then.",
        "EHC plans now minus EHC plans a year earlier",
        "EHC plans a year earlier",
        PERCENT,
        LOWER,
        NOT_BY_SETTING,
        local=CHILDREN,
        published=True,
        from_dates=True,
        main=True,
        local_note="Published figure worked out by us from DfE's plan counts for consecutive years.",
    ),
    Indicator(
        "sen_support",
        "Children on SEN support",
        PREVALENCE,
        "Children and young people on SEN support (no EHC plan) known to the authority on the "
        "census date.",
        "Children on SEN support on the census date",
        "",
        COUNT,
        NEUTRAL,
        ALL_BREAKDOWNS,
        local=CHILDREN,
        local_note="DfE publishes SEN support only as a share of pupils in the school census "
        "(see the next indicator), not as a count by responsible authority.",
    ),
    Indicator(
        "pct_pupils_ehc_plan",
        "Pupils with an EHC plan",
        PREVALENCE,
        "The percentage of pupils on roll in all schools in the area who have an EHC plan, "
        "from the January school census.",
        "Pupils with an EHC plan",
        "All pupils on roll in the area's schools",
        PERCENT,
        NEUTRAL,
        published=True,
        main=True,
        dfe=DfeDefinition(
            LAIT,
            "lait_sen_pupil_percentages_2016_2025.csv",
            (("SEN_TotStat", "% of Pupils with Statement of (SEN) of (EHC) Plans (All Schools)"),),
            "",
        ),
        local_note="Not worked out locally: the denominator is every pupil on roll in the "
        "area's schools, which the service does not hold. Pupils are counted where they go to "
        "school, not by the authority responsible for their plan.",
    ),
    Indicator(
        "pct_pupils_sen_support",
        "Pupils on SEN support",
        PREVALENCE,
        "The percentage of pupils on roll in all schools in the area who are on SEN support, "
        "from the January school census.",
        "Pupils on SEN support",
        "All pupils on roll in the area's schools",
        PERCENT,
        NEUTRAL,
        published=True,
        main=True,
        dfe=DfeDefinition(
            LAIT,
            "lait_sen_pupil_percentages_2016_2025.csv",
            (
                (
                    "SEN_TotSENSuP",
                    "% of Pupils with Special Educational Needs (SEN) Support (All Schools)",
                ),
            ),
            "",
        ),
        local_note="Not worked out locally, for the same reason as pupils with an EHC plan.",
    ),
    Indicator(
        "plans_by_need",
        "EHC plans by primary need",
        PREVALENCE,
        "Each primary type of need's share of all EHC plans on the census date.",
        "EHC plans whose primary need is this type",
        "All EHC plans",
        PERCENT,
        NEUTRAL,
        split_by=NEED,
        local=CHILDREN,
        published=True,
        from_dates=True,
        main=True,
        dfe=_dfe(
            "sen_needs_all_plans.csv",
            NEEDS_SUMMARY,
            ("asd_pc", "Autistic spectrum disorder (%)"),
            ("semh_pc", "Social, emotional and mental health (%)"),
            ("slcn_pc", "Speech, language and communication needs (%)"),
        ),
        local_note="As DfE does, Down syndrome is counted under other difficulty or disability, "
        "and a plan with no primary need recorded is 'not recorded'.",
    ),
    Indicator(
        "new_plans",
        "New EHC plans",
        PREVALENCE,
        "EHC plans that started during the calendar year before the census date.",
        "Plans whose start date falls in the calendar year",
        "",
        COUNT,
        NEUTRAL,
        NOT_BY_SETTING,
        flow=True,
        local=CHILDREN,
        published=True,
        from_dates=True,
        dfe=_dfe(
            "newplans.csv", NEWPLANS_SUMMARY, ("new_ehc_plans", "Total number of new EHC plans")
        ),
    ),
    Indicator(
        "new_plans_by_need",
        "New EHC plans by primary need",
        PREVALENCE,
        "Each primary type of need's share of the EHC plans that started during the calendar year.",
        "New plans whose primary need is this type",
        "All new plans",
        PERCENT,
        NEUTRAL,
        split_by=NEED,
        flow=True,
        local=CHILDREN,
        published=True,
        from_dates=True,
        main=True,
        dfe=DfeDefinition(
            EHCP,
            "sen_need_newplans.csv",
            (
                ("asd_pc", "Autistic spectrum disorder (%)"),
                ("semh_pc", "Social, emotional and mental health (%)"),
                ("slcn_pc", "Speech, language and communication needs (%)"),
            ),
            NEW_NEEDS_SUMMARY,
        ),
        local_note="The child's primary need now, which may have changed since the plan started.",
    ),
    Indicator(
        "requests",
        "Requests for an EHC needs assessment",
        PREVALENCE,
        "Requests for an EHC needs assessment received during the calendar year.",
        "Requests received in the year",
        "",
        COUNT,
        NEUTRAL,
        NOT_BY_SETTING,
        flow=True,
        local=PANELS,
        published=True,
        dfe=_dfe(
            "requests.csv",
            REQUESTS_SUMMARY,
            ("requests_received_in_year", "Total requests for an EHC needs assessment"),
        ),
    ),
    Indicator(
        "requests_refused_pct",
        "Requests refused",
        PREVALENCE,
        "The share of requests for an EHC needs assessment received in the year where the "
        "authority decided not to assess.",
        "Requests where the authority decided not to proceed with an assessment",
        "Requests received in the year",
        PERCENT,
        NEUTRAL,
        NOT_BY_SETTING,
        flow=True,
        local=PANELS,
        published=True,
        main=True,
        dfe=_dfe(
            "requests.csv",
            REQUESTS_SUMMARY,
            (
                "request_not_assess_pc",
                "Percentage of requests where LA decided not to proceed with an assessment",
            ),
        ),
    ),
    Indicator(
        "requests_assessed_pct",
        "Requests that led to an assessment",
        PREVALENCE,
        "The share of requests received in the year where the authority decided to assess.",
        "Requests where the authority decided to proceed with an assessment",
        "Requests received in the year",
        PERCENT,
        NEUTRAL,
        NOT_BY_SETTING,
        flow=True,
        local=PANELS,
        published=True,
        dfe=_dfe(
            "requests.csv",
            REQUESTS_SUMMARY,
            (
                "request_assess_pc",
                "Percentage of requests where LA decided to proceed with an assessment",
            ),
        ),
    ),
    Indicator(
        "assessments_plan_issued_pct",
        "Assessments that led to a plan",
        PREVALENCE,
        "The share of EHC needs assessments in the year after which a plan was issued.",
        "Assessments where a plan was issued",
        "EHC needs assessments in the year",
        PERCENT,
        NEUTRAL,
        flow=True,
        local=PANELS,
        published=True,
        dfe=_dfe(
            "assessments.csv",
            ASSESSMENTS_SUMMARY,
            ("assess_issued_pc", "Percentage of assessments where a plan was issued"),
        ),
    ),
    # ----- Independence and inclusion -----------------------------------------------------
    _placement(
        "plans_mainstream_pct",
        "EHC plans in mainstream schools",
        "The share of EHC plans whose child or young person attends a mainstream school, "
        "including resourced provision and SEN units in mainstream schools.",
        "EHC plans in mainstream schools",
        "mainstream_total_pc",
        "Total percentage mainstream schools",
        HIGHER,
        main=True,
    ),
    _placement(
        "plans_special_pct",
        "EHC plans in special schools",
        "The share of EHC plans whose child or young person attends a special school: state "
        "special, independent or non-maintained special.",
        "EHC plans in special schools",
        "special_total_pc",
        "Total percentage special schools",
        LOWER,
        main=True,
    ),
    Indicator(
        "plans_independent_special_pct",
        "EHC plans in independent or non-maintained special schools",
        INCLUSION,
        "The share of EHC plans whose child or young person attends an independent or a "
        "non-maintained special school.",
        "EHC plans in independent and non-maintained special schools",
        "EHC plans with a placement recorded",
        PERCENT,
        LOWER,
        NOT_BY_SETTING,
        local=CHILDREN,
        published=True,
        main=True,
        dfe=_dfe(
            "caseload.csv",
            CASELOAD_SUMMARY,
            ("special_independent", "Independent special schools"),
            ("special_non_maintained", "Non maintained special schools"),
        ),
        local_note="DfE publishes the two counts but no percentage: the published figure is "
        "worked out by us from DfE's counts. The settings register has one type for "
        "independent and non-maintained special schools, so the two are counted together.",
    ),
    _placement(
        "plans_ap_pct",
        "EHC plans in alternative provision",
        "The share of EHC plans whose child attends alternative provision or a pupil referral "
        "unit.",
        "EHC plans in alternative provision",
        "AP_PRU_total_pc",
        "Total percentage alternative provision",
        LOWER,
    ),
    _placement(
        "plans_fe_pct",
        "EHC plans in further education",
        "The share of EHC plans whose young person attends a further education college, sixth "
        "form or other post-16 provider.",
        "EHC plans in further education and post-16",
        "fe_total_pc",
        "Total percentage further education and post 16",
        NEUTRAL,
    ),
    _placement(
        "plans_early_years_pct",
        "EHC plans in early years settings",
        "The share of EHC plans whose child attends an early years setting.",
        "EHC plans in early years settings",
        "nm_early_years_pc",
        "Non maintained early years percentage",
        NEUTRAL,
        note="DfE counts non-maintained early years settings only; the register's early "
        "years type may include maintained nurseries.",
    ),
    Indicator(
        "plans_elsewhere_pct",
        "EHC plans educated elsewhere",
        INCLUSION,
        "The share of EHC plans whose child or young person is educated other than at a school, "
        "college or early years setting: arrangements made by the authority or by parents, "
        "online providers, other establishments.",
        "EHC plans with another arrangement",
        "EHC plans with a placement recorded",
        PERCENT,
        LOWER,
        NOT_BY_SETTING,
        local=CHILDREN,
        published=True,
        dfe=_dfe(
            "caseload.csv",
            CASELOAD_SUMMARY,
            ("ed_elsewhere_pc", "Total percentage educated elsewhere"),
        ),
        local_note="DfE's educated elsewhere also includes elective home education and young "
        "people not in education or training. The service records them as having no setting, "
        "so locally they count as 'no setting recorded' (the next indicator).",
    ),
    Indicator(
        "plans_placement_unknown_pct",
        "EHC plans with no setting recorded",
        INCLUSION,
        "The share of EHC plans whose child or young person has no setting recorded.",
        "EHC plans with no setting recorded",
        "All EHC plans",
        PERCENT,
        LOWER,
        NOT_BY_SETTING,
        local=CHILDREN,
        published=True,
        dfe=_dfe(
            "caseload.csv",
            CASELOAD_SUMMARY,
            ("placement_unknown_pc", "Placement not recorded percentage"),
        ),
        local_note="Includes home education and young people not in education or training, "
        "which DfE counts as educated elsewhere.",
    ),
    Indicator(
        "new_plans_mainstream_pct",
        "New EHC plans in mainstream schools",
        INCLUSION,
        "The share of EHC plans that started during the calendar year whose child attends a "
        "mainstream school.",
        "New plans in mainstream schools",
        "New plans with a placement recorded",
        PERCENT,
        HIGHER,
        NOT_BY_SETTING,
        flow=True,
        local=CHILDREN,
        published=True,
        dfe=_dfe(
            "newplans.csv",
            NEWPLANS_SUMMARY,
            ("mainstream_total_pc", "Total percentage mainstream schools"),
        ),
        local_note="The child's setting now, which may differ from the one named when the plan "
        "started.",
    ),
    Indicator(
        "new_plans_special_pct",
        "New EHC plans in special schools",
        INCLUSION,
        "The share of EHC plans that started during the calendar year whose child attends a "
        "special school.",
        "New plans in special schools",
        "New plans with a placement recorded",
        PERCENT,
        LOWER,
        NOT_BY_SETTING,
        flow=True,
        local=CHILDREN,
        published=True,
        dfe=_dfe(
            "newplans.csv",
            NEWPLANS_SUMMARY,
            ("special_total_pc", "Total percentage special schools"),
        ),
        local_note="The child's setting now, which may differ from the one named when the plan "
        "started.",
    ),
    Indicator(
        "sen_support_mainstream_pct",
        "SEN support in mainstream schools",
        INCLUSION,
        "The share of children on SEN support whose setting is a mainstream school.",
        "Children on SEN support in mainstream schools",
        "Children on SEN support",
        PERCENT,
        HIGHER,
        NOT_BY_SETTING,
        local=CHILDREN,
    ),
    # ----- Outcomes ----------------------------------------------------------------------
    Indicator(
        "ceased_plans",
        "EHC plans ceased",
        OUTCOMES,
        "EHC plans that ceased during the calendar year before the census date.",
        "Plans whose cease date falls in the calendar year",
        "",
        COUNT,
        NEUTRAL,
        NOT_BY_SETTING,
        flow=True,
        local=CHILDREN,
        published=True,
        from_dates=True,
        dfe=_dfe(
            "ceased_plans.csv",
            CEASED_SUMMARY,
            ("total_ceased", "Total number of ceased EHC plans"),
        ),
    ),
    Indicator(
        "ceased_needs_met_pct",
        "Plans ceased because needs were met",
        OUTCOMES,
        "The share of plans ceased in the year that ended because the child's or young "
        "person's educational or training needs were met without a plan.",
        "Plans ceased because needs were met without a plan",
        "Plans ceased in the year",
        PERCENT,
        HIGHER,
        NOT_BY_SETTING,
        flow=True,
        local=CHILDREN,
        published=True,
        from_dates=True,
        dfe=_dfe(
            "ceased_plans.csv",
            CEASED_SUMMARY,
            ("needs_met", "Number where educational or training needs met without a plan"),
            ("total_ceased", "Total number of ceased EHC plans"),
        ),
        local_note="DfE publishes the counts; the percentage beside the local figure is worked "
        "out by us from them.",
    ),
    Indicator(
        "ceased_to_work_or_study_pct",
        "Plans ceased for higher education or work",
        OUTCOMES,
        "The share of plans ceased in the year because the young person moved into higher "
        "education, paid employment or an apprenticeship.",
        "Plans ceased for higher education, employment or an apprenticeship",
        "Plans ceased in the year",
        PERCENT,
        HIGHER,
        NOT_BY_SETTING,
        flow=True,
        local=CHILDREN,
        published=True,
        from_dates=True,
        dfe=_dfe(
            "ceased_plans.csv",
            CEASED_SUMMARY,
            ("he", "Number moved to higher education"),
            ("employ", "Number moved to paid employment"),
        ),
        local_note="DfE has no apprenticeship reason; the service records apprenticeships "
        "separately (SEN2 reason 5) and counts them here. The published percentage is worked "
        "out by us from DfE's counts.",
    ),
    Indicator(
        "pfa_coverage_pct",
        "Preparing for adulthood covered in the needs profile",
        OUTCOMES,
        "The share of young people aged 14 to 25 with an EHC plan whose current needs profile "
        "rates preparing for adulthood.",
        "Young people 14 and over with a plan whose current profile rates preparing for adulthood",
        "Young people 14 and over with a plan and a current needs profile",
        PERCENT,
        HIGHER,
        (NEED, SETTING_TYPE, ETHNICITY, GENDER),
        local=PROFILES,
    ),
    # ----- Timeliness --------------------------------------------------------------------
    Indicator(
        "plans_within_20_weeks_ex",
        "New EHC plans issued within 20 weeks (excluding exceptions)",
        TIMELINESS,
        "The share of new EHC plans issued in the calendar year within 20 weeks of the request, "
        "leaving out plans where an exception to the time limit applied. This is DfE's headline "
        "measure.",
        "Plans issued within 20 weeks, exceptions left out",
        "Plans issued in the year, exceptions left out",
        PERCENT,
        HIGHER,
        NOT_BY_SETTING,
        flow=True,
        local=PANELS,
        published=True,
        main=True,
        dfe=_dfe(
            "timeliness_20_week.csv",
            TIMELINESS_SUMMARY,
            (
                "PC_plans_issued_20_weeks_ex",
                "EHC plans issued within 20 weeks excluding exceptions - %",
            ),
        ),
    ),
    Indicator(
        "plans_within_20_weeks",
        "New EHC plans issued within 20 weeks (including exceptions)",
        TIMELINESS,
        "The share of all new EHC plans issued in the calendar year within 20 weeks of the "
        "request, including plans where an exception applied.",
        "Plans issued within 20 weeks",
        "Plans issued in the year",
        PERCENT,
        HIGHER,
        NOT_BY_SETTING,
        flow=True,
        local=PANELS,
        published=True,
        main=True,
        dfe=_dfe(
            "timeliness_20_week.csv",
            TIMELINESS_SUMMARY,
            (
                "pc_plans_issued_within_20_weeks",
                "EHC plans issued within 20 weeks including exceptions - %",
            ),
        ),
    ),
    Indicator(
        "plans_over_a_year_ex",
        "New EHC plans issued after a year (excluding exceptions)",
        TIMELINESS,
        "The share of new EHC plans issued in the calendar year more than 52 weeks after the "
        "request, exceptions left out.",
        "Plans issued after 52 weeks, exceptions left out",
        "Plans issued in the year, exceptions left out",
        PERCENT,
        LOWER,
        flow=True,
        local=PANELS,
        published=True,
        dfe=_dfe(
            "timeliness_20_week.csv",
            TIMELINESS_SUMMARY,
            (
                "PC_plans_issued_gt_1_year_ex",
                "EHC plans issued after 52 weeks excluding exceptions - %",
            ),
        ),
    ),
    Indicator(
        "requests_decided_6_weeks_pct",
        "Requests decided within 6 weeks",
        TIMELINESS,
        "The share of requests for an EHC needs assessment decided in the year where the "
        "decision whether to assess was made within 6 weeks.",
        "Requests decided within 6 weeks",
        "Requests with a decision",
        PERCENT,
        HIGHER,
        NOT_BY_SETTING,
        flow=True,
        local=PANELS,
        published=True,
        dfe=_dfe(
            "requests.csv",
            REQUESTS_SUMMARY,
            (
                "request_outcome_six_weeks_pc",
                "Percentage of requests where decision made within 6 weeks",
            ),
        ),
        local_note="DfE's denominator includes requests whose decision date was not recorded, "
        "a count its files do not publish: for 38 authority-years the published percentage "
        "cannot be worked out from the published counts.",
    ),
    Indicator(
        "reviews_decided_4_weeks_pct",
        "Annual review decisions within 4 weeks",
        TIMELINESS,
        "The share of annual review outcomes communicated within 4 weeks of the review meeting.",
        "Review outcomes communicated within 4 weeks",
        "Review outcomes communicated",
        PERCENT,
        HIGHER,
        flow=True,
        local=PANELS,
        published=True,
        dfe=_dfe(
            "annual_reviews.csv",
            REVIEWS_SUMMARY,
            (
                "pc_decsion_4weeks",
                "Percentage where outcome of review communicated within 4 weeks",
            ),
        ),
    ),
    # ----- Financial ---------------------------------------------------------------------
    Indicator(
        "top_up_held",
        "Top-up funding held",
        FINANCIAL,
        "The annual top-up (element 3) the children's held funding bands attract at their "
        "current type of setting, under the authority's active rule set.",
        "Sum of the annual top-up for each child's held band",
        "",
        POUNDS,
        NEUTRAL,
        ALL_BREAKDOWNS,
        local=PROFILES,
        local_note="Bands and top-up rates come from the rule set, not from the authority's "
        "finance system; placement fees beyond the top-up table are not included.",
    ),
    Indicator(
        "top_up_recommended",
        "Top-up funding recommended",
        FINANCIAL,
        "The annual top-up the rules' current recommendations would fund at each child's "
        "current type of setting (the annual equivalent of a figure published per term).",
        "Sum of the recommended annual top-up",
        "",
        POUNDS,
        NEUTRAL,
        ALL_BREAKDOWNS,
        local=PROFILES,
        local_note=ABOVE_RANGE_NOTE,
    ),
    Indicator(
        "top_up_above_range",
        "Needs above the rule set's range",
        FINANCIAL,
        "Children and young people whose current recommendation is above the range of the "
        "rule set it was worked out with: the scheme sets no amount for them, so exceptional "
        "funding is agreed individually and the case is referred to panel.",
        "Children with a current needs profile whose points are above the top band",
        "",
        COUNT,
        NEUTRAL,
        ALL_BREAKDOWNS,
        local=PROFILES,
    ),
    Indicator(
        "top_up_avoidable",
        "Top-up that the recommendations would not need",
        FINANCIAL,
        "For cases where the need could be prevented, reduced or delayed, how much the top-up "
        "held exceeds the top-up recommended, added up over a year.",
        "Sum over those cases of held top-up minus recommended top-up (where positive)",
        "",
        POUNDS,
        LOWER,
        ALL_BREAKDOWNS,
        local=PROFILES,
    ),
    Indicator(
        "top_up_per_plan",
        "Recommended top-up per EHC plan",
        FINANCIAL,
        "The average annual top-up the rules' current recommendations give a child or young "
        "person with an EHC plan and a current needs profile, by type of setting: what the "
        "demand and cost projection prices each place at.",
        "Sum of the recommended top-up for children with a plan",
        "Children with a plan and a current needs profile within the rule set's range",
        POUNDS,
        NEUTRAL,
        ALL_BREAKDOWNS,
        local=PROFILES,
        local_note=PER_PLAN_NOTE,
    ),
    # ----- Valuing SEND ------------------------------------------------------------------
    Indicator(
        "avoidable_pct",
        "Could be prevented, reduced or delayed",
        VALUING_SEND,
        "Of the cases where more is held or asked for (an EHC plan, a specialist or independent "
        "place, a funding band, or a request for assessment, a plan, a specialist place or more "
        "funding), the share whose needs the rules find could be met with less: the need for "
        "services could be prevented, reduced or delayed.",
        "Cases classified could be prevented, could be reduced or could be delayed",
        "Cases with a current needs profile where more is held or asked for",
        PERCENT,
        LOWER,
        ALL_BREAKDOWNS,
        local=PROFILES,
    ),
    Indicator(
        "avoidable_of_all_pct",
        "Could be prevented, reduced or delayed (of all children)",
        VALUING_SEND,
        "The same cases as a share of every child with a current needs profile.",
        "Cases classified could be prevented, could be reduced or could be delayed",
        "Children with a current needs profile",
        PERCENT,
        LOWER,
        ALL_BREAKDOWNS,
        local=PROFILES,
    ),
    Indicator(
        "mainstream_capable_pct",
        "Needs could be met in mainstream",
        VALUING_SEND,
        "Of the cases where more is held or asked for, the share whose needs the rules find "
        "could be met in a mainstream setting with the recommended provision, split by how the "
        "recommendation compares with what is held and asked for.",
        "Cases where more is held or asked for whose needs mainstream can meet",
        "Cases with a current needs profile where more is held or asked for",
        PERCENT,
        HIGHER,
        ALL_BREAKDOWNS,
        local=PROFILES,
    ),
    Indicator(
        "mainstream_capable_of_all_pct",
        "Needs could be met in mainstream (of all children)",
        VALUING_SEND,
        "The share of every child with a current needs profile whose needs mainstream can meet.",
        "Children whose needs mainstream can meet",
        "Children with a current needs profile",
        PERCENT,
        HIGHER,
        ALL_BREAKDOWNS,
        local=PROFILES,
    ),
    Indicator(
        "mean_setting_readiness",
        "Mean setting readiness",
        VALUING_SEND,
        "How much of each child's needs their current setting's ordinary capability covers "
        "(0 to 100%, as on the child's profile), averaged over children with needs at a setting "
        "in the register.",
        "Sum of each child's setting readiness",
        "Children with needs at a setting in the register",
        MEAN_PERCENT,
        HIGHER,
        ALL_BREAKDOWNS,
        local=PROFILES,
    ),
    Indicator(
        "capability_shortfall_pct",
        "Settings' capability falls short of need",
        VALUING_SEND,
        "The share of children with needs at a setting in the register whose setting's "
        "ordinary capability is below their need in at least one domain; by domain, the share "
        "of children with a need in that domain whose setting falls short there. These are the "
        "training and sufficiency gaps.",
        "Children whose setting's capability is below their need",
        "Children with needs at a setting in the register",
        PERCENT,
        LOWER,
        ALL_BREAKDOWNS,
        split_by="domain",
        local=PROFILES,
    ),
)

CLASSIFICATIONS = (
    (
        "could_be_prevented",
        "Could be prevented",
        "an EHC plan is held or asked for, but the "
        "needs can be met at SEN support level, with ordinarily available and targeted provision",
        LOWER,
    ),
    (
        "could_be_reduced",
        "Could be reduced",
        "a specialist place or a higher band is held or "
        "asked for, but the needs can be met in mainstream with top-up, or at a lower band",
        LOWER,
    ),
    (
        "could_be_delayed",
        "Could be delayed",
        "an escalation is asked for, and the needs are "
        "met for now at the current level with named provision and an earlier review",
        LOWER,
    ),
    (
        "appropriately_placed",
        "Appropriately placed",
        "the recommendation matches what is held and asked for",
        HIGHER,
    ),
    (
        "under_supported",
        "Under-supported",
        "the needs exceed what is held and what is asked "
        "for: unmet need, shown as plainly as avoidable cost",
        LOWER,
    ),
)
INDICATORS = INDICATORS + tuple(
    Indicator(
        f"classified_{code}_pct",
        title,
        VALUING_SEND,
        f"The share of children with a current needs profile classified {title.lower()}: "
        f"{meaning}.",
        f"Children classified {title.lower()}",
        "Children with a current needs profile",
        PERCENT,
        direction,
        (ETHNICITY, GENDER, NEED, PHASE, SETTING_TYPE),
        local=PROFILES,
    )
    for code, title, meaning, direction in CLASSIFICATIONS
)

BY_ID: dict[str, Indicator] = {indicator.id: indicator for indicator in INDICATORS}
BY_SLUG: dict[str, Indicator] = {indicator.slug: indicator for indicator in INDICATORS}


def get(indicator_id: str) -> Indicator:
    return BY_ID[indicator_id]


def in_group(group: str) -> list[Indicator]:
    return [indicator for indicator in INDICATORS if indicator.group == group]
