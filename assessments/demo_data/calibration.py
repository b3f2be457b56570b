"""The published figures and assumptions the generator is calibrated to, and how big each
authority is.

Reads two committed files (never ``../shared`` at run time): ``seeds/dfe/authorities_2025.csv``
(the 153 English local authorities) and ``seeds/demo/calibration.yaml``. Both are written by
``scripts/derive_seed_data.py`` from the DfE files.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from assessments.rules.codes import NEEDS_DOMAIN_CODES

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
AUTHORITIES_CSV = SEEDS / "dfe" / "authorities_2025.csv"
CALIBRATION_YAML = SEEDS / "demo" / "calibration.yaml"

# Orders used by every array in the generator.
NEEDS = (
    "ASD",
    "SLCN",
    "SEMH",
    "MLD",
    "SLD",
    "PD",
    "SPLD",
    "HI",
    "PMLD",
    "OTH",
    "VI",
    "MSI",
    "DS",
    "NSA",
)
NEED_INDEX = {code: i for i, code in enumerate(NEEDS)}
PLACEMENTS = (
    "mainstream",
    "resourced",
    "state_special",
    "independent_special",
    "ap",
    "fe",
    "early_years",
    "other",
    "none",
)
PLACEMENT_INDEX = {code: i for i, code in enumerate(PLACEMENTS)}
SPECIAL_PLACEMENTS = frozenset({"state_special", "independent_special"})
AGES = tuple(range(25))  # academic age (on 31 August), 0..24
DOMAINS = NEEDS_DOMAIN_CODES
DOMAIN_INDEX = {code: i for i, code in enumerate(DOMAINS)}

SCALES = ("demo", "median", "kent", "published")
DEMO_TOTAL_CHILDREN = 2000
KENT_LA_CODE = "886"


@dataclass(frozen=True)
class PublishedAuthority:
    """One row of ``seeds/dfe/authorities_2025.csv``."""

    la_code: str
    ons_code: str
    name: str
    region_code: str
    region: str
    ehc_plans: int
    ehc_plans_in_schools: int | None
    pct_pupils_ehc_plan: float | None
    pct_pupils_sen_support: float | None
    sen_support_ratio: float
    sen_support_ratio_basis: str
    # The authority's own EHC plan mixes (None where DfE has no figures for it).
    placement_counts: tuple[int, ...] | None  # in PLACEMENTS order
    need_counts: dict[str, int] | None  # published need codes, "unknown" included

    @property
    def sen_support_target(self) -> int:
        return round(self.ehc_plans * self.sen_support_ratio)


def _number(text: str, kind=float):
    return None if text in ("", "-", "x") else kind(text)


@functools.cache
def published_authorities() -> tuple[PublishedAuthority, ...]:
    with AUTHORITIES_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            PublishedAuthority(
                la_code=row["old_la_code"],
                ons_code=row["new_la_code"],
                name=row["la_name"],
                region_code=row["region_code"],
                region=row["region_name"],
                ehc_plans=int(row["ehc_plans_2025"]),
                ehc_plans_in_schools=_number(row["ehc_plans_in_schools_2025"], int),
                pct_pupils_ehc_plan=_number(row["pct_pupils_ehc_plan_2025"]),
                pct_pupils_sen_support=_number(row["pct_pupils_sen_support_2025"]),
                sen_support_ratio=float(row["sen_support_ratio"]),
                sen_support_ratio_basis=row["sen_support_ratio_basis"],
                placement_counts=_counts([row[f"placement_{p}"] for p in PLACEMENTS]),
                need_counts=_need_counts(row),
            )
            for row in csv.DictReader(handle)
        )


def _counts(texts) -> tuple[int, ...] | None:
    values = [_number(text, int) for text in texts]
    return None if None in values or not sum(values) else tuple(values)


def _need_counts(row: dict) -> dict[str, int] | None:
    needs = {key.removeprefix("need_"): row[key] for key in row if key.startswith("need_")}
    values = _counts(needs.values())
    return None if values is None else dict(zip(needs, values, strict=True))


def _name_key(name: str) -> str:
    key = name.lower().replace("&", " and ").strip()
    key = re.sub(r",\s*(city|county) of$", "", key)  # "Bristol, City of"
    key = re.sub(r"[^a-z0-9]+", " ", key).strip()
    key = re.sub(r"\b(metropolitan borough|borough|county|city|district)? ?council$", "", key)
    key = re.sub(r"\bst\b", "saint", key)
    return " ".join(key.split())


def find_published_authority(name_or_code: str) -> PublishedAuthority | None:
    """The published authority with this DfE code, ONS code or name (case, punctuation and a
    trailing "Council"/"County Council" ignored), or None for a fictional authority."""
    text = name_or_code.strip()
    for row in published_authorities():
        if text in (row.la_code, row.ons_code):
            return row
    key = _name_key(text)
    for row in published_authorities():
        if _name_key(row.name) == key:
            return row
    return None


def national_targets() -> list[tuple[PublishedAuthority, int, int]]:
    """Every English authority with its EHC plans (its own January 2025 count) and SEN
    support (that count times its own school-census ratio, or England's)."""
    return [(row, row.ehc_plans, row.sen_support_target) for row in published_authorities()]


@dataclass(frozen=True)
class Targets:
    ehc_plans: int
    sen_support: int

    @property
    def children(self) -> int:
        return self.ehc_plans + self.sen_support


def scale_targets(scale: str, published: PublishedAuthority | None = None) -> Targets:
    """How many children to generate.

    * ``demo``: about 2,000 children, split at England's SEN support ratio;
    * ``median``: the median authority's EHC plans, SEN support at England's ratio;
    * ``kent``: Kent's published figures (England's largest authority);
    * ``published``: the named authority's own published figures."""
    cal = calibration()
    if scale == "demo":
        ehc = round(DEMO_TOTAL_CHILDREN / (1 + cal.national_ratio))
        return Targets(ehc, DEMO_TOTAL_CHILDREN - ehc)
    if scale == "median":
        ehc = cal.median_ehc_plans
        return Targets(ehc, round(ehc * cal.national_ratio))
    if scale == "kent":
        published = find_published_authority(KENT_LA_CODE)
    elif scale == "published":
        if published is None:
            raise ValueError("--scale published needs the name of a real English authority")
    else:
        raise ValueError(f"unknown scale {scale!r}: choose from {', '.join(SCALES)}")
    return Targets(published.ehc_plans, published.sen_support_target)


def estimated_pupils(targets: Targets, published: PublishedAuthority | None) -> int:
    """Pupils on roll in the authority's schools, to size its settings register: EHC plans in
    schools over the % of pupils with a plan (England's figures where the authority's are not
    known or the authority is fictional)."""
    cal = calibration()
    in_school_share = cal.ehc_in_school_share
    pct = cal.national_pct_ehc
    in_schools = targets.ehc_plans * in_school_share
    if published is not None and targets.ehc_plans == published.ehc_plans:
        if published.ehc_plans_in_schools is not None:
            in_schools = published.ehc_plans_in_schools
        if published.pct_pupils_ehc_plan and published.pct_pupils_ehc_plan >= 1.0:
            pct = published.pct_pupils_ehc_plan
    return max(1, math.ceil(in_schools / (pct / 100)))


class Calibration:
    """Distributions as arrays in the orders above (NEEDS, PLACEMENTS, AGES, DOMAINS)."""

    def __init__(self, data: dict):
        self.data = data
        published = data["published"]
        a = self.assumptions = data["assumptions"]
        self.ehc_plans_england = published["ehc_plans_england"]["value"]
        self.median_ehc_plans = published["ehc_plans_median_local_authority"]["value"]
        self.national_ratio = published["sen_support_ratio_england"]["value"]
        self.national_pct_ehc = published["sen_support_ratio_england"]["pct_pupils_ehc_plan"]
        placement = published["ehc_placement"]["england"]
        in_schools = sum(placement[p] for p in ("mainstream", "resourced", "state_special"))
        in_schools += placement["independent_special"] + placement["ap"]
        self.ehc_in_school_share = in_schools / self.ehc_plans_england

        # EHC plans: need x placement, with DS split out of OTH and unknown spread.
        nbp = published["ehc_need_by_placement"]
        file_needs = nbp["needs"]
        ds_share = a["ds_share_of_other"]
        joint = np.zeros((len(NEEDS), len(PLACEMENTS)))
        for p, placement_code in enumerate(PLACEMENTS):
            counts = dict(zip(file_needs, nbp["counts"][placement_code], strict=True))
            for need, count in counts.items():
                if need == "unknown":
                    continue
                if need == "OTH":
                    joint[NEED_INDEX["DS"], p] += count * ds_share
                    joint[NEED_INDEX["OTH"], p] += count * (1 - ds_share)
                else:
                    joint[NEED_INDEX[need], p] += count
        self.ehc_need_placement = joint
        self.ehc_need_shares = joint.sum(axis=1) / joint.sum()
        placement_counts = np.array([placement[p] for p in PLACEMENTS], dtype=float)
        self.ehc_placement_shares = placement_counts / placement_counts.sum()

        # Ages admitted by each placement; published ages outside move to the nearest.
        oldest = a["oldest_academic_age"]
        self.placement_ages = {p: tuple(a["placement_ages"][p]) for p in PLACEMENTS}
        abp = published["ehc_age_by_placement"]
        self.ehc_age_given_placement = np.zeros((len(PLACEMENTS), len(AGES)))
        for p, code in enumerate(PLACEMENTS):
            low, high = self.placement_ages[code]
            high = min(high, oldest)
            for age, count in zip(abp["ages"], abp["counts"][code], strict=True):
                self.ehc_age_given_placement[p, min(max(age, low), high)] += count
            self.ehc_age_given_placement[p] /= self.ehc_age_given_placement[p].sum()

        # How much more (or less) common each age is for each need than overall.
        nba = published["ehc_need_by_age"]
        by_need = np.zeros((len(NEEDS), len(AGES)))
        for need, counts in nba["counts"].items():
            if need == "unknown":
                continue
            for age, count in zip(nba["ages"], counts, strict=True):
                age = min(age, oldest)
                if need == "OTH":
                    by_need[NEED_INDEX["DS"], age] += count * ds_share
                    by_need[NEED_INDEX["OTH"], age] += count * (1 - ds_share)
                else:
                    by_need[NEED_INDEX[need], age] += count
        overall = by_need.sum(axis=0)
        shares = by_need / np.maximum(by_need.sum(axis=1, keepdims=True), 1)
        overall_share = overall / overall.sum()
        self.need_age_association = np.where(
            (overall_share > 0) & (by_need.sum(axis=1, keepdims=True) > 0),
            np.divide(shares, overall_share, out=np.ones_like(shares), where=overall_share > 0),
            1.0,
        )
        # Smooth extreme ratios from tiny cells (e.g. PD under 3).
        self.need_age_association = np.clip(self.need_age_association, 0.2, 5.0)

        sex = published["ehc_sex_by_need"]
        self.ehc_female_share = np.zeros(len(NEEDS))
        for need in NEEDS:
            source = "OTH" if need in ("DS", "NSA") else need
            female, male = sex["female"][source], sex["male"][source]
            self.ehc_female_share[NEED_INDEX[need]] = female / (female + male)
        self.sen_support_female_share = np.minimum(
            self.ehc_female_share + a["sen_support_extra_female_share"], 0.6
        )

        # SEN support (assumptions).
        k_need = a["sen_support_need_percent"]
        self.sen_support_need_shares = np.array([k_need.get(n, 0.0) for n in NEEDS]) / 100
        k_place = a["sen_support_placement_percent"]
        self.sen_support_placement_shares = np.array([k_place.get(p, 0.0) for p in PLACEMENTS])
        self.sen_support_placement_shares /= self.sen_support_placement_shares.sum()
        self.sen_support_age_given_placement = np.zeros((len(PLACEMENTS), len(AGES)))
        for p, code in enumerate(PLACEMENTS):
            for age, weight in a["sen_support_age_weights"].get(code, {}).items():
                self.sen_support_age_given_placement[p, int(age)] = weight
            total = self.sen_support_age_given_placement[p].sum()
            if total:
                self.sen_support_age_given_placement[p] /= total
        # Need x placement association for SEN support: the EHC plan pattern (NSA: none).
        expected = np.outer(self.ehc_need_shares, self.ehc_placement_shares) * joint.sum()
        association = np.divide(joint, expected, out=np.ones_like(joint), where=expected > 0)
        association[NEED_INDEX["NSA"]] = 1.0
        self.need_placement_association = np.clip(association, 0.05, 20.0)

        ethnicity = published["ehc_ethnicity"]
        self.ethnicity_codes, self.ethnicity_weights = self._ethnicity(ethnicity["england"])
        self.region_ethnicity = {
            region: self._ethnicity(counts)[1] for region, counts in ethnicity["regions"].items()
        }
        years = published["ehc_years_in_plan"]["counts"]
        # Bucket k: the plan started between k-1 and k years ago ("less than a year" and "1"
        # both within the last year; "12 or more" 11 to 15 years ago).
        self.years_in_plan_weights = np.zeros(16)
        self.years_in_plan_weights[0] = years["less than a year"] + years["1"]
        for k in range(2, 12):
            self.years_in_plan_weights[k - 1] = years[str(k)]
        self.years_in_plan_weights[11:15] = years["12 or more"] / 4

    def ehc_need_shares_for(self, published: PublishedAuthority | None) -> np.ndarray:
        """The authority's own EHC plan need mix where published, else England's."""
        if published is None or published.need_counts is None:
            return self.ehc_need_shares
        shares = np.zeros(len(NEEDS))
        ds_share = self.assumptions["ds_share_of_other"]
        for need, count in published.need_counts.items():
            if need == "unknown":
                continue
            if need == "OTH":
                shares[NEED_INDEX["DS"]] += count * ds_share
                shares[NEED_INDEX["OTH"]] += count * (1 - ds_share)
            else:
                shares[NEED_INDEX[need]] += count
        return shares / shares.sum()

    def ehc_placement_shares_for(self, published: PublishedAuthority | None) -> np.ndarray:
        if published is None or published.placement_counts is None:
            return self.ehc_placement_shares
        counts = np.array(published.placement_counts, dtype=float)
        return counts / counts.sum()

    def _ethnicity(self, counts: dict) -> tuple[tuple[str, ...], np.ndarray]:
        split = self.assumptions["unclassified_ethnicity"]
        codes = [code for code in counts if code != "unclassified"] + list(split)
        weights = [counts[code] for code in counts if code != "unclassified"]
        weights += [counts["unclassified"] * share for share in split.values()]
        return tuple(codes), np.array(weights, dtype=float)

    def ethnicity_weights_for(self, region: str) -> np.ndarray:
        return self.region_ethnicity.get(region, self.ethnicity_weights)


@functools.cache
def calibration() -> Calibration:
    with CALIBRATION_YAML.open(encoding="utf-8") as handle:
        return Calibration(yaml.safe_load(handle))
