"""Needs profiles consistent with each child's primary need, status and placement.

Levels (0–4 in each of the framework's domains) come from the ``needs`` mapping in
``seeds/demo/calibration.yaml``: the key domain of the primary need carries the child's key
level (EHC plans 3–4, higher in special schools; SEN support 1–3), related domains follow at
about key level × weight, never above it, and a secondary need lifts its own key domain.
Everything is vectorised over the children with one need at a time."""

from __future__ import annotations

import numpy as np

from .calibration import DOMAIN_INDEX, DOMAINS, NEED_INDEX, NEEDS, PLACEMENT_INDEX, Calibration

LEVELS = 5
NO_SETTING = -1


def _percent_vector(mapping: dict, size: int) -> np.ndarray:
    weights = np.zeros(size)
    for key, value in mapping.items():
        weights[int(key)] = value
    return weights / weights.sum()


class ProfileModel:
    """The calibration's need → domain mapping as arrays."""

    def __init__(self, cal: Calibration):
        a = cal.assumptions
        self.noise_sd = a["level_noise_sd"]
        self.special_boost = a["special_weight_boost"]
        self.key_level = {
            name: _percent_vector(p, LEVELS) for name, p in a["key_level_percent"].items()
        }
        background = a["background_weight"]
        count = len(NEEDS)
        self.weights = np.full((count, len(DOMAINS)), background)
        self.key_domains: list[np.ndarray] = []
        self.key_domain_p: list[np.ndarray] = []
        self.also_key = np.zeros(count)
        self.fixed_key_domains: list[list[int]] = []
        self.own_key_level: dict[int, np.ndarray] = {}
        for need in NEEDS:
            i = NEED_INDEX[need]
            spec = a["needs"][need]
            for domain, weight in spec["related"].items():
                self.weights[i, DOMAIN_INDEX[domain]] = weight
            keys = [DOMAIN_INDEX[d] for d in spec["key"]]
            p = np.array(list(spec["key"].values()), dtype=float)
            self.key_domains.append(np.array(keys))
            self.key_domain_p.append(p / p.sum())
            self.also_key[i] = spec.get("also_key", 0.0)
            self.fixed_key_domains.append(
                [DOMAIN_INDEX[d] for d in spec.get("also_key_domains", [])]
            )
            if "key_level_percent" in spec:
                self.own_key_level[i] = _percent_vector(spec["key_level_percent"], LEVELS)
        self.main_key_domain = np.array(
            [int(k[np.argmax(p)]) for k, p in zip(self.key_domains, self.key_domain_p, strict=True)]
        )
        self.ability_weights = {
            name: np.array(w, dtype=float) / sum(w)
            for name, w in a["setting_ability_weights"].items()
        }
        self.family_p = _percent_vector(a["family_capacity_percent"], 4)
        self.family_jitter = a["family_capacity_jitter"]

    def key_level_table(self, status: str, placement: str) -> str:
        if status == "K":
            return "K"
        if placement in ("state_special", "independent_special"):
            return "E_special"
        if placement == "resourced":
            return "E_resourced"
        return "E"


def need_levels(
    model: ProfileModel,
    rng: np.random.Generator,
    need: np.ndarray,
    secondary: np.ndarray,
    is_ehc: np.ndarray,
    placement: np.ndarray,
) -> np.ndarray:
    """Levels (children × domains, int8) for every domain, whatever the child's age."""
    n = len(need)
    levels = np.zeros((n, len(DOMAINS)), dtype=np.int8)
    special = np.isin(
        placement, [PLACEMENT_INDEX["state_special"], PLACEMENT_INDEX["independent_special"]]
    )
    resourced = placement == PLACEMENT_INDEX["resourced"]
    table_of = np.where(~is_ehc, 0, np.where(special, 1, np.where(resourced, 2, 3)))
    tables = [
        model.key_level["K"],
        model.key_level["E_special"],
        model.key_level["E_resourced"],
        model.key_level["E"],
    ]
    key_level = np.zeros(n, dtype=np.int64)
    for t, p in enumerate(tables):
        chosen = table_of == t
        key_level[chosen] = rng.choice(LEVELS, size=int(chosen.sum()), p=p)
    for i, p in model.own_key_level.items():
        chosen = need == i
        key_level[chosen] = rng.choice(LEVELS, size=int(chosen.sum()), p=p)
    key_level[(need == NEED_INDEX["PMLD"]) & is_ehc] = 4

    for i in range(len(NEEDS)):
        rows = np.flatnonzero(need == i)
        if not len(rows):
            continue
        k = key_level[rows]
        boost = np.where(special[rows], model.special_boost, 1.0)
        raw = k[:, None] * model.weights[i][None, :] * boost[:, None]
        raw += rng.normal(0.0, model.noise_sd, size=raw.shape)
        block = np.clip(np.rint(raw), 0, k[:, None]).astype(np.int8)
        keys, p = model.key_domains[i], model.key_domain_p[i]
        chosen = (
            keys[rng.choice(len(keys), size=len(rows), p=p)]
            if len(keys) > 1
            else np.full(len(rows), keys[0])
        )
        block[np.arange(len(rows)), chosen] = k
        if model.also_key[i] and len(keys) > 1:
            # The need's other key domain(s): at the key level, or one below.
            for domain in keys:
                others = chosen != domain
                at_key = rng.random(len(rows)) < model.also_key[i]
                value = np.where(at_key, k, np.maximum(k - 1, 0))
                block[others, domain] = np.maximum(block[others, domain], value[others])
        for domain in model.fixed_key_domains[i]:
            block[:, domain] = k
        levels[rows] = block

    # A secondary need lifts its main domain to one or two below the key level.
    has_secondary = secondary >= 0
    rows = np.flatnonzero(has_secondary)
    if len(rows):
        domain = model.main_key_domain[secondary[rows]]
        k = key_level[rows]
        lift = np.maximum(k - 1 - (rng.random(len(rows)) < 0.4), 1)
        lift = np.minimum(lift, k)
        levels[rows, domain] = np.maximum(levels[rows, domain], lift.astype(np.int8))
    return levels


def previous_levels(
    rng: np.random.Generator, current: np.ndarray, change_p: np.ndarray
) -> np.ndarray:
    """A profile about a year earlier: mostly one lower in one or two domains (needs rose),
    sometimes one higher in one domain (needs fell), sometimes the same."""
    previous = current.copy()
    n = len(current)
    kind = rng.choice(3, size=n, p=change_p)  # 0 rose, 1 fell, 2 same
    how_many = 1 + (rng.random(n) < 0.4)
    order = np.argsort(rng.random(current.shape), axis=1)
    for row in range(n):
        if kind[row] == 2:
            continue
        changed = 0
        for domain in order[row]:
            level = current[row, domain]
            if kind[row] == 0 and level >= 1:
                previous[row, domain] = level - 1
                changed += 1
            elif kind[row] == 1 and 1 <= level <= 3:
                previous[row, domain] = level + 1
                changed += 1
            if changed >= (how_many[row] if kind[row] == 0 else 1):
                break
    return previous


def setting_ability(
    model: ProfileModel, rng: np.random.Generator, levels: np.ndarray, capability: np.ndarray
) -> np.ndarray:
    """How well the setting meets each need (0–3), from its capability in the domain (a row of
    -1 for no setting); -1 where the level is 0 (not asked)."""
    gap = capability - levels
    ability = np.full(levels.shape, -1, dtype=np.int8)
    draws = rng.random(levels.shape)
    for name, condition in (
        ("above", gap >= 1),
        ("equal", gap == 0),
        ("one_below", gap == -1),
        ("further_below", gap <= -2),
        ("no_setting", capability < 0),
    ):
        cumulative = np.cumsum(model.ability_weights[name])
        ability[condition] = np.searchsorted(cumulative, draws[condition], side="right").clip(0, 3)
    ability[levels == 0] = -1
    return ability


def family_capacity(
    model: ProfileModel, rng: np.random.Generator, levels: np.ndarray, family: np.ndarray
) -> np.ndarray:
    """Each family's capacity (0–3) per domain: the family's own, now and then one up or
    down, and a little lower for the most severe needs; -1 where the level is 0."""
    shape = levels.shape
    jitter = rng.random(shape)
    step = np.where(
        jitter < model.family_jitter / 2, -1, np.where(jitter < model.family_jitter, 1, 0)
    )
    severe = (levels == 4) & (rng.random(shape) < 0.3)
    capacity = np.clip(family[:, None] + step - severe, 0, 3).astype(np.int8)
    capacity[levels == 0] = -1
    return capacity


SOURCE_LABELS = {
    "school": ("SENCo's review of the SEN support plan", "Class teacher's observations"),
    "parent": ("Parent's account at the review meeting", "Parent's written views"),
    "caseworker": ("Caseworker's visit to the setting", "Caseworker's observation"),
}
PROFESSIONALS = {
    "speech_language": "Speech and language therapy report",
    "social_communication": "Autism outreach team report",
    "general_learning": "Educational psychologist's report",
    "specific_learning": "Specialist teacher's assessment",
    "emotional_wellbeing": "CAMHS clinician's letter",
    "behaviour_regulation": "Behaviour support service report",
    "hearing": "Qualified Teacher of the Deaf report",
    "vision": "Qualified Teacher of Vision Impairment report",
    "physical_mobility": "Physiotherapy and occupational therapy report",
    "medical_health": "Community paediatrician's letter",
    "independence_self_care": "Occupational therapy assessment",
    "preparing_for_adulthood": "Careers adviser's transition review",
}
SOURCES = ("school", "professional", "parent", "caseworker")
PHASES = ("early_years", "primary", "secondary", "post_16")


def evidence_pool(definition) -> dict[tuple[int, int, int, int, int], str]:
    """Evidence texts by (domain, level, phase, source, variant), made from the framework's
    own examples for that domain, level and phase, so each reads like what was observed."""
    pool = {}
    for d, code in enumerate(DOMAINS):
        domain = definition.domain(code)
        for level in range(2, LEVELS):
            meaning = domain.level(level)
            for ph, phase in enumerate(PHASES):
                examples = [text.rstrip(". ") + "." for text in meaning.examples.get(phase, ())]
                seen = " ".join(examples) or meaning.descriptor
                for s, source in enumerate(SOURCES):
                    labels = (
                        (PROFESSIONALS[code], PROFESSIONALS[code])
                        if source == "professional"
                        else SOURCE_LABELS[source]
                    )
                    for v, label in enumerate(labels):
                        text = f"{label}: {seen}"
                        if any(ch in text for ch in "\t\n\r\\"):
                            raise ValueError(f"evidence text for {code} has a control character")
                        pool[d, level, ph, s, v] = text
    return pool


def phase_index(age: int) -> int:
    if age < 5:
        return 0
    if age < 11:
        return 1
    if age < 16:
        return 2
    return 3
