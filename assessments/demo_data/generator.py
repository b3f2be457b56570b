"""Generate one authority's settings register, caseworkers, children and needs profiles.

``plan_authority`` decides everything in memory from one seed (no database access);
``build_rows`` turns the plan into table rows with database ids. Dates are whole days relative
to the reference date (``as_of``, by default today): the same seed and reference date give
the same rows, and nothing is dated after the reference date.

How the mixes are reached: the number of children with each primary need, each placement and
each age is apportioned by largest remainder from the calibration (``quota.py``), and only
then shuffled, so a 2,000-child authority already matches the published mix to within a
child or two; random draws decide only who gets what.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

import numpy as np

from assessments.rules.codes import PHASE_AGE_RANGES
from assessments.validators import upn_check_letter
from assessments.vectors import encode_rows
from valuing_send.core.dates import age_on

from . import names as name_lists
from .calibration import (
    DOMAIN_INDEX,
    DOMAINS,
    NEED_INDEX,
    NEEDS,
    PLACEMENT_INDEX,
    Calibration,
    PublishedAuthority,
    Targets,
    calibration,
    estimated_pupils,
)
from .profiles import (
    SOURCES,
    ProfileModel,
    evidence_pool,
    family_capacity,
    need_levels,
    phase_index,
    previous_levels,
    setting_ability,
)
from .quota import (
    assign_by_quota,
    fit_table,
    integer_table,
    largest_remainder,
    weighted_order,
)
from .rows import Dataset

NO_DATE = -(10**6)
STREAMS = ("children", "settings", "people", "dates", "profiles", "assessments")
PFA = DOMAIN_INDEX["preparing_for_adulthood"]
PFA_FROM_AGE = 14
FIRST_MINUTE, LAST_MINUTE = 8 * 60, 18 * 60 - 1  # office hours
MIN_REVIEW_GAP = 28  # days between a profile and the next, when a year does not fit


@dataclass(frozen=True)
class AuthorityContext:
    """What the generator needs to know about the authority and the database."""

    authority_id: int
    la_code: str
    name: str
    region: str
    framework_id: int
    definition: object  # assessments.framework.FrameworkDefinition
    framework_from: datetime.date  # the framework's effective_from: no assessment before it
    existing_caseworkers: tuple[int, ...] = ()  # user ids already caseworkers here


@dataclass
class SettingPlan:
    name: str
    setting_type: str
    phase: str
    kind: str  # sizing group: primary, secondary, nursery, state_special, ...
    urn: str = ""
    ukprn: str = ""
    capacity: int | None = None
    specialism: str = ""
    estab: int | None = None  # DfE establishment number (UPNs)
    capabilities: np.ndarray = field(default_factory=lambda: np.zeros(len(DOMAINS), np.int8))


@dataclass
class Plan:
    ctx: AuthorityContext
    targets: Targets
    as_of: datetime.date
    seed: int
    settings: list[SettingPlan]
    new_caseworkers: list[tuple[str, str]]  # (full name, email)
    children: dict  # arrays and lists, one entry per child
    evidence: dict

    @property
    def child_count(self) -> int:
        return len(self.children["need"])

    @property
    def assessment_count(self) -> int:
        return self.child_count + int(self.children["has_previous"].sum())


def _streams(seed: int, la_code: str) -> dict[str, np.random.Generator]:
    sequence = np.random.SeedSequence([seed, int(la_code)])
    return {
        name: np.random.default_rng(s)
        for name, s in zip(STREAMS, sequence.spawn(len(STREAMS)), strict=True)
    }


# ----- Children: need, placement, age --------------------------------------------------------


def compose(
    cal: Calibration,
    count: int,
    need_shares: np.ndarray,
    placement_shares: np.ndarray,
    age_given_placement: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Need, placement and age for ``count`` children, by quota (not yet shuffled)."""
    need_counts = largest_remainder(count, need_shares)
    placement_counts = largest_remainder(count, placement_shares)
    seed = cal.need_placement_association * np.outer(need_counts, placement_counts)
    expected = fit_table(seed, need_counts, placement_counts)
    table = integer_table(expected, need_counts, placement_counts)
    needs, placements, ages = [], [], []
    for i, j in zip(*np.nonzero(table), strict=True):
        weights = age_given_placement[j] * cal.need_age_association[i]
        if weights.sum() <= 0:
            weights = age_given_placement[j]
        cell_ages = largest_remainder(int(table[i, j]), weights)
        for age in np.flatnonzero(cell_ages):
            k = int(cell_ages[age])
            needs.append(np.full(k, i))
            placements.append(np.full(k, j))
            ages.append(np.full(k, age))
    if not needs:
        return (np.zeros(0, np.int64),) * 3
    return np.concatenate(needs), np.concatenate(placements), np.concatenate(ages)


def _quota_within(rng, groups: np.ndarray, share_of_group) -> np.ndarray:
    """For each group, exactly round(share × size) members chosen at random (largest
    remainder across groups keeps the total right too)."""
    chosen = np.zeros(len(groups), dtype=bool)
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        share = share_of_group(group)
        k = int(largest_remainder(len(members), [share, 1 - share])[0])
        chosen[rng.permutation(members)[:k]] = True
    return chosen


def plan_children(
    cal: Calibration, targets: Targets, published_mix: PublishedAuthority | None, rng
) -> dict:
    e_need, e_place, e_age = compose(
        cal,
        targets.ehc_plans,
        cal.ehc_need_shares_for(published_mix),
        cal.ehc_placement_shares_for(published_mix),
        cal.ehc_age_given_placement,
    )
    k_need, k_place, k_age = compose(
        cal,
        targets.sen_support,
        cal.sen_support_need_shares,
        cal.sen_support_placement_shares,
        cal.sen_support_age_given_placement,
    )
    is_ehc = np.concatenate([np.ones(len(e_need), bool), np.zeros(len(k_need), bool)])
    order = rng.permutation(len(is_ehc))
    return {
        "is_ehc": is_ehc[order],
        "need": np.concatenate([e_need, k_need])[order],
        "placement": np.concatenate([e_place, k_place])[order],
        "age": np.concatenate([e_age, k_age])[order],
    }


def plan_people(cal: Calibration, children: dict, region: str, rng) -> None:
    """Gender, ethnicity, secondary need and names, by quota where the calibration has a mix."""
    a = cal.assumptions
    need, is_ehc = children["need"], children["is_ehc"]
    n = len(need)
    groups = need * 2 + is_ehc
    female = _quota_within(
        rng,
        groups,
        lambda g: (cal.ehc_female_share if g % 2 else cal.sen_support_female_share)[g // 2],
    )
    unknown = np.zeros(n, bool)
    unknown[rng.permutation(n)[: round(n * a["gender_unknown_share"])]] = True
    children["gender"] = np.where(unknown, "U", np.where(female, "F", "M"))

    codes = cal.ethnicity_codes
    children["ethnicity"] = np.array(codes)[
        assign_by_quota(rng, n, cal.ethnicity_weights_for(region))
    ]

    share = a["secondary_need_share"]
    has_secondary = _quota_within(rng, groups, lambda g: share["E" if g % 2 else "K"])
    secondary = np.full(n, -1)
    for i, code in enumerate(NEEDS):
        weights = a["secondary_need_weights"].get(code) or {}
        rows = np.flatnonzero(has_secondary & (need == i))
        if not weights or not len(rows):
            continue
        options = np.array([NEED_INDEX[c] for c in weights])
        p = np.array(list(weights.values()), dtype=float)
        secondary[rows] = options[rng.choice(len(options), size=len(rows), p=p / p.sum())]
    children["secondary"] = secondary

    first, last = [], []
    heritage_cache = {}
    for gender, ethnicity in zip(children["gender"], children["ethnicity"], strict=True):
        options = heritage_cache.get(ethnicity)
        if options is None:
            weights = name_lists.ETHNICITY_NAMES[ethnicity]
            keys = list(weights)
            p = np.array(list(weights.values()), dtype=float)
            options = heritage_cache[ethnicity] = (keys, p / p.sum())
        keys, p = options
        heritage = name_lists.NAMES[keys[rng.choice(len(keys), p=p)] if len(keys) > 1 else keys[0]]
        girls, boys, surnames = heritage
        given = girls if gender == "F" or (gender == "U" and rng.random() < 0.5) else boys
        first.append(given[rng.integers(len(given))])
        last.append(surnames[rng.integers(len(surnames))])
    children["first_name"], children["last_name"] = first, last


# ----- Settings register ---------------------------------------------------------------------

# Academic ages each kind of setting admits (actual ages then fit PHASE_AGE_RANGES).
PHASE_ACADEMIC_AGES = {
    "early_years": (0, 3),
    "primary": (4, 10),
    "secondary": (11, 17),
    "all_through": (4, 17),
    "post_16": (16, 24),
}
TYPE_FOR_KIND = {
    "primary": ("mainstream", "primary"),
    "secondary": ("mainstream", "secondary"),
    "nursery": ("mainstream", "early_years"),
    "resourced": ("resourced", None),
    "state_special": ("state_special", None),
    "independent_special": ("independent_special", None),
    "ap": ("ap", None),
    "fe": ("fe", "post_16"),
    "specialist_post_16": ("fe", "post_16"),
    "early_years": ("early_years", "early_years"),
    "other": ("other", None),
}
ESTAB_RANGES = {
    "nursery": 1000,
    "ap": 1100,
    "primary": 2000,
    "secondary": 4000,
    "independent_special": 6000,
    "state_special": 7000,
}


def _setting_name(kind: str, phase: str, place: str, rng) -> str:
    if kind == "primary":
        style = rng.random()
        if style < 0.15:
            saint = name_lists.SAINTS[rng.integers(len(name_lists.SAINTS))]
            church = "CE" if rng.random() < 0.6 else "Catholic"
            return f"St {saint} {church} Primary School, {place}"
        if style < 0.3:
            return f"{place} Primary Academy"
        if style < 0.4:
            return f"{place} Infant and Junior School"
        return f"{place} Primary School"
    if kind == "secondary":
        style = rng.random()
        return (
            f"{place} Academy"
            if style < 0.4
            else f"{place} School"
            if style < 0.7
            else f"{place} High School"
            if style < 0.85
            else f"{place} Grammar School"
        )
    if kind == "nursery":
        return f"{place} Nursery School"
    if kind == "resourced":
        return f"{place} {'Primary School' if phase == 'primary' else 'Academy'}"
    if kind == "state_special":
        return f"{place} {'School' if rng.random() < 0.6 else 'Academy'} (special)"
    if kind == "independent_special":
        return f"{place} House School"
    if kind == "ap":
        return f"{place} Learning Centre" if phase != "primary" else f"{place} Primary PRU"
    if kind == "fe":
        return f"{place} College"
    if kind == "specialist_post_16":
        return f"{place} Specialist College"
    if kind == "early_years":
        return f"{place} {'Pre-school' if rng.random() < 0.5 else 'Day Nursery'}"
    raise ValueError(kind)


def _phase_split(count: int, percents: dict) -> list[str]:
    phases = list(percents)
    return [
        phases[i]
        for i in np.repeat(
            np.arange(len(phases)), largest_remainder(count, list(percents.values()))
        )
    ]


def plan_settings(
    cal: Calibration, ctx: AuthorityContext, children: dict, pupils: int, rng
) -> list[SettingPlan]:
    a = cal.assumptions
    placement, age, is_ehc = children["placement"], children["age"], children["is_ehc"]
    per_100k = a["schools_per_100k_pupils"]
    minimum = a["minimum_settings"]
    per_setting = a["children_per_setting"]

    def by_pupils(kind):
        return max(minimum[kind], round(pupils * per_100k[kind] / 100_000))

    def ehc_in(code):
        return int(((placement == PLACEMENT_INDEX[code]) & is_ehc).sum())

    def all_in(code):
        return int((placement == PLACEMENT_INDEX[code]).sum())

    # Schools with a resourced provision or SEN unit are mainstream schools too: they count
    # towards the authority's primaries and secondaries.
    resourced = max(minimum["resourced"], -(-ehc_in("resourced") // per_setting["resourced"]))
    in_resourced = placement == PLACEMENT_INDEX["resourced"]
    primary_share = float((age[in_resourced] <= 10).mean()) if in_resourced.any() else 0.5
    resourced_primary = min(max(1, round(resourced * primary_share)), resourced - 1)
    resourced_secondary = resourced - resourced_primary
    kinds: list[tuple[str, str]] = []  # (kind, phase)
    kinds += [("primary", "primary")] * max(
        minimum["primary"], by_pupils("primary") - resourced_primary
    )
    kinds += [("secondary", "secondary")] * max(
        minimum["secondary"], by_pupils("secondary") - resourced_secondary
    )
    kinds += [("nursery", "early_years")] * by_pupils("nursery")
    kinds += [("resourced", "primary")] * resourced_primary
    kinds += [("resourced", "secondary")] * resourced_secondary

    special = max(
        minimum["state_special"], round(ehc_in("state_special") / per_setting["state_special"])
    )
    phases = (
        ["all_through"] * special
        if special <= 3
        else _phase_split(special, a["special_phase_percent"])
    )
    kinds += [("state_special", phase) for phase in phases]

    independent = max(
        minimum["independent_special"],
        -(-ehc_in("independent_special") // per_setting["independent_special"]),
    )
    secondary_only = independent // 4 if independent >= 3 else 0
    kinds += [("independent_special", "all_through")] * (independent - secondary_only)
    kinds += [("independent_special", "secondary")] * secondary_only

    ap = by_pupils("ap")
    ap_phases = (
        ["all_through"]
        if ap == 1
        else ["all_through", "secondary"]
        if ap == 2
        else ["primary", "all_through"] + ["secondary"] * (ap - 2)
    )
    kinds += [("ap", phase) for phase in ap_phases]
    kinds += [("fe", "post_16")] * by_pupils("fe")
    kinds += [("specialist_post_16", "post_16")] * by_pupils("specialist_post_16")
    early_years = max(minimum["early_years"], -(-all_in("early_years") // 10))
    kinds += [("early_years", "early_years")] * early_years
    others = max(minimum["other"], 2 + round(pupils / 150_000))
    other_phases = ["all_through", "post_16"] + ["all_through", "post_16", "secondary"] * others
    kinds += [("other", phase) for phase in other_phases[:others]]

    places = name_lists.place_names()
    place_order = rng.permutation(len(places))
    settings: list[SettingPlan] = []
    used_names: set[str] = set()
    other_names = {
        "all_through": [
            "Home and Hospital Tuition Service",
            "Medical Needs Teaching Service",
            "Alternative Learning Programme",
        ],
        "post_16": ["Supported Internships", "Post-16 Training Provider", "Pathways to Work"],
        "secondary": ["Online Learning Provider", "Outreach Teaching Service"],
    }
    next_place = 0
    for kind, phase in kinds:
        setting_type, fixed_phase = TYPE_FOR_KIND[kind]
        phase = fixed_phase or phase
        if kind == "other":
            options = other_names[phase]
            used = sum(1 for s in settings if s.kind == "other" and s.phase == phase)
            name = f"{ctx.name} {options[used % len(options)]}"
            if used >= len(options):
                name += f" {used // len(options) + 1}"
        else:
            while True:
                place = places[place_order[next_place % len(places)]]
                suffix = "" if next_place < len(places) else f" {next_place // len(places) + 1}"
                next_place += 1
                name = _setting_name(kind, phase, place + suffix, rng)
                if name not in used_names:
                    break
        used_names.add(name)
        settings.append(SettingPlan(name=name, setting_type=setting_type, phase=phase, kind=kind))

    # Specialisms by quota, then capabilities.
    for group, spec in a["specialisms"].items():
        members = [s for s in settings if s.kind == group]
        names = list(spec)
        picks = assign_by_quota(rng, len(members), [spec[n]["percent"] for n in names])
        for setting, pick in zip(members, picks, strict=True):
            setting.specialism = names[pick]
    weights = {k: np.array(v, float) / sum(v) for k, v in a["capability_weights"].items()}
    for setting in settings:
        kind = setting.kind
        table = "mainstream" if kind in ("primary", "secondary", "nursery") else kind
        levels = rng.choice(5, size=len(DOMAINS), p=weights[table]).astype(np.int8)
        if setting.specialism:
            level = a["specialism_level"][kind]
            for domain in a["specialisms"][kind][setting.specialism]["domains"]:
                levels[DOMAIN_INDEX[domain]] = level
        if kind == "ap":
            for domain in a["ap_domains_at_3"]:
                levels[DOMAIN_INDEX[domain]] = max(levels[DOMAIN_INDEX[domain]], 3)
        setting.capabilities = levels

    # Identifiers: URNs unique within the authority (and mostly across England), UKPRNs for
    # colleges, DfE establishment numbers for schools (used in UPNs).
    la = int(ctx.la_code)
    estab_next = dict(ESTAB_RANGES)
    for i, setting in enumerate(settings):
        if setting.kind in ("fe", "specialist_post_16"):
            setting.ukprn = f"1{(la * 1000 + i) % 10_000_000:07d}"
        elif setting.kind != "other":
            setting.urn = f"{100000 + (la * 1000 + i) % 900000}"
        # A school with a resourced base is numbered as the primary or secondary it is.
        base = setting.phase if setting.kind == "resourced" else setting.kind
        if base in estab_next:
            setting.estab = estab_next[base]
            estab_next[base] += 1
    return settings


def assign_settings(cal: Calibration, settings: list[SettingPlan], children: dict, rng) -> None:
    """Each child's current setting: of their placement's type, serving their age, weighted
    by capacity (mainstream) or by how well the specialism fits their need."""
    a = cal.assumptions
    placement, age, need, is_ehc = (
        children["placement"],
        children["age"],
        children["need"],
        children["is_ehc"],
    )
    n = len(placement)
    setting_of = np.full(n, -1)
    capacity_tables = {
        kind: (np.array(list(map(int, t))), np.array(list(t.values()), float))
        for kind, t in a["capacity"].items()
    }
    for setting in settings:
        table = capacity_tables.get(
            "primary"
            if setting.kind == "resourced" and setting.phase == "primary"
            else "secondary"
            if setting.kind == "resourced"
            else setting.kind
        )
        if table is not None:
            sizes, p = table
            setting.capacity = int(sizes[rng.choice(len(sizes), p=p / p.sum())])
    affinity = np.ones((len(settings), len(NEEDS)))
    for s, setting in enumerate(settings):
        if setting.specialism:
            for code, weight in a["specialisms"][setting.kind][setting.specialism][
                "affinity"
            ].items():
                affinity[s, NEED_INDEX[code]] = weight

    kinds_for_placement = {
        "mainstream": ("primary", "secondary", "nursery"),
        "resourced": ("resourced",),
        "state_special": ("state_special",),
        "independent_special": ("independent_special",),
        "ap": ("ap",),
        "fe": ("fe", "specialist_post_16"),
        "early_years": ("early_years",),
        "other": ("other",),
    }
    spi_share = a["specialist_post_16_share_of_fe"]
    for code, kinds in kinds_for_placement.items():
        rows = np.flatnonzero(placement == PLACEMENT_INDEX[code])
        if not len(rows):
            continue
        candidates = [s for s, setting in enumerate(settings) if setting.kind in kinds]
        if code == "fe":
            # A share of EHC plans in FE are at specialist post-16 institutions, chosen by
            # how well their need fits those colleges.
            spi = [s for s in candidates if settings[s].kind == "specialist_post_16"]
            general = [s for s in candidates if settings[s].kind == "fe"]
            ehc_rows = rows[is_ehc[rows]]
            fit = affinity[spi][:, need[ehc_rows]].max(axis=0) if spi else np.ones(len(ehc_rows))
            to_spi = ehc_rows[weighted_order(rng, fit)[: round(len(ehc_rows) * spi_share)]]
            groups = [(to_spi, spi), (np.setdiff1d(rows, to_spi), general)]
        else:
            groups = [(rows, candidates)]
        for group_rows, group_candidates in groups:
            _choose_settings(
                settings, group_rows, group_candidates, age, need, affinity, setting_of, rng
            )
    children["setting"] = setting_of

    # Places in special, resourced-free and alternative settings: what they hold, and a little more.
    occupancy = np.bincount(setting_of[setting_of >= 0], minlength=len(settings))
    for s, setting in enumerate(settings):
        if setting.capacity is None and setting.kind != "other":
            headroom = 1.0 + rng.random() * 0.12
            floor = {"early_years": 30, "ap": 30, "specialist_post_16": 40}.get(setting.kind, 20)
            setting.capacity = max(
                floor, int(np.ceil(occupancy[s] * headroom)) + int(rng.integers(0, 4))
            )


def _choose_settings(settings, rows, candidates, age, need, affinity, setting_of, rng) -> None:
    if not len(rows):
        return
    if not candidates:
        raise RuntimeError("no setting of the type these children need was planned")
    for child_age in np.unique(age[rows]):
        at_age = rows[age[rows] == child_age]
        serving = [
            s
            for s in candidates
            if PHASE_ACADEMIC_AGES[settings[s].phase][0]
            <= child_age
            <= PHASE_ACADEMIC_AGES[settings[s].phase][1]
        ] or candidates
        base = np.array(
            [
                settings[s].capacity
                if settings[s].kind in ("primary", "secondary", "nursery", "fe")
                and settings[s].capacity
                else 1.0
                for s in serving
            ],
            float,
        )
        for i in np.unique(need[at_age]):
            members = at_age[need[at_age] == i]
            weights = base * affinity[serving, i]
            picks = rng.choice(len(serving), size=len(members), p=weights / weights.sum())
            setting_of[members] = np.array(serving)[picks]


# ----- Dates -----------------------------------------------------------------------------------


def _academic_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _ages_on(as_of: datetime.date, born: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Exact ages in whole years (day offsets from the reference date)."""
    dates = {}

    def date_of(offset):
        found = dates.get(offset)
        if found is None:
            found = dates[offset] = as_of + datetime.timedelta(offset)
        return found

    return np.array(
        [age_on(date_of(int(b)), date_of(int(d))) for b, d in zip(born, day, strict=True)],
        dtype=np.int64,
    )


def plan_dates(
    cal: Calibration, children: dict, as_of: datetime.date, framework_from: datetime.date, rng
) -> None:
    """Birth dates, current (and previous) assessment dates, SEN support and plan start dates,
    and the next review, as day offsets from the reference date (0) into the past (< 0).
    Assessments are made on or after ``framework_from``, when their framework came into use."""
    a = cal.assumptions
    n = len(children["age"])
    start = _academic_year_start(as_of)
    age = children["age"]
    oldest_born = np.array(
        [(datetime.date(start.year - x - 1, 9, 1) - as_of).days for x in range(25)]
    )
    youngest_born = np.array(
        [(datetime.date(start.year - x, 8, 31) - as_of).days for x in range(25)]
    )
    span = youngest_born[age] - oldest_born[age] + 1
    dob = oldest_born[age] + (rng.random(n) * span).astype(np.int64)
    dob = np.minimum(dob, -1)
    children["dob"] = dob

    # Current assessment: within the last year, after the child was 3 months old, and not
    # before the needs framework it is made with was in use.
    in_use_from = (framework_from - as_of).days
    if in_use_from > -1:
        raise ValueError(
            f"the needs framework is in use only from {framework_from:%-d %B %Y}: "
            "choose a later reference date"
        )
    earliest = np.maximum(np.maximum(dob + 90, -360), in_use_from)
    latest = np.maximum(earliest, -7)
    created = earliest + (rng.random(n) * (latest - earliest + 1)).astype(np.int64)
    completed = np.minimum(created + rng.integers(0, 22, n), -1)
    children["created_day"], children["completed_day"] = created, completed
    children["created_minute"] = rng.integers(FIRST_MINUTE, LAST_MINUTE, n)
    children["completed_minute"] = np.where(
        completed == created,
        np.minimum(children["created_minute"] + rng.integers(20, 240, n), LAST_MINUTE + 120),
        rng.integers(FIRST_MINUTE, LAST_MINUTE, n),
    )

    # A previous assessment about a year before, for a quota of those old enough. Where a year
    # would go back before the framework was in use, a review sooner after the first profile
    # (four weeks at least): the framework's first months hold only its own assessments.
    previous_created = created - rng.integers(300, 431, n)
    too_early = previous_created < in_use_from
    if too_early.any():
        room = np.maximum(created - MIN_REVIEW_GAP - in_use_from, 0)
        sooner = created - MIN_REVIEW_GAP - (rng.random(n) * (room + 1)).astype(np.int64)
        previous_created = np.where(too_early, sooner, previous_created)
    eligible = np.flatnonzero(previous_created >= np.maximum(dob + 180, in_use_from))
    quota = min(len(eligible), round(n * a["previous_assessment_share"]))
    has_previous = np.zeros(n, bool)
    has_previous[rng.permutation(eligible)[:quota]] = True
    children["has_previous"] = has_previous
    children["previous_created_day"] = np.where(has_previous, previous_created, NO_DATE)
    children["previous_completed_day"] = np.where(
        has_previous, previous_created + rng.integers(0, 22, n), NO_DATE
    )
    previous_minute = rng.integers(FIRST_MINUTE, LAST_MINUTE, n)
    children["previous_created_minute"] = previous_minute
    children["previous_completed_minute"] = np.where(
        children["previous_completed_day"] == children["previous_created_day"],
        np.minimum(previous_minute + rng.integers(20, 240, n), LAST_MINUTE + 120),
        rng.integers(FIRST_MINUTE, LAST_MINUTE, n),
    )
    first_assessed = np.where(has_previous, previous_created, created)
    children["age_at_current"] = _ages_on(as_of, dob, created)
    children["age_at_previous"] = _ages_on(
        as_of, dob, np.where(has_previous, previous_created, created)
    )

    # EHC plans: years in place from the published distribution, no longer than the child
    # has been alive (less six months). SEN support started before the plan for most.
    is_ehc = children["is_ehc"]
    years_weights = cal.years_in_plan_weights
    support_start = np.full(n, NO_DATE)
    life = -dob
    longest = np.clip((life - 180) // 365, 0, len(years_weights) - 1)
    years = np.zeros(n, np.int64)
    for limit in np.unique(longest[is_ehc]):
        rows = np.flatnonzero(is_ehc & (longest == limit))
        w = years_weights[: limit + 1]
        years[rows] = rng.choice(limit + 1, size=len(rows), p=w / w.sum())
    offset = -(years * 365 + rng.integers(7, 365, n))
    plan_start = np.where(is_ehc, np.minimum(np.maximum(offset, dob + 150), -7), NO_DATE)
    no_support = rng.random(n) < a["plan_without_sen_support_share"]
    before_plan = plan_start - rng.integers(90, 721, n)
    support_start = np.where(is_ehc & ~no_support, np.maximum(before_plan, dob + 60), support_start)
    support_start = np.where(is_ehc, np.minimum(support_start, plan_start), support_start)
    support_start = np.where(is_ehc & no_support, NO_DATE, support_start)
    # SEN support: started before the first assessment, from age 2 (or 2 months) on.
    k_earliest = np.maximum(dob + np.where(life > 3 * 365, 2 * 365, 60), first_assessed - 5 * 365)
    k_start = k_earliest + (rng.random(n) * (first_assessed - k_earliest + 1)).astype(np.int64)
    support_start = np.where(is_ehc, support_start, np.minimum(k_start, first_assessed))
    children["plan_start"], children["support_start"] = plan_start, support_start

    # Next review: EHC plans yearly from the plan start (every six months under 5), some
    # overdue; SEN support termly.
    overdue = a["review_overdue_share"]
    interval = np.where(life < 5 * 365, 182, 365)
    periods = -plan_start // interval + 1
    ehc_due = np.where(
        rng.random(n) < overdue["E"], -rng.integers(1, 91, n), plan_start + periods * interval
    )
    k_due = np.where(
        rng.random(n) < overdue["K"], -rng.integers(1, 61, n), rng.integers(14, 121, n)
    )
    review = np.maximum(np.where(is_ehc, ehc_due, k_due), dob + 1)
    children["next_review"] = review


# ----- Profiles, requests, bands, UPNs -----------------------------------------------------


def plan_profiles(
    cal: Calibration, model: ProfileModel, settings: list[SettingPlan], children: dict, as_of, rng
) -> None:
    a = cal.assumptions
    need, secondary, is_ehc, placement = (
        children["need"],
        children["secondary"],
        children["is_ehc"],
        children["placement"],
    )
    n = len(need)
    levels = need_levels(model, rng, need, secondary, is_ehc, placement)
    children["levels"] = levels
    capability = np.array([s.capabilities for s in settings] + [np.full(len(DOMAINS), -1)], np.int8)
    setting = children["setting"]
    children["ability"] = setting_ability(model, rng, levels, capability[setting])
    family = rng.choice(4, size=n, p=model.family_p)
    children["family_latent"] = family
    children["family"] = family_capacity(model, rng, levels, family)

    rows = np.flatnonzero(children["has_previous"])
    change = a["previous_assessment_change_percent"]
    p = np.array([change["rose"], change["fell"], change["same"]], float)
    previous = previous_levels(rng, levels[rows], p / p.sum())
    children["previous_rows"] = rows
    children["previous_levels"] = previous
    previous_setting = _previous_settings(settings, children, rows, as_of, rng)
    children["previous_setting"] = previous_setting
    children["previous_ability"] = setting_ability(
        model, rng, previous, capability[previous_setting]
    )
    children["previous_family"] = family_capacity(model, rng, previous, family[rows])

    source_p = np.array([a["evidence_source_percent"][code] for code in SOURCES], float)
    source_p /= source_p.sum()
    children["source"] = rng.choice(len(SOURCES), size=levels.shape, p=source_p).astype(np.int8)
    children["previous_source"] = rng.choice(len(SOURCES), size=previous.shape, p=source_p).astype(
        np.int8
    )

    # What is asked for now.
    request = np.full(n, "none", dtype=object)
    special = np.isin(
        placement, [PLACEMENT_INDEX["state_special"], PLACEMENT_INDEX["independent_special"]]
    )
    for group, mask in (("K", ~is_ehc), ("E", is_ehc & ~special), ("E_special", is_ehc & special)):
        rows_in = np.flatnonzero(mask)
        percents = a["request_percent"][group]
        codes = list(percents)
        request[rows_in] = np.array(codes, dtype=object)[
            assign_by_quota(rng, len(rows_in), list(percents.values()))
        ]
    children["request"] = request

    # Band held now, for plans with a setting that receives top-up.
    band_rule = a["held_band"]
    points = np.array(band_rule["points_per_level"])[levels]
    applies = np.ones(levels.shape, bool)
    applies[:, PFA] = children["age_at_current"] >= PFA_FROM_AGE
    total = (points * applies).sum(axis=1)
    band = np.searchsorted(np.array(band_rule["band_min_points"]), total, side="right")
    offsets = band_rule["offset_percent"]
    shift = np.array(list(map(int, offsets)))[
        rng.choice(len(offsets), size=n, p=np.array(list(offsets.values()), float) / 100)
    ]
    band = np.clip(band + shift, 1, len(band_rule["band_min_points"]))
    children["held_band"] = np.where(is_ehc & (setting >= 0), band, 0)


def _previous_settings(settings, children, rows, as_of, rng) -> np.ndarray:
    """The setting at the previous assessment: the current one if it served the child's age
    then, else one of the same type that did (a primary, for a child now at secondary)."""
    current = children["setting"][rows]
    result = current.copy()
    ages = children["age_at_previous"][rows]
    by_type: dict[tuple[str, str], list[int]] = {}
    for s, setting in enumerate(settings):
        by_type.setdefault((setting.setting_type, setting.phase), []).append(s)
    for k, s in enumerate(current):
        if s < 0:
            continue
        low, high = PHASE_AGE_RANGES[settings[s].phase]
        if low <= ages[k] <= high:
            continue
        setting_type = settings[s].setting_type
        if setting_type in ("fe", "other"):
            setting_type = "mainstream"
        options = [
            t
            for (kind, phase), members in by_type.items()
            if kind == setting_type
            and PHASE_AGE_RANGES[phase][0] <= ages[k] <= PHASE_AGE_RANGES[phase][1]
            for t in members
        ]
        result[k] = options[rng.integers(len(options))] if options else -1
    return result


def plan_upns(cal: Calibration, ctx: AuthorityContext, settings, children, as_of, rng) -> None:
    """UPNs for children of school age and older (and 4-year-olds at school): the LA code,
    the DfE number of the school that allocated it, the year, a serial, and the check letter."""
    a = cal.assumptions
    n = len(children["age"])
    age, setting = children["age"], children["setting"]
    at_school = np.array(
        [
            s >= 0 and settings[s].estab is not None and settings[s].kind != "nursery"
            for s in setting
        ]
    )
    wants = (age >= 5) | ((age == 4) & at_school)
    wants &= rng.random(n) >= a["upn_missing_share"]
    primaries = [s for s, plan in enumerate(settings) if plan.kind == "primary"]
    start_year = _academic_year_start(as_of).year
    serials: dict[tuple[int, int], int] = {}
    upns = [""] * n
    for row in np.flatnonzero(wants):
        s = setting[row]
        if s >= 0 and settings[s].estab is not None and settings[s].kind not in ("nursery",):
            estab = settings[s].estab
        else:
            estab = settings[primaries[rng.integers(len(primaries))]].estab
        year = (start_year - max(0, int(age[row]) - 4)) % 100
        while True:
            serial = serials.get((estab, year), 0) + 1
            serials[(estab, year)] = serial
            if serial <= 999:
                break
            estab = (estab + 1) % 10000  # a full year group: the next establishment number
        body = f"{ctx.la_code}{estab:04d}{year:02d}{serial:03d}"
        upns[row] = upn_check_letter(body) + body
    children["upn"] = upns


def plan_caseworkers(cal: Calibration, ctx: AuthorityContext, targets: Targets, children, rng):
    needed = max(1, -(-targets.ehc_plans // cal.assumptions["caseworker_per_ehc_plans"]))
    new = max(0, needed - len(ctx.existing_caseworkers))
    staff = []
    heritages = ["english"] * 6 + ["south_asian", "african", "irish", "european", "caribbean"]
    for k in range(new):
        girls, boys, surnames = name_lists.NAMES[heritages[rng.integers(len(heritages))]]
        given_names = girls if rng.random() < 0.75 else boys
        given = given_names[rng.integers(len(given_names))]
        surname = surnames[rng.integers(len(surnames))]
        local = f"{given}.{surname}".lower().replace("'", "")
        staff.append(
            (
                f"{given} {surname}",
                f"{local}.{ctx.la_code}{k + 1:03d}@caseworkers.valuing-send.test",
            )
        )
    pool = len(ctx.existing_caseworkers) + new
    children["caseworker"] = assign_by_quota(rng, len(children["need"]), np.ones(pool))
    return staff


def plan_authority(
    ctx: AuthorityContext,
    targets: Targets,
    *,
    as_of: datetime.date,
    seed: int,
    published_mix: PublishedAuthority | None = None,
    published_size: PublishedAuthority | None = None,
    cal: Calibration | None = None,
) -> Plan:
    """Everything about the authority's data, decided in memory. ``published_mix``: use that
    authority's own published need and placement mix; ``published_size``: its pupils."""
    cal = cal or calibration()
    rng = _streams(seed, ctx.la_code)
    children = plan_children(cal, targets, published_mix, rng["children"])
    plan_people(cal, children, ctx.region, rng["people"])
    pupils = estimated_pupils(targets, published_size)
    settings = plan_settings(cal, ctx, children, pupils, rng["settings"])
    assign_settings(cal, settings, children, rng["settings"])
    plan_dates(cal, children, as_of, ctx.framework_from, rng["dates"])
    model = ProfileModel(cal)
    plan_profiles(cal, model, settings, children, as_of, rng["profiles"])
    plan_upns(cal, ctx, settings, children, as_of, rng["people"])
    staff = plan_caseworkers(cal, ctx, targets, children, rng["people"])
    rng_assess = rng["assessments"]
    children["evidence_variant"] = rng_assess.integers(0, 2, len(children["need"]))
    children["created_gap"] = rng_assess.integers(1, 31, len(children["need"]))
    return Plan(
        ctx=ctx,
        targets=targets,
        as_of=as_of,
        seed=seed,
        settings=settings,
        new_caseworkers=staff,
        children=children,
        evidence={"pool": evidence_pool(ctx.definition)},
    )


# ----- Rows ------------------------------------------------------------------------------------


@dataclass
class IdBases:
    """The first database id of each table the generator gives ids to itself."""

    setting: int = 1
    user: int = 1
    child: int = 1
    assessment: int = 1


def profile_vectors_of(levels, ability, family, ages) -> list[tuple[str, str, str]]:
    """The three profile vectors of each assessment, as completing it in the app writes them
    (``assessments.vectors``): preparing for adulthood is not rated under 14, and the setting's
    ability and the family's capacity are not asked where there is no need (level 0)."""
    levels = np.asarray(levels)
    young = np.zeros(levels.shape, bool)
    young[:, PFA] = np.asarray(ages) < PFA_FROM_AGE
    no_need = young | (levels == 0)
    return list(
        zip(
            encode_rows(levels, not_rated=young),
            encode_rows(ability, not_rated=no_need),
            encode_rows(family, not_rated=no_need),
            strict=True,
        )
    )


class _Clock:
    """Day offsets and minutes to the database's text forms (naive UTC: Django's SQLite form,
    and read as UTC by PostgreSQL, whose Django connections use the UTC time zone)."""

    def __init__(self, as_of: datetime.date):
        self.as_of = as_of
        self._days: dict[int, str] = {}

    def day(self, offset) -> str | None:
        offset = int(offset)
        if offset == NO_DATE:
            return None
        text = self._days.get(offset)
        if text is None:
            text = self._days[offset] = (self.as_of + datetime.timedelta(offset)).isoformat()
        return text

    def moment(self, offset, minute) -> str:
        minute = int(minute)
        extra_days, minute = divmod(minute, 24 * 60)
        return f"{self.day(int(offset) + extra_days)} {minute // 60:02d}:{minute % 60:02d}:00"


def build_rows(plan: Plan, ids: IdBases) -> Dataset:
    """The plan as table rows, through one ``rows.Table`` per model (columns from the model's
    ``_meta``), in the order they are written: a table after those its rows point to."""
    ctx, c = plan.ctx, plan.children
    clock = _Clock(plan.as_of)
    n = plan.child_count
    pool = list(ctx.existing_caseworkers) + [ids.user + k for k in range(len(plan.new_caseworkers))]
    register_day = clock.moment(-400, 9 * 60)

    # Declared in the order they are written: a table after those its rows point to.
    dataset = Dataset()
    users = dataset.table("users", "authorities.User", own_ids=True)
    memberships = dataset.table("memberships", "authorities.Membership")
    settings = dataset.table("settings", "authorities.Setting", own_ids=True)
    capabilities = dataset.table("capabilities", "authorities.SettingCapability")
    children = dataset.table("children", "assessments.Child", own_ids=True)
    assessments = dataset.table("assessments", "assessments.Assessment", own_ids=True)
    ratings = dataset.table("ratings", "assessments.DomainRating")
    changes = dataset.table("status_changes", "assessments.AssessmentStatusChange")

    for k, (full_name, email) in enumerate(plan.new_caseworkers):
        users.add(
            id=ids.user + k,
            # Unusable (no one signs in as a generated caseworker), but deterministic.
            password="!"
            + hashlib.sha256(f"{plan.seed}:{ctx.la_code}:{email}".encode()).hexdigest()[:40],
            email=email,
            full_name=full_name,
            date_joined=register_day,
        )
        memberships.add(
            user_id=ids.user + k,
            authority_id=ctx.authority_id,
            role="caseworker",
            created_at=register_day,
            updated_at=register_day,
        )
    for s, setting in enumerate(plan.settings):
        settings.add(
            id=ids.setting + s,
            authority_id=ctx.authority_id,
            name=setting.name,
            urn=setting.urn,
            ukprn=setting.ukprn,
            phase=setting.phase,
            setting_type=setting.setting_type,
            capacity=setting.capacity,
            created_at=register_day,
            updated_at=register_day,
        )
        for domain, level in zip(DOMAINS, setting.capabilities, strict=True):
            capabilities.add(setting_id=ids.setting + s, domain=domain, level=int(level))

    next_assessment = ids.assessment
    caseworker_ids = np.array(pool)[c["caseworker"]].tolist()
    previous_index = {int(row): k for k, row in enumerate(c["previous_rows"])}
    evidence = plan.evidence["pool"]
    domain_count = len(DOMAINS)
    framework_id = ctx.framework_id
    authority_id = ctx.authority_id
    add_rating = ratings.add

    def profile_rows(assessment_id, levels, ability, family, sources, variant, age_then, by, at):
        """DomainRating rows for the domains that apply at the child's age. Returns how many."""
        phase = phase_index(age_then)
        added = 0
        for d in range(domain_count):
            if d == PFA and age_then < PFA_FROM_AGE:
                continue
            level = levels[d]
            if level >= 2:
                source = sources[d]
                add_rating(
                    assessment_id=assessment_id,
                    domain=DOMAINS[d],
                    level=level,
                    evidence=evidence[d, level, phase, source, variant],
                    source=SOURCES[source],
                    setting_ability=ability[d],
                    family_capacity=family[d],
                    updated_at=at,
                    updated_by_id=by,
                )
            elif level == 1:
                add_rating(
                    assessment_id=assessment_id,
                    domain=DOMAINS[d],
                    level=1,
                    setting_ability=ability[d],
                    family_capacity=family[d],
                    updated_at=at,
                    updated_by_id=by,
                )
            else:  # no need: the setting's ability and the family's capacity are not asked
                add_rating(
                    assessment_id=assessment_id,
                    domain=DOMAINS[d],
                    level=0,
                    updated_at=at,
                    updated_by_id=by,
                )
            added += 1
        return added

    def add_assessment(
        assessment_id, profile, vectors, by, *, created_at, completed_at, saves_after_ratings, **row
    ):
        """An assessment and its ratings. Its version was bumped by each rating saved, and
        ``saves_after_ratings`` times more (created, completed, superseded)."""
        rated = profile_rows(assessment_id, *profile, by, completed_at)
        need, ability, family = vectors
        assessments.add(
            id=assessment_id,
            authority_id=authority_id,
            framework_id=framework_id,
            created_at=created_at,
            created_by_id=by,
            completed_at=completed_at,
            completed_by_id=by,
            need_vector=need,
            ability_vector=ability,
            family_vector=family,
            version=rated + saves_after_ratings,
            **row,
        )

    def add_history(assessment_id, by, *steps):
        """The assessment's status changes, each step ``(from, to, at, note)``."""
        for from_status, to_status, at, note in steps:
            changes.add(
                assessment_id=assessment_id,
                from_status=from_status,
                to_status=to_status,
                by_id=by,
                at=at,
                reason=note,
            )

    def as_lists(levels, ability, family):
        """Plain Python values (None for not asked), once for all rows: faster than numpy scalars."""
        ability = np.where(levels == 0, -1, ability)
        return (
            levels.tolist(),
            [[None if v < 0 else v for v in row] for row in ability.tolist()],
            [[None if v < 0 else v for v in row] for row in family.tolist()],
        )

    vectors_now = profile_vectors_of(c["levels"], c["ability"], c["family"], c["age_at_current"])
    vectors_before = profile_vectors_of(
        c["previous_levels"],
        c["previous_ability"],
        c["previous_family"],
        c["age_at_previous"][c["previous_rows"]],
    )
    levels_now, ability_now, family_now = as_lists(c["levels"], c["ability"], c["family"])
    levels_before, ability_before, family_before = as_lists(
        c["previous_levels"], c["previous_ability"], c["previous_family"]
    )
    sources_now, sources_before = c["source"].tolist(), c["previous_source"].tolist()
    profiles_now = (levels_now, ability_now, family_now, sources_now)
    profiles_before = (levels_before, ability_before, family_before, sources_before)
    variants = c["evidence_variant"].tolist()
    ages_now, ages_before = c["age_at_current"].tolist(), c["age_at_previous"].tolist()
    settings_base = ids.setting
    for row in range(n):
        child_id = ids.child + row
        by = caseworker_ids[row]
        born = plan.as_of + datetime.timedelta(int(c["dob"][row]))
        current_setting = int(c["setting"][row])
        setting_id = settings_base + current_setting if current_setting >= 0 else None
        created_day = int(c["created_day"][row])
        completed_at = clock.moment(c["completed_day"][row], c["completed_minute"][row])
        first_day = created_day
        previous_id = None
        k = previous_index.get(row)
        if k is not None:
            previous_id = next_assessment
            next_assessment += 1
            p_created_day = int(c["previous_created_day"][row])
            p_completed_day = int(c["previous_completed_day"][row])
            first_day = p_created_day
            p_created = clock.moment(p_created_day, c["previous_created_minute"][row])
            p_completed = clock.moment(p_completed_day, c["previous_completed_minute"][row])
            p_setting = int(c["previous_setting"][k])
            add_assessment(
                previous_id,
                [column[k] for column in profiles_before] + [variants[row], ages_before[row]],
                vectors_before[k],
                by,
                created_at=p_created,
                completed_at=p_completed,
                saves_after_ratings=3,  # completed, then superseded
                child_id=child_id,
                status="superseded",
                request="none",
                setting_id=settings_base + p_setting if p_setting >= 0 else None,
                updated_at=completed_at,
            )
        current_id = next_assessment
        next_assessment += 1
        created_at = clock.moment(created_day, c["created_minute"][row])
        add_assessment(
            current_id,
            [column[row] for column in profiles_now] + [variants[row], ages_now[row]],
            vectors_now[row],
            by,
            created_at=created_at,
            completed_at=completed_at,
            saves_after_ratings=2,  # completed
            child_id=child_id,
            status="complete",
            request=c["request"][row],
            setting_id=setting_id,
            copied_from_id=previous_id,
            updated_at=completed_at,
        )
        if previous_id is not None:
            done = plan.as_of + datetime.timedelta(p_completed_day)
            add_history(
                previous_id,
                by,
                ("", "draft", p_created, "Started"),
                ("draft", "complete", p_completed, ""),
                ("complete", "superseded", completed_at, f"Replaced by assessment {current_id}"),
            )
            note = f"Started from the assessment completed on {done.day} {done:%B %Y}"
        else:
            note = "Started"
        add_history(
            current_id,
            by,
            ("", "draft", created_at, note),
            ("draft", "complete", completed_at, ""),
        )

        is_ehc = bool(c["is_ehc"][row])
        secondary = int(c["secondary"][row])
        band = int(c["held_band"][row])
        children.add(
            id=child_id,
            authority_id=authority_id,
            first_name=c["first_name"][row],
            last_name=c["last_name"][row],
            date_of_birth=born.isoformat(),
            upn=c["upn"][row],
            gender=str(c["gender"][row]),
            ethnicity=str(c["ethnicity"][row]),
            current_setting_id=setting_id,
            sen_status="E" if is_ehc else "K",
            primary_need=NEEDS[int(c["need"][row])],
            secondary_need=NEEDS[secondary] if secondary >= 0 else "",
            held_band=band or None,
            sen_support_start_date=clock.day(c["support_start"][row]),
            plan_start_date=clock.day(c["plan_start"][row]) if is_ehc else None,
            next_review_date=clock.day(c["next_review"][row]),
            caseworker_id=by,
            created_at=clock.moment(
                first_day - int(c["created_gap"][row]), c["created_minute"][row]
            ),
            created_by_id=by,
            updated_at=completed_at,
        )
    return dataset
