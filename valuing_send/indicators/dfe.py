"""What the DfE files hold and how each column becomes an indicator: the file specifications
the importer (``published.py``) follows, DfE's rounding and DfE's category labels.

Pure Python (no Django): the published-figures test reads the files through these same
specifications and checks every published percentage against its counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# DfE's special values (data guidance: "z - Not applicable, x - unavailable"; c is DfE's
# suppression mark, absent from the 2025 release but kept if a later one uses it). LAIT
# writes "-" for a figure it does not have.
MARKERS = {
    "x": "not available",
    "c": "suppressed to protect confidentiality",
    "z": "not applicable",
    "-": "not available in LAIT",
}
ONE_PLACE = Decimal("0.1")


def dfe_percent(numerator: int, denominator: int | None) -> Decimal | None:
    """A percentage to one decimal place, rounded as DfE rounds it: numerator ÷ denominator ×
    100 worked out in double precision, then rounded half up on that binary value. So 92 ÷ 320
    (28.749999… in binary) is 28.7 and 49 ÷ 400 (exactly 12.25) is 12.3. Exact decimal
    arithmetic, or rounding half to even, disagree with DfE on several hundred published
    figures; this agrees with all but the rows named in tests/indicators/test_published.py."""
    if not denominator:
        return None
    return Decimal(numerator / denominator * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def census_year(time_period: str) -> int:
    """The January a DfE period belongs to: academic year 202425 is January 2025; calendar
    year 2024 (flows during 2024) is reported with January 2025, as in the 2025 release; a
    LAIT census year 2025 is January 2025."""
    text = time_period.strip()
    if len(text) == 6 and text.isdigit():
        return int(text[:4]) + 1
    if len(text) == 4 and text.isdigit():
        return int(text) + 1
    raise ValueError(f"not a DfE time period: {time_period!r}")


# ----- Categories ---------------------------------------------------------------------------

GENDERS = {"Female": "F", "Male": "M", "Unknown": "U"}

# DfE's ethnicity labels → the school census main codes (assessments/codes.py). DfE reports
# refused and not yet obtained together as "Unclassified".
ETHNICITIES = {
    "White - White British": "WBRI",
    "White - Irish": "WIRI",
    "White - Traveller of Irish heritage": "WIRT",
    "White - Gypsy/Roma": "WROM",
    "White - Any other White background": "WOTH",
    "Mixed - White and Black Caribbean": "MWBC",
    "Mixed - White and Black African": "MWBA",
    "Mixed - White and Asian": "MWAS",
    "Mixed - Any other Mixed background": "MOTH",
    "Asian - Indian": "AIND",
    "Asian - Pakistani": "APKN",
    "Asian - Bangladeshi": "ABAN",
    "Asian - Any other Asian background": "AOTH",
    "Asian - Chinese": "CHNE",
    "Black - Black Caribbean": "BCRB",
    "Black - Black African": "BAFR",
    "Black - Any other Black background": "BOTH",
    "Any other ethnic group": "OOTH",
    "Unclassified": "UNCL",
}
UNCLASSIFIED_ETHNICITY = "UNCL"
# Our refused (REFU) and not yet obtained (NOBT) are one DfE category.
ETHNICITY_GROUPS = {"REFU": UNCLASSIFIED_ETHNICITY, "NOBT": UNCLASSIFIED_ETHNICITY}

# Age phases (assessments/codes.py AGE_PHASES): DfE publishes single years of age, which the
# importer adds up into phases (marked derived).
AGE_PHASE_BOUNDS = (("early_years", 0, 4), ("primary", 5, 10), ("secondary", 11, 15))


def age_phase_of_label(label: str) -> str | None:
    """``age 7`` → primary; ``under 3`` / ``age 2 and under`` → early years; ``age 20 and
    over`` → post-16; anything else (``Unknown``) → None."""
    text = label.strip().lower()
    if text in ("under 3", "age 2 and under"):
        return "early_years"
    if text == "age 20 and over":
        return "post_16"
    if text.startswith("age ") and text[4:].isdigit():
        age = int(text[4:])
        for phase, youngest, oldest in AGE_PHASE_BOUNDS:
            if youngest <= age <= oldest:
                return phase
        return "post_16"
    return None


# DfE's primary need columns → SEN2 need codes. Down syndrome is inside "oth" (DfE footnote).
NEED_COLUMNS = {
    "asd": "ASD",
    "hi": "HI",
    "mld": "MLD",
    "msi": "MSI",
    "oth": "OTH",
    "pd": "PD",
    "pmld": "PMLD",
    "semh": "SEMH",
    "slcn": "SLCN",
    "sld": "SLD",
    "spld": "SPLD",
    "vi": "VI",
    "need_unknown": "UNKNOWN",
}


# ----- File specifications ------------------------------------------------------------------

type Row = Mapping[str, str]

# Placement groups of caseload and newplans, which add up to all plans from the individual
# (SEN2 person-level) collection on.
PLACEMENT_GROUPS = (
    "mainstream_total",
    "special_total",
    "ap_pru_total",
    "fe_total",
    "ed_elsewhere",
    "nm_early_years",
    "placement_unknown",
)


def number(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    if not text or text in MARKERS:
        return None
    return int(text)


def column(name: str) -> Callable[[Row], int | None]:
    def read(row: Row) -> int | None:
        return number(row.get(name))

    read.columns = (name,)
    return read


def columns_sum(*names: str) -> Callable[[Row], int | None]:
    def read(row: Row) -> int | None:
        values = [number(row.get(name)) for name in names]
        return None if all(v is None for v in values) else sum(v or 0 for v in values)

    read.columns = names
    return read


def placement_denominator(total: str, *, individual_from: int) -> Callable[[Row], int | None]:
    """The denominator of DfE's placement percentages. From the person-level collection on
    (census year ``individual_from``), DfE divides by the plans whose placement was returned:
    the sum of the placement groups. It differs from the total where an authority returned a
    total but no placements (Hackney and Peterborough, January 2024: England's 43.3% in
    mainstream is 248,016 of 572,829, not of 576,474) and where a published total is wrong
    (new plans 2022 in Yorkshire and the Humber, see ``SUSPECT_COUNTS``). Before that, DfE
    divides by the total."""

    def read(row: Row) -> int | None:
        if census_year(row["time_period"]) >= individual_from:
            values = [number(row.get(name)) for name in PLACEMENT_GROUPS]
            if all(v is None for v in values):
                return None
            return sum(v or 0 for v in values)
        return number(row.get(total))

    read.columns = (total, *PLACEMENT_GROUPS)
    return read


@dataclass(frozen=True)
class Measure:
    """One indicator read from a file: its count (numerator) column(s), the percentage DfE
    publishes (if any) and its denominator. ``category`` fixes a breakdown for wide files
    (one column per primary need). A measure with ``percent`` None and a denominator is a
    share DfE does not publish: the importer works it out (``derived``)."""

    indicator: str
    count: Callable[[Row], int | None]
    percent: str | None = None
    denominator: Callable[[Row], int | None] | None = None
    category: tuple[str, str] | None = None
    skip_suspect_count: bool = False
    # Whether breakdown rows (sex, ethnicity, age) are imported for it, or totals only.
    broken_down: bool = True

    @property
    def is_share(self) -> bool:
        return self.denominator is not None


@dataclass(frozen=True)
class FileSpec:
    """One DfE file: where its rows' breakdowns go and which measures it carries."""

    name: str  # file name without extension
    release: str
    total_topics: frozenset[str]
    topics: Mapping[str, str] = field(default_factory=dict)  # DfE topic → our dimension
    measures: tuple[Measure, ...] = ()
    # Columns the file has that no indicator uses (reported once, not as unknown).
    unused_columns: frozenset[str] = frozenset()


IDENTIFIERS = frozenset(
    {
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "new_la_code",
        "old_la_code",
        "la_name",
        "breakdown_topic",
        "breakdown",
    }
)
CHARACTERISTICS = {
    "Sex": "gender",
    "Ethnicity": "ethnicity",
    "Child or young persons age": "age_phase",
}


def _placement_measures(total: str, prefix: str, individual_from: int) -> tuple[Measure, ...]:
    denominator = placement_denominator(total, individual_from=individual_from)
    return (
        Measure(
            f"{prefix}_mainstream_pct",
            column("mainstream_total"),
            "mainstream_total_pc",
            denominator,
        ),
        Measure(f"{prefix}_special_pct", column("special_total"), "special_total_pc", denominator),
        Measure(
            f"{prefix}_independent_special_pct",
            columns_sum("special_independent", "special_non_maintained"),
            None,
            denominator,
        ),
        *(
            Measure(
                f"{prefix}_{name}_pct",
                column(count),
                f"{count}_pc",
                denominator,
                broken_down=False,
            )
            for name, count in (
                ("ap", "ap_pru_total"),
                ("fe", "fe_total"),
                ("early_years", "nm_early_years"),
                ("elsewhere", "ed_elsewhere"),
                ("placement_unknown", "placement_unknown"),
            )
        ),
    )


PLACEMENT_DETAIL = frozenset(
    {
        "mainstream_la_maintained",
        "mainstream_la_maintained_resourced_provision",
        "mainstream_la_maintained_senunit",
        "mainstream_academy",
        "mainstream_academy_resourced_provision",
        "mainstream_academy_senunit",
        "mainstream_free_school",
        "mainstream_free_school_resourced_provision",
        "mainstream_free_school_senunit",
        "mainstream_independent",
        "special_la_maintained",
        "special_academy_free",
        "ap_pru_academy",
        "ap_pru_free_school",
        "ap_pru_la_maintained",
        "general_fe_tertiary_colleges",
        "specialist_post_16_institutions",
        "ukrlp_provider",
        "elective_home_education",
        "other_arrangements_la",
        "other_arrangements_parents",
        "online_provider",
        "w_settings",
        "other_schools",
        "other_placement_settings",
        "neet",
        "neet_ntci",
        "neet_other",
        "neet_other_csa",
        "await_prov_2022",
        "perm_ex_2022",
    }
)


def _need_measures(indicator: str) -> tuple[Measure, ...]:
    return tuple(
        Measure(
            indicator,
            column(f"number_{name}"),
            "unknown_pc" if name == "need_unknown" else f"{name}_pc",
            column("ehc_plans"),
            category=("primary_need", code),
        )
        for name, code in NEED_COLUMNS.items()
    )


EHCP_RELEASE = "DfE Education, health and care plans, 2025"
LAIT_RELEASE = "DfE Special educational needs in England via LAIT, 2016–2025"

FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "caseload",
        EHCP_RELEASE,
        frozenset({"All EHC plans"}),
        CHARACTERISTICS,
        (
            Measure("ehc_plans", column("ehcplans")),
            *_placement_measures("ehcplans", "plans", individual_from=2024),
        ),
        unused_columns=PLACEMENT_DETAIL,
    ),
    FileSpec(
        "newplans_all_and_age",
        EHCP_RELEASE,
        frozenset({"New EHC plans"}),
        {"Age when plan started": "age_phase"},
        (
            Measure("new_plans", column("new_ehc_plans"), skip_suspect_count=True),
            *_placement_measures("new_ehc_plans", "new_plans", individual_from=2023),
        ),
        unused_columns=PLACEMENT_DETAIL,
    ),
    FileSpec(
        "sen_needs_all_plans",
        EHCP_RELEASE,
        frozenset({"All EHC plans"}),
        {},
        _need_measures("plans_by_need"),
    ),
    FileSpec(
        "sen_need_newplans",
        EHCP_RELEASE,
        frozenset({"All EHC plans"}),
        {},
        _need_measures("new_plans_by_need"),
    ),
    FileSpec(
        "timeliness_20_week",
        EHCP_RELEASE,
        frozenset({"All EHC plans issued"}),
        CHARACTERISTICS,
        (
            Measure(
                "plans_within_20_weeks_ex",
                column("plans_issued_20_weeks_ex"),
                "pc_plans_issued_20_weeks_ex",
                column("plans_issued_den_ex"),
            ),
            Measure(
                "plans_within_20_weeks",
                column("plans_issued_within_20_weeks"),
                "pc_plans_issued_within_20_weeks",
                column("plans_issued_den"),
            ),
            Measure(
                "plans_over_a_year_ex",
                column("plans_issued_gt_1_year_ex"),
                "pc_plans_issued_gt_1_year_ex",
                column("plans_issued_den_ex"),
                broken_down=False,
            ),
        ),
        unused_columns=frozenset(
            {
                "plans_issued_gt20weeks_ltyear",
                "plans_issued_gt20weeks_ltyear_ex",
                "pc_plans_issued_gt20weeks_ltyear",
                "pc_plans_issued_gt20weeks_ltyear_ex",
                "plans_issued_gt_1_year",
                "pc_plans_issued_gt_1_year",
            }
        ),
    ),
    FileSpec(
        "requests_all",
        EHCP_RELEASE,
        frozenset({"All requests for EHC needs assessments"}),
        {},
        (
            Measure("requests", column("requests_received_in_year")),
            Measure(
                "requests_refused_pct",
                column("requests_decided_not_to_assess"),
                "request_not_assess_pc",
                column("requests_received_in_year"),
            ),
            Measure(
                "requests_assessed_pct",
                column("requests_decided_to_assess"),
                "request_assess_pc",
                column("requests_received_in_year"),
            ),
            Measure(
                "requests_decided_6_weeks_pct",
                column("request_outcome_six_weeks"),
                "request_outcome_six_weeks_pc",
                columns_sum("request_outcome_six_weeks", "request_outcome_over_6_weeks"),
            ),
        ),
        unused_columns=frozenset(
            {
                "requests_rya",
                "requests_decision_not_made",
                "requests_withdrawn",
                "request_outstanding_pc",
                "request_withdrawn_pc",
                "request_outcome_over_6_weeks",
                "request_outcome_over_6_weeks_pc",
                "mediation_related_request",
                "tribunal_related_request",
                "tribunal_after_mediation_request",
            }
        ),
    ),
    FileSpec(
        "assessments_all",
        EHCP_RELEASE,
        frozenset({"All EHC needs assessments"}),
        {},
        (
            Measure(
                "assessments_plan_issued_pct",
                column("assess_issued"),
                "assess_issued_pc",
                column("assess_in_year"),
            ),
        ),
        unused_columns=frozenset(
            {
                "assess_in_year",
                "assess_not_issued",
                "assess_not_issued_pc",
                "assess_not_made",
                "assess_not_made_pc",
                "assess_withdrawn",
                "assess_withdrawn_pc",
                "outcome_decision_within_time",
                "outcome_decision_over_time",
                "outcome_decision_within_time_pc",
                "outcome_decision_over_time_pc",
                "number_assess_mediation",
                "number_assess_tribunal",
                "number_asssess_mediation_tribunal",
                "number_other_mediation",
                "number_other_tribunal",
                "number_other_mediation_tribunal",
            }
        ),
    ),
    FileSpec(
        "ceased_plans_all",
        EHCP_RELEASE,
        frozenset({"All ceased EHC plans"}),
        {},
        (
            Measure("ceased_plans", column("total_ceased")),
            Measure("ceased_needs_met_pct", column("needs_met"), None, column("total_ceased")),
            Measure(
                "ceased_to_work_or_study_pct",
                columns_sum("he", "employ"),
                None,
                column("total_ceased"),
            ),
        ),
        unused_columns=frozenset(
            {
                "max_age",
                "transfer",
                "no_engage",
                "moved_outside_eng",
                "deceased",
                "not_rec",
                "other",
            }
        ),
    ),
    FileSpec(
        "annual_reviews_all",
        EHCP_RELEASE,
        frozenset({"All annual reviews"}),
        {},
        (
            Measure(
                "reviews_decided_4_weeks_pct",
                column("number_decsion_4weeks"),
                "pc_decsion_4weeks",
                columns_sum("number_decsion_4weeks", "number_decision_gt_4weeks"),
            ),
        ),
        unused_columns=frozenset(
            {
                "total_ehc_plans",
                "review_expected",
                "review_not_expected",
                "review_meeting_25",
                "review_meeting_24",
                "review_meeting_prior_24",
                "total_review_meeting",
                "no_review_meeting",
                "review_decision25",
                "review_decision24",
                "review_decision_prior24",
                "review_decision_not_due",
                "review_decision_outstanding",
                "outcome_amend",
                "outcome_cease",
                "outcome_maintan",
                "no_outcome",
                "number_decision_gt_4weeks",
                "pc_decision_gt_4weeks",
            }
        ),
    ),
)

# Percentages the release publishes, each with the counts it is worked out from: what the
# published-figures test recomputes over every row of every file (all breakdowns, not only
# the ones imported). Keys are (file, percentage column); values (numerator, denominator).
PUBLISHED_PERCENTAGES: dict[tuple[str, str], tuple[Callable, Callable]] = {}
for _spec in FILES:
    for _measure in _spec.measures:
        if _measure.percent:
            PUBLISHED_PERCENTAGES[(_spec.name, _measure.percent)] = (
                _measure.count,
                _measure.denominator,
            )
_timeliness_in = column("plans_issued_den")
_timeliness_ex = column("plans_issued_den_ex")
PUBLISHED_PERCENTAGES.update(
    {
        ("timeliness_20_week", "pc_plans_issued_gt20weeks_ltyear"): (
            column("plans_issued_gt20weeks_ltyear"),
            _timeliness_in,
        ),
        ("timeliness_20_week", "pc_plans_issued_gt20weeks_ltyear_ex"): (
            column("plans_issued_gt20weeks_ltyear_ex"),
            _timeliness_ex,
        ),
        ("timeliness_20_week", "pc_plans_issued_gt_1_year"): (
            column("plans_issued_gt_1_year"),
            _timeliness_in,
        ),
        ("requests_all", "request_outstanding_pc"): (
            column("requests_decision_not_made"),
            column("requests_received_in_year"),
        ),
        ("requests_all", "request_withdrawn_pc"): (
            column("requests_withdrawn"),
            column("requests_received_in_year"),
        ),
        ("requests_all", "request_outcome_over_6_weeks_pc"): (
            column("request_outcome_over_6_weeks"),
            columns_sum("request_outcome_six_weeks", "request_outcome_over_6_weeks"),
        ),
        ("annual_reviews_all", "pc_decision_gt_4weeks"): (
            column("number_decision_gt_4weeks"),
            columns_sum("number_decsion_4weeks", "number_decision_gt_4weeks"),
        ),
        **{
            ("assessments_all", f"assess_{name}_pc"): (
                column(f"assess_{name}"),
                column("assess_in_year"),
            )
            for name in ("not_issued", "not_made", "withdrawn")
        },
        **{
            ("assessments_all", f"outcome_decision_{name}_pc"): (
                column(f"outcome_decision_{name}"),
                columns_sum("outcome_decision_within_time", "outcome_decision_over_time"),
            )
            for name in ("within_time", "over_time")
        },
    }
)

# LAIT's school-census percentages: published values only (LAIT carries no counts).
LAIT_FILE = "lait_sen_pupil_percentages_2016_2025"
LAIT_MEASURES = {
    "SEN_TotStat": "pct_pupils_ehc_plan",
    "SEN_TotSENSuP": "pct_pupils_sen_support",
}
NEIGHBOURS_FILE = "statistical_neighbours_2025"
