"""Builders shared by the rules tests: a small rule set whose arithmetic is easy to follow."""

import copy

from assessments.rules import Profile, SettingRecord, SettingsRegister, evaluate, parse_ruleset
from assessments.rules.codes import SETTING_TYPE_CODES

# Setting types priced alike in the small rule set; only the mainstream and special rows differ.
EVERY_TYPE = dict.fromkeys(SETTING_TYPE_CODES, 0)

SMALL_RULESET = {
    "schema_version": 1,
    "id": "small",
    "name": "Small test rule set",
    "version": "1",
    "effective_from": "2025-09-01",
    "description": "Seven domains in three areas, for hand-checked tests.",
    "areas": [
        {"code": "talk", "name": "Talking", "weight": 2},
        {"code": "learn", "name": "Learning", "cap": 8},
        {"code": "body", "name": "Body", "scoring": "max"},
    ],
    "domains": [
        {"code": "speech", "name": "Speech", "area": "talk"},
        {"code": "social", "name": "Social", "area": "talk"},
        {"code": "reading", "name": "Reading", "area": "learn"},
        {"code": "maths", "name": "Maths", "area": "learn"},
        {"code": "hearing", "name": "Hearing", "area": "body"},
        {"code": "mobility", "name": "Mobility", "area": "body"},
        {"code": "adulthood", "name": "Adulthood", "area": "body", "assessed_from_age": 14},
    ],
    "points": {"default": [0, 1, 3, 6, 10], "by_domain": {"hearing": [0, 2, 4, 7, 12]}},
    "bands": [
        {"number": 1, "name": "Band A", "min_points": 5},
        {"number": 2, "name": "Band B", "min_points": 12},
        {"number": 3, "name": "Band C", "min_points": 20},
    ],
    "funding": {
        "base": {**EVERY_TYPE, "mainstream": 6000, "state_special": 10000},
        "top_up": {
            1: {**EVERY_TYPE, "mainstream": 1000, "state_special": 8000},
            2: {**EVERY_TYPE, "mainstream": 4000, "state_special": 12000},
            3: {**EVERY_TYPE, "mainstream": 9000, "state_special": 20000},
        },
    },
    "tiers": [
        {
            "tier": "specialist",
            "when": {"all": [{"any_level_at_least": 4}, {"no_mainstream_setting_meets": True}]},
        },
        {
            "tier": "targeted_plus",
            "when": {"any": [{"any_level_at_least": 3}, {"points_at_least": 18}]},
        },
        {"tier": "sen_support", "when": {"any_level_at_least": 2}},
        {"tier": "universal"},
    ],
    "tier_step_up": {"when": {"family_capacity_low_in_at_least": {"domains": 2}}},
    "family": {
        "support": [
            {
                "code": "FAM-ANY",
                "description": "Family key worker",
                "hours_per_week": 1,
                "annual_cost": 2000,
            },
            {
                "code": "FAM-TALK",
                "description": "Talking games at home",
                "hours_per_week": 0.5,
                "annual_cost": 500,
                "domains": ["speech"],
            },
        ]
    },
    "provision": {
        "speech": {
            2: [
                {
                    "code": "SP-2",
                    "description": "Language group",
                    "hours_per_week": 1,
                    "annual_cost": 900,
                }
            ],
            3: [
                {
                    "code": "SP-3",
                    "description": "Therapy programme",
                    "hours_per_week": 1.5,
                    "annual_cost": 2600,
                },
                {
                    "code": "SP-3-AID",
                    "description": "Picture communication book",
                    "hours_per_week": 0.25,
                    "annual_cost": 300,
                },
            ],
        },
        "reading": {
            2: [
                {
                    "code": "RD-2",
                    "description": "Reading catch-up",
                    "hours_per_week": 2,
                    "annual_cost": 1700,
                }
            ]
        },
    },
}


def small_data() -> dict:
    return copy.deepcopy(SMALL_RULESET)


def small_ruleset(**changes):
    data = small_data()
    data.update(changes)
    return parse_ruleset(data, "small.yaml")


def setting(setting_id, setting_type="mainstream", phase="primary", name=None, **capabilities):
    return SettingRecord(
        id=setting_id,
        name=name or f"Setting {setting_id}",
        setting_type=setting_type,
        phase=phase,
        capabilities=capabilities,
    )


def profile(levels=None, **fields):
    defaults = {
        "setting_ability": {},
        "family_capacity": {},
        "age": 9,
        "sen_status": "K",
    }
    return Profile(levels=levels or {}, **{**defaults, **fields})


def run(ruleset, levels=None, settings=(), **fields):
    register = SettingsRegister.build(settings, ruleset)
    return evaluate(profile(levels, **fields), ruleset, register)


def ranged_data() -> dict:
    """The small rule set in schema 2: named bands with explicit ranges, a "Local Offer" band with
    no top-up below the first funded band, figures per term (3 terms a year) that vary by hours
    a week, one amount for every setting type with an exception for special schools, and a top
    band that ends below the highest total the scheme can give (60 points), so totals above 30
    are above the scheme's range."""
    data = small_data()
    data["schema_version"] = 2
    data["id"] = "small-ranged"
    data["funding"] = {
        "per": "term",
        "terms_per_year": 3,
        "hours": [15, 30],
        "default_hours": 30,
        "base": {"all": 0, "mainstream": 6000},
    }
    data["bands"] = [
        {"name": "Local Offer", "min_points": 0, "max_points": 4, "top_up": "none"},
        {
            "name": "A1",
            "description": "Support",
            "min_points": 5,
            "max_points": 11,
            "top_up": {
                "all": {"15 hours": 100.50, "30 hours": 201},
                "state_special": {"15 hours": 400, "30 hours": 800},
            },
        },
        {
            "name": "B1",
            "min_points": 12,
            "max_points": 19,
            "top_up": {"all": {"15 hours": 300, "30 hours": "600.25"}},
        },
        {
            "name": "C1",
            "min_points": 20,
            "max_points": 30,
            "top_up": {"15 hours": 1000, "30 hours": 2000},
        },
    ]
    return data


def ranged_ruleset(**changes):
    data = ranged_data()
    data.update(changes)
    return parse_ruleset(data, "small-ranged.yaml")


def bands_only_data() -> dict:
    """A schema-2 scheme with bands only: no tiers (the standard ones apply), no funding section
    (figures a year), one amount for every setting type, and an open question above 25."""
    data = small_data()
    data["schema_version"] = 2
    data["id"] = "small-bands-only"
    for key in ("funding", "tiers", "tier_step_up"):
        del data[key]
    data["bands"] = [
        {"name": "Band 1", "min_points": 6, "max_points": 11, "top_up": 1250.75},
        {"name": "Band 2", "min_points": 12, "max_points": 25, "top_up": 4000},
    ]
    return data


def bands_only_ruleset(**changes):
    data = bands_only_data()
    data.update(changes)
    return parse_ruleset(data, "small-bands-only.yaml")


def wide_data() -> dict:
    """The small rule set with every domain in one capped area and points in the thousands, so
    that the batch path looks points up domain by domain (an area of seven domains has too many
    combinations for one table) and searches bands child by child (too many totals)."""
    data = small_data()
    data["id"] = "small-wide"
    data["areas"] = [{"code": "all", "name": "Everything", "cap": 230000}]
    for domain in data["domains"]:
        domain["area"] = "all"
    data["points"] = {
        "default": [0, 10000, 30000, 60000, 100000],
        "by_domain": {"hearing": [0, 20000, 40000, 70000, 120000]},
    }
    data["bands"] = [
        {"number": 1, "name": "Band A", "min_points": 50000},
        {"number": 2, "name": "Band B", "min_points": 120000},
        {"number": 3, "name": "Band C", "min_points": 200000},
    ]
    data["tiers"][1]["when"]["any"][1] = {"points_at_least": 180000}
    return data


def wide_ruleset(**changes):
    data = wide_data()
    data.update(changes)
    return parse_ruleset(data, "small-wide.yaml")
