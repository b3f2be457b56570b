#!/usr/bin/env python3
"""Derive the demo generator's reference data from the published DfE files.

Reads the DfE statistics kept beside the checkout (``../shared/data/dfe``, see its README) and
writes, reproducibly:

* ``seeds/dfe/authorities_2025.csv``: the 153 English local authorities of January 2025 with
  their codes, region, EHC plan count and school-census SEN percentages;
* ``seeds/demo/calibration.yaml``: the national distributions the generator is calibrated to
  (each with the file, filter and columns it comes from), followed by the assumptions for
  what the published files do not hold (written below in ``ASSUMPTIONS``, copied verbatim).

The app never reads ``../shared`` at run time: only these two outputs, which are committed.

Usage: ``python scripts/derive_seed_data.py [--source ../shared/data/dfe] [--check]``.
``--check`` writes nothing and fails if the committed files differ from what it would write.
Uses only the standard library and PyYAML.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "dfe"
AUTHORITIES_CSV = ROOT / "seeds" / "dfe" / "authorities_2025.csv"
CALIBRATION_YAML = ROOT / "seeds" / "demo" / "calibration.yaml"

PERIOD = "202425"  # academic-year code: the January 2025 snapshot
LAIT_YEAR = "2025"  # January 2025 school census
# Below this % of pupils with an EHC plan the school-census ratio rests on a handful of pupils
# (City of London: 0.4%, one primary school), so the national ratio is used instead.
MIN_PCT_EHC_FOR_LOCAL_RATIO = 1.0

# Our setting types (assessments/rules/codes.py SETTING_TYPES) and "none" (no setting: home
# education, not in education or training, placement not recorded), as sums of caseload.csv
# columns.
PLACEMENT_COLUMNS = {
    "mainstream": [
        "mainstream_la_maintained",
        "mainstream_academy",
        "mainstream_free_school",
        "mainstream_independent",
    ],
    "resourced": [
        "mainstream_la_maintained_resourced_provision",
        "mainstream_la_maintained_senunit",
        "mainstream_academy_resourced_provision",
        "mainstream_academy_senunit",
        "mainstream_free_school_resourced_provision",
        "mainstream_free_school_senunit",
    ],
    "state_special": ["special_la_maintained", "special_academy_free"],
    "independent_special": ["special_independent", "special_non_maintained"],
    "ap": ["ap_pru_total"],
    "fe": ["fe_total"],
    "early_years": ["nm_early_years"],
    "other": [
        "other_arrangements_la",
        "other_arrangements_parents",
        "online_provider",
        "w_settings",
        "other_schools",
        "other_placement_settings",
    ],
    "none": [
        "elective_home_education",
        "neet",
        "neet_ntci",
        "neet_other",
        "neet_other_csa",
        "placement_unknown",
    ],
}
# The same categories as sen_needs_all_plans.csv "Type of placement" breakdowns.
PLACEMENT_BREAKDOWNS = {
    "mainstream": [
        "Mainstream - LA maintained",
        "Mainstream - academy",
        "Mainstream - free school",
        "Mainstream - independent",
    ],
    "resourced": [
        "Mainstream - LA maintained (resourced provision)",
        "Mainstream - LA maintained (SEN unit)",
        "Mainstream - academy (resourced provision)",
        "Mainstream - academy (SEN unit)",
        "Mainstream - free school (resourced provision)",
        "Mainstream - free school (SEN unit)",
    ],
    "state_special": ["Special - LA maintained", "Special - Academy/free schools"],
    "independent_special": ["Special - independent", "Special - non-maintained"],
    "ap": ["AP/PRU - total"],
    "fe": ["FE - total"],
    "early_years": ["Non-maintained early years"],
    "other": [
        "Educated elsewhere - other arrangements by LA",
        "Educated elsewhere - other arrangements by parents",
        "Educated elsewhere - online provider",
        "Educated elsewhere - Welsh establishment",
        "Educated elsewhere - other schools and establishments",
        "Educated elsewhere - other placement settings",
    ],
    "none": [
        "Educated elsewhere - elective home education",
        "Educated elsewhere - NEET",
        "Educated elsewhere - not in education or training (compulsory school age)",
        "Educated elsewhere - not in education or training (notice to cease issued)",
        "Educated elsewhere - not in education or training (other)",
        "Placement not recorded",
    ],
}
NEED_COLUMNS = {
    "ASD": "number_asd",
    "SLCN": "number_slcn",
    "SEMH": "number_semh",
    "MLD": "number_mld",
    "SLD": "number_sld",
    "PD": "number_pd",
    "SPLD": "number_spld",
    "HI": "number_hi",
    "PMLD": "number_pmld",
    "OTH": "number_oth",
    "VI": "number_vi",
    "MSI": "number_msi",
    "unknown": "number_need_unknown",
}
ETHNICITY_BREAKDOWNS = {
    "WBRI": "White - White British",
    "WIRI": "White - Irish",
    "WIRT": "White - Traveller of Irish heritage",
    "WROM": "White - Gypsy/Roma",
    "WOTH": "White - Any other White background",
    "MWBC": "Mixed - White and Black Caribbean",
    "MWBA": "Mixed - White and Black African",
    "MWAS": "Mixed - White and Asian",
    "MOTH": "Mixed - Any other Mixed background",
    "AIND": "Asian - Indian",
    "APKN": "Asian - Pakistani",
    "ABAN": "Asian - Bangladeshi",
    "AOTH": "Asian - Any other Asian background",
    "CHNE": "Asian - Chinese",
    "BCRB": "Black - Black Caribbean",
    "BAFR": "Black - Black African",
    "BOTH": "Black - Any other Black background",
    "OOTH": "Any other ethnic group",
    "unclassified": "Unclassified",
}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _int(value: str) -> int | None:
    return None if value in ("x", "z", "", "-") else int(value)


def _sum_or_blank(row: dict, columns) -> int | str:
    values = [_int(row[c]) for c in columns]
    return "" if None in values else sum(values)


def _age_key(breakdown: str) -> int:
    # "under 3" is held as age 2: the generator gives these children ages 1 and 2.
    return 2 if breakdown == "under 3" else int(breakdown.removeprefix("age "))


def _source(file: str, filter_: str, columns) -> dict:
    return {"file": file, "filter": filter_, "columns": columns}


def derive(source: Path) -> tuple[str, str]:
    caseload = [
        r for r in _read(source / "ehcp_2025" / "caseload.csv") if r["time_period"] == PERIOD
    ]
    needs = _read(source / "ehcp_2025" / "sen_needs_all_plans.csv")
    lait = [
        r
        for r in _read(source / "lait" / "lait_sen_pupil_percentages_2016_2025.csv")
        if r["year"] == LAIT_YEAR and r["measure_short"] in ("SEN_TotStat", "SEN_TotSENSuP")
    ]
    pct = {(r["old_la_code"], r["measure_short"]): r["value"] for r in lait}

    def national(rows, topic, breakdown=None):
        found = [
            r
            for r in rows
            if r["geographic_level"] == "National"
            and r["time_period"] == PERIOD
            and r["breakdown_topic"] == topic
            and (breakdown is None or r["breakdown"] == breakdown)
        ]
        return found

    (england,) = national(caseload, "All EHC plans", "All EHC plans")
    england_pct_ehc = float(pct[("970", "SEN_TotStat")])
    england_pct_k = float(pct[("970", "SEN_TotSENSuP")])
    national_ratio = round(england_pct_k / england_pct_ehc, 4)

    # ----- authorities_2025.csv -----
    la_rows = [
        r
        for r in caseload
        if r["geographic_level"] == "Local authority" and r["breakdown_topic"] == "All EHC plans"
    ]
    la_rows.sort(key=lambda r: r["old_la_code"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "old_la_code",
            "new_la_code",
            "la_name",
            "region_code",
            "region_name",
            "ehc_plans_2025",
            "ehc_plans_in_schools_2025",
            "pct_pupils_ehc_plan_2025",
            "pct_pupils_sen_support_2025",
            "sen_support_ratio",
            "sen_support_ratio_basis",
            *(f"placement_{cat}" for cat in PLACEMENT_COLUMNS),
            *(f"need_{need}" for need in NEED_COLUMNS),
        ]
    )
    la_needs = {
        r["old_la_code"]: r
        for r in needs
        if r["geographic_level"] == "Local authority"
        and r["time_period"] == PERIOD
        and r["breakdown_topic"] == "All EHC plans"
    }
    for r in la_rows:
        code = r["old_la_code"]
        in_schools = [_int(r[c]) for c in ("mainstream_total", "special_total", "ap_pru_total")]
        pct_e = pct.get((code, "SEN_TotStat"), "-")
        pct_k = pct.get((code, "SEN_TotSENSuP"), "-")
        if (
            pct_e not in ("-", "")
            and pct_k not in ("-", "")
            and float(pct_e) >= MIN_PCT_EHC_FOR_LOCAL_RATIO
        ):
            ratio, basis = round(float(pct_k) / float(pct_e), 4), "local authority"
        else:
            ratio, basis = national_ratio, "England (local figure missing or below 1% of pupils)"
        writer.writerow(
            [
                code,
                r["new_la_code"],
                r["la_name"],
                r["region_code"],
                r["region_name"],
                r["ehcplans"],
                "" if None in in_schools else sum(in_schools),
                pct_e,
                pct_k,
                f"{ratio:.4f}",
                basis,
                # Each authority's own placement mix ("" where DfE has "x": not returned).
                *(_sum_or_blank(r, cols) for cols in PLACEMENT_COLUMNS.values()),
                *(_sum_or_blank(la_needs[code], [col]) for col in NEED_COLUMNS.values()),
            ]
        )
    authorities_csv = out.getvalue()

    # ----- calibration.yaml: published figures -----
    caseload_file = "ehcp_2025/caseload.csv"
    needs_file = "ehcp_2025/sen_needs_all_plans.csv"
    lait_file = "lait/lait_sen_pupil_percentages_2016_2025.csv"
    placement_england = {
        cat: sum(int(england[c]) for c in cols) for cat, cols in PLACEMENT_COLUMNS.items()
    }
    assert sum(placement_england.values()) == int(england["ehcplans"]), "placements must add up"

    need_by_placement = {}
    placement_rows = {r["breakdown"]: r for r in national(needs, "Type of placement")}
    for cat, labels in PLACEMENT_BREAKDOWNS.items():
        need_by_placement[cat] = [
            sum(int(placement_rows[label][col]) for label in labels)
            for col in NEED_COLUMNS.values()
        ]
    assert sum(map(sum, need_by_placement.values())) == int(england["ehcplans"])

    age_rows = sorted(
        national(caseload, "Child or young persons age"), key=lambda r: _age_key(r["breakdown"])
    )
    ages = [_age_key(r["breakdown"]) for r in age_rows]
    age_by_placement = {
        cat: [sum(int(r[c]) for c in cols) for r in age_rows]
        for cat, cols in PLACEMENT_COLUMNS.items()
    }
    need_age_rows = {
        _age_key(r["breakdown"]): r for r in national(needs, "Child or young persons age")
    }
    need_by_age = {
        need: [int(need_age_rows[age][col]) for age in ages] for need, col in NEED_COLUMNS.items()
    }
    sex_rows = {r["breakdown"]: r for r in national(needs, "Sex")}
    (all_needs,) = national(needs, "All EHC plans", "All EHC plans")

    ethnicity_rows = [r for r in caseload if r["breakdown_topic"] == "Ethnicity"]

    def ethnicity_counts(level, region=None):
        rows = {
            r["breakdown"]: r
            for r in ethnicity_rows
            if r["geographic_level"] == level and (region is None or r["region_name"] == region)
        }
        return {code: int(rows[label]["ehcplans"]) for code, label in ETHNICITY_BREAKDOWNS.items()}

    regions = sorted({r["region_name"] for r in la_rows})
    years_rows = {r["breakdown"]: r for r in national(caseload, "Years EHC plan in place")}
    years = {"less than a year": int(years_rows["Less than a year"]["ehcplans"])}
    for k in range(1, 12):
        years[str(k)] = int(years_rows[str(k)]["ehcplans"])
    years["12 or more"] = int(years_rows["12 or more"]["ehcplans"])

    la_counts = [int(r["ehcplans"]) for r in la_rows]
    published = {
        "ehc_plans_england": {
            "value": int(england["ehcplans"]),
            "source": _source(
                caseload_file,
                f"time_period={PERIOD}, geographic_level=National, breakdown=All EHC plans",
                "ehcplans",
            ),
        },
        "ehc_plans_median_local_authority": {
            "value": int(statistics.median(la_counts)),
            "local_authorities": len(la_counts),
            "source": _source(
                caseload_file,
                f"time_period={PERIOD}, geographic_level=Local authority, breakdown=All EHC plans",
                "ehcplans (median over the local authorities)",
            ),
        },
        "sen_support_ratio_england": {
            "value": national_ratio,
            "pct_pupils_ehc_plan": england_pct_ehc,
            "pct_pupils_sen_support": england_pct_k,
            "source": _source(
                lait_file,
                f"year={LAIT_YEAR}, la_name=England",
                "value of SEN_TotSENSuP / value of SEN_TotStat",
            ),
        },
        "ehc_placement": {
            "source": _source(
                caseload_file,
                f"time_period={PERIOD}, geographic_level=National, breakdown=All EHC plans",
                PLACEMENT_COLUMNS,
            ),
            "england": placement_england,
        },
        "ehc_need_by_placement": {
            "source": _source(
                needs_file,
                f"time_period={PERIOD}, geographic_level=National, breakdown_topic=Type of placement",
                list(NEED_COLUMNS.values()),
            ),
            "breakdowns": PLACEMENT_BREAKDOWNS,
            "needs": list(NEED_COLUMNS),
            "counts": need_by_placement,
        },
        "ehc_need_england": {
            "source": _source(
                needs_file,
                f"time_period={PERIOD}, geographic_level=National, breakdown=All EHC plans",
                list(NEED_COLUMNS.values()),
            ),
            "counts": {need: int(all_needs[col]) for need, col in NEED_COLUMNS.items()},
        },
        "ehc_age_by_placement": {
            "source": _source(
                caseload_file,
                f"time_period={PERIOD}, geographic_level=National, breakdown_topic=Child or young persons age ('under 3' held as 2)",
                "as ehc_placement",
            ),
            "ages": ages,
            "counts": age_by_placement,
        },
        "ehc_need_by_age": {
            "source": _source(
                needs_file,
                f"time_period={PERIOD}, geographic_level=National, breakdown_topic=Child or young persons age ('under 3' held as 2)",
                list(NEED_COLUMNS.values()),
            ),
            "ages": ages,
            "counts": need_by_age,
        },
        "ehc_sex_by_need": {
            "source": _source(
                needs_file,
                f"time_period={PERIOD}, geographic_level=National, breakdown_topic=Sex",
                list(NEED_COLUMNS.values()),
            ),
            "female": {need: int(sex_rows["Female"][col]) for need, col in NEED_COLUMNS.items()},
            "male": {need: int(sex_rows["Male"][col]) for need, col in NEED_COLUMNS.items()},
        },
        "ehc_ethnicity": {
            "source": _source(
                caseload_file,
                f"time_period={PERIOD}, breakdown_topic=Ethnicity, geographic_level=National and Regional",
                "ehcplans",
            ),
            "breakdowns": ETHNICITY_BREAKDOWNS,
            "england": ethnicity_counts("National"),
            "regions": {region: ethnicity_counts("Regional", region) for region in regions},
        },
        "ehc_years_in_plan": {
            "source": _source(
                caseload_file,
                f"time_period={PERIOD}, geographic_level=National, breakdown_topic=Years EHC plan in place",
                "ehcplans",
            ),
            "counts": years,
        },
    }
    header = (
        "# Demo data calibration. GENERATED by scripts/derive_seed_data.py: do not edit by hand.\n"
        "# `published` is read from the DfE files in ../shared/data/dfe (Open Government Licence v3.0);\n"
        "# `assumptions` is what those files do not hold, written in the script. See README.md here.\n"
        "schema: valuing-send/demo-calibration@1\n"
        "census: January 2025\n"
    )
    body = yaml.safe_dump(
        {"published": published},
        sort_keys=False,
        default_flow_style=None,
        width=120,
        allow_unicode=True,
    )
    return authorities_csv, header + body + "\n" + ASSUMPTIONS


# What the published files do not say, with the reasoning. Emitted verbatim into the YAML.
ASSUMPTIONS = """\
assumptions:
  # ---- Primary need ----
  # The EHC plan files count Down syndrome under "other" (ehcp_2025 README). We give DS this
  # share of the "other" count; the rest stays OTH. Plans with an unknown need are spread over
  # the known needs in proportion (so ASD is 31.5% of all plans, 31.75% of plans with a need).
  ds_share_of_other: 0.4
  # SEN support: the school-census need breakdown (sen_phase_type) is not in ../shared (its
  # README, section 5). Approximate January 2024-2025 national shares of pupils on SEN support
  # by primary need, from DfE "Special educational needs in England" headlines: SLCN, SEMH, MLD
  # and SpLD dominate; NSA exists only for SEN support. Percent, adds up to 100.
  sen_support_need_percent:
    SLCN: 25.5
    SEMH: 21.5
    MLD: 15.5
    SPLD: 14.5
    ASD: 7.0
    NSA: 7.3
    OTH: 4.0
    PD: 1.9
    HI: 1.3
    VI: 0.8
    SLD: 0.3
    MSI: 0.2
    PMLD: 0.1
    DS: 0.1
  # SEN support is recorded by schools, early years settings and colleges: almost all in
  # mainstream. Percent, adds up to 100.
  sen_support_placement_percent:
    mainstream: 89.0
    resourced: 1.0
    early_years: 4.0
    fe: 4.5
    ap: 0.8
    state_special: 0.3
    other: 0.2
    none: 0.2
  # Relative weights by age (academic age: age on 31 August) within each SEN support
  # placement; the need-by-age pattern of EHC plans is then applied on top.
  sen_support_age_weights:
    mainstream: {4: 3, 5: 5, 6: 6, 7: 7, 8: 7.5, 9: 8, 10: 8, 11: 8, 12: 7.5, 13: 7.5, 14: 7, 15: 7, 16: 2, 17: 1.8}
    resourced: {4: 3, 5: 5, 6: 6, 7: 7, 8: 7, 9: 7, 10: 7, 11: 7, 12: 6, 13: 6, 14: 6, 15: 6}
    early_years: {1: 10, 2: 35, 3: 55}
    fe: {16: 30, 17: 28, 18: 20, 19: 10, 20: 5, 21: 3, 22: 2, 23: 1, 24: 1}
    ap: {8: 1, 9: 1, 10: 2, 11: 3, 12: 5, 13: 8, 14: 12, 15: 14}
    state_special: {5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1}
    other: {5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1}
    none: {5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1}
  # Girls are a larger share of SEN support (about 40% in the school census) than of EHC
  # plans (29%): SEN support uses the EHC plan share for the need plus this.
  sen_support_extra_female_share: 0.07

  # ---- Ages (academic age, on 31 August) each placement admits ----
  # Published ages outside these ranges are few; they are moved to the nearest admitted age
  # so every child's setting serves their age (assessments/rules/codes.py PHASE_AGE_RANGES).
  placement_ages:
    mainstream: [3, 17]
    resourced: [4, 17]
    state_special: [4, 17]
    independent_special: [5, 17]
    ap: [5, 15]
    fe: [16, 24]
    early_years: [1, 3]
    other: [5, 24]
    none: [5, 24]
  # The oldest age a child is generated at: 24 on 31 August, so 25 at most on any day of the
  # year (the Code of Practice covers up to 25; the child form refuses 26).
  oldest_academic_age: 24

  # ---- Other fields ----
  secondary_need_share: {E: 0.4, K: 0.2}
  # Which secondary needs go with each primary need (relative weights).
  secondary_need_weights:
    ASD: {SLCN: 4, SEMH: 4, MLD: 2, SPLD: 1, OTH: 1}
    SLCN: {ASD: 3, SEMH: 2, MLD: 3, SPLD: 2}
    SEMH: {ASD: 3, SLCN: 3, SPLD: 2, MLD: 2, OTH: 1}
    MLD: {SLCN: 4, SEMH: 3, ASD: 2, SPLD: 1, PD: 1}
    SLD: {ASD: 4, SLCN: 3, PD: 2, OTH: 1}
    PMLD: {PD: 4, VI: 2, HI: 1, OTH: 2}
    PD: {SLCN: 2, MLD: 2, OTH: 2, SEMH: 1}
    SPLD: {SEMH: 3, SLCN: 2, ASD: 1}
    HI: {SLCN: 4, MLD: 1, SEMH: 1}
    VI: {PD: 2, MLD: 2, SLCN: 1}
    MSI: {PD: 3, SLD: 2, SLCN: 1}
    DS: {SLCN: 3, HI: 2, MLD: 1}
    OTH: {SEMH: 2, MLD: 2, SLCN: 1, PD: 1}
    NSA: {}
  # Unclassified ethnicity in SEN2 is split between "refused" and "not yet obtained".
  unclassified_ethnicity: {REFU: 0.4, NOBT: 0.6}
  gender_unknown_share: 0.002
  # UPNs: children of school age or older get one (the one their first school gave them).
  upn_missing_share: 0.02
  # What is asked for at the current assessment. SEN support: mostly a review; some ask for
  # an EHC needs assessment. EHC plans outside special schools: some ask for a specialist
  # place or more funding.
  request_percent:
    K: {none: 88.5, ehc_assessment: 8.5, ehc_plan: 1.5, specialist_placement: 1.0, increased_funding: 0.5}
    E: {none: 85.0, increased_funding: 8.0, specialist_placement: 7.0}
    E_special: {none: 93.0, increased_funding: 6.0, specialist_placement: 1.0}
  # A previous (superseded) assessment about a year before the current one.
  previous_assessment_share: 0.25
  previous_assessment_change_percent: {rose: 75, fell: 15, same: 10}
  caseworker_per_ehc_plans: 150
  # EHC plan annual reviews: share overdue on the reference date.
  review_overdue_share: {E: 0.08, K: 0.05}
  # EHC plans with no SEN support start date recorded (plan straight from early years).
  plan_without_sen_support_share: 0.15
  # Held band: the default rule set's points per level and band thresholds
  # (seeds/rules/default.yaml), then held at that band (60%), one above (25%) or one below (15%).
  held_band:
    points_per_level: [0, 1, 3, 6, 10]
    band_min_points: [6, 10, 15, 21, 28, 36, 46]
    offset_percent: {"0": 60, "1": 25, "-1": 15}

  # ---- Needs profiles (levels 0-4 per domain) ----
  # Level of the need's key domain(s): EHC plans 3-4 (higher in special and independent
  # special schools), SEN support 1-3.
  key_level_percent:
    E: {"3": 72, "4": 28}
    E_special: {"3": 32, "4": 68}
    E_resourced: {"3": 65, "4": 35}
    K: {"1": 20, "2": 65, "3": 15}
  # For each primary need: its key domain(s) (one is chosen by weight, then the need's level
  # is there); the other domains' levels are about key level x weight, plus noise, never above
  # the key level. Domains not listed get the background weight. PMLD key domains are always 4
  # with an EHC plan; NSA levels are low.
  background_weight: 0.1
  level_noise_sd: 0.55
  special_weight_boost: 1.2
  needs:
    ASD:
      key: {social_communication: 1}
      related: {behaviour_regulation: 0.65, emotional_wellbeing: 0.6, speech_language: 0.55, independence_self_care: 0.4, preparing_for_adulthood: 0.5, general_learning: 0.3, specific_learning: 0.15, medical_health: 0.15}
    SLCN:
      key: {speech_language: 1}
      related: {social_communication: 0.45, general_learning: 0.35, specific_learning: 0.35, emotional_wellbeing: 0.3, behaviour_regulation: 0.3, independence_self_care: 0.2, preparing_for_adulthood: 0.4}
    SEMH:
      key: {emotional_wellbeing: 1, behaviour_regulation: 1}
      also_key: 0.5
      related: {social_communication: 0.4, specific_learning: 0.3, general_learning: 0.3, speech_language: 0.25, independence_self_care: 0.2, preparing_for_adulthood: 0.5}
    MLD:
      key: {general_learning: 1}
      related: {speech_language: 0.55, specific_learning: 0.5, independence_self_care: 0.45, social_communication: 0.3, emotional_wellbeing: 0.3, behaviour_regulation: 0.25, preparing_for_adulthood: 0.5}
    SLD:
      key: {general_learning: 1}
      related: {speech_language: 0.8, independence_self_care: 0.8, preparing_for_adulthood: 0.75, social_communication: 0.55, behaviour_regulation: 0.5, physical_mobility: 0.35, medical_health: 0.35, emotional_wellbeing: 0.3}
    PMLD:
      key: {general_learning: 1}
      also_key_domains: [independence_self_care]
      related: {speech_language: 0.95, physical_mobility: 0.9, medical_health: 0.9, preparing_for_adulthood: 0.9, social_communication: 0.6, vision: 0.45, hearing: 0.3, behaviour_regulation: 0.3, emotional_wellbeing: 0.2}
    SPLD:
      key: {specific_learning: 1}
      related: {emotional_wellbeing: 0.4, speech_language: 0.25, general_learning: 0.2, behaviour_regulation: 0.2, preparing_for_adulthood: 0.3}
    HI:
      key: {hearing: 1}
      related: {speech_language: 0.6, social_communication: 0.3, specific_learning: 0.25, emotional_wellbeing: 0.25, general_learning: 0.2, preparing_for_adulthood: 0.3}
    VI:
      key: {vision: 1}
      related: {independence_self_care: 0.45, physical_mobility: 0.4, specific_learning: 0.25, emotional_wellbeing: 0.25, preparing_for_adulthood: 0.35}
    MSI:
      key: {hearing: 1, vision: 1}
      also_key: 0.7
      related: {speech_language: 0.7, independence_self_care: 0.7, preparing_for_adulthood: 0.6, physical_mobility: 0.5, social_communication: 0.5, general_learning: 0.5}
    PD:
      key: {physical_mobility: 1}
      related: {independence_self_care: 0.65, medical_health: 0.6, preparing_for_adulthood: 0.45, emotional_wellbeing: 0.25, speech_language: 0.25}
    DS:
      key: {general_learning: 1}
      related: {speech_language: 0.9, independence_self_care: 0.6, preparing_for_adulthood: 0.6, medical_health: 0.5, hearing: 0.35, physical_mobility: 0.35, social_communication: 0.35}
    OTH:
      key: {medical_health: 0.4, physical_mobility: 0.15, emotional_wellbeing: 0.15, general_learning: 0.15, behaviour_regulation: 0.15}
      related: {independence_self_care: 0.3, emotional_wellbeing: 0.3, general_learning: 0.25, preparing_for_adulthood: 0.3}
    NSA:
      key: {speech_language: 1, general_learning: 1, specific_learning: 1, emotional_wellbeing: 1, behaviour_regulation: 1}
      key_level_percent: {"1": 55, "2": 45}
      related: {}
  # How well the current setting can meet a need (0-3), by the setting's capability in the
  # domain minus the level: relative weights of 0, 1, 2, 3.
  setting_ability_weights:
    above: [0, 0, 25, 75]
    equal: [0, 15, 60, 25]
    one_below: [15, 60, 25, 0]
    further_below: [60, 40, 0, 0]
    no_setting: [70, 30, 0, 0]
  # Each family's capacity to support (0-3), then per domain one up or down now and then.
  family_capacity_percent: {"0": 8, "1": 22, "2": 45, "3": 25}
  family_capacity_jitter: 0.2
  evidence_source_percent: {school: 45, professional: 35, parent: 12, caseworker: 8}

  # ---- Settings register ----
  # England, January 2025, approximately (DfE "Schools, pupils and their characteristics";
  # not in ../shared): state-funded primary 16,600, secondary 3,450, nursery 380, AP/PRU 330;
  # general FE and sixth-form colleges 220, specialist post-16 institutions 100; about
  # 9.0 million pupils. A local authority's pupils are estimated as its EHC plans in schools
  # divided by its % of pupils with a plan (authorities_2025.csv).
  pupils_england: 9000000
  schools_per_100k_pupils: {primary: 184, secondary: 38.3, nursery: 4.2, ap: 3.7, fe: 2.4, specialist_post_16: 1.1}
  minimum_settings: {primary: 4, secondary: 2, nursery: 1, ap: 1, fe: 1, specialist_post_16: 1, state_special: 2, independent_special: 1, resourced: 2, early_years: 2, other: 2}
  # Children with EHC plans per special school, resourced base, PVI early years setting.
  children_per_setting: {state_special: 145, independent_special: 35, resourced: 14, early_years: 6}
  specialist_post_16_share_of_fe: 0.11
  capacity:
    primary: {210: 30, 315: 15, 420: 35, 630: 15, 840: 5}
    secondary: {900: 20, 1100: 30, 1300: 25, 1500: 15, 1800: 10}
    nursery: {60: 40, 90: 40, 120: 20}
    fe: {2500: 30, 4000: 40, 6000: 30}
  special_phase_percent: {all_through: 70, primary: 15, secondary: 15}
  # Specialisms: which domains the setting meets at its highest level, and which primary
  # needs it takes (affinity weights; needs not listed weigh 1).
  specialisms:
    resourced:
      asd: {percent: 45, domains: [social_communication], affinity: {ASD: 8}}
      slcn: {percent: 25, domains: [speech_language], affinity: {SLCN: 8, DS: 3}}
      hearing: {percent: 10, domains: [hearing], affinity: {HI: 20, MSI: 8}}
      physical: {percent: 5, domains: [physical_mobility, medical_health], affinity: {PD: 15}}
      semh: {percent: 5, domains: [emotional_wellbeing, behaviour_regulation], affinity: {SEMH: 8}}
      learning: {percent: 5, domains: [general_learning], affinity: {MLD: 8, DS: 4}}
      vision: {percent: 5, domains: [vision], affinity: {VI: 20, MSI: 8}}
    state_special:
      complex_learning: {percent: 40, domains: [general_learning, independence_self_care, medical_health, physical_mobility, speech_language], affinity: {SLD: 6, PMLD: 8, DS: 5, MLD: 2, MSI: 3, PD: 3}}
      autism: {percent: 25, domains: [social_communication, speech_language, behaviour_regulation], affinity: {ASD: 6, SLCN: 2}}
      semh: {percent: 15, domains: [emotional_wellbeing, behaviour_regulation], affinity: {SEMH: 10, ASD: 1.5}}
      learning: {percent: 10, domains: [general_learning, speech_language], affinity: {MLD: 6, SLCN: 2, DS: 2}}
      physical_sensory: {percent: 10, domains: [physical_mobility, medical_health, hearing, vision], affinity: {PD: 10, HI: 10, VI: 10, MSI: 10}}
    independent_special:
      autism: {percent: 45, domains: [social_communication, behaviour_regulation], affinity: {ASD: 6}}
      semh: {percent: 40, domains: [emotional_wellbeing, behaviour_regulation], affinity: {SEMH: 8}}
      sensory: {percent: 10, domains: [hearing, vision, speech_language], affinity: {HI: 15, VI: 15, MSI: 15}}
      complex_learning: {percent: 5, domains: [general_learning, independence_self_care, medical_health], affinity: {SLD: 5, PMLD: 5}}
    specialist_post_16:
      complex_learning: {percent: 50, domains: [general_learning, independence_self_care, preparing_for_adulthood, medical_health], affinity: {SLD: 8, PMLD: 8, MLD: 3, DS: 6}}
      autism: {percent: 50, domains: [social_communication, preparing_for_adulthood], affinity: {ASD: 8}}
  # Capability (highest level met, 0-4) per domain: relative weights of levels 0-4 outside the
  # specialism, and the level in the specialism's domains.
  capability_weights:
    mainstream: [0, 35, 55, 10, 0]
    resourced: [0, 25, 60, 15, 0]
    state_special: [0, 0, 10, 75, 15]
    independent_special: [0, 0, 30, 60, 10]
    ap: [0, 30, 60, 10, 0]
    fe: [0, 30, 60, 10, 0]
    specialist_post_16: [0, 0, 20, 70, 10]
    early_years: [0, 40, 50, 10, 0]
    other: [0, 40, 50, 10, 0]
  specialism_level: {resourced: 3, state_special: 4, independent_special: 4, specialist_post_16: 4}
  # Alternative provision meets behaviour and emotional wellbeing needs at level 3.
  ap_domains_at_3: [emotional_wellbeing, behaviour_regulation]
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"DfE data folder not found: {args.source}", file=sys.stderr)
        return 2
    authorities_csv, calibration_yaml = derive(args.source)
    outputs = {AUTHORITIES_CSV: authorities_csv, CALIBRATION_YAML: calibration_yaml}
    if args.check:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text() != text]
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
