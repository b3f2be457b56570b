"""Codes shared by the rules module and the Django models, each with a human label.

Tuples of (code, label) drop straight into Django `choices`. The rules module itself is generic
over needs domains (a rule set declares its own), so the needs framework below is the starting
framework the shipped rule sets use, not something the engine depends on.
"""

from types import MappingProxyType

# Codes the settings register shares with the rules live in the neutral valuing_send.codes
# (no Django, no app), so the platform need not import this app; the rules use them from here.
from valuing_send.codes import (  # noqa: F401 - re-exported for the rules module
    MAX_NEED_LEVEL,
    NEED_LEVELS,
    PHASE_AGE_RANGES,
    PHASE_CODES,
    PHASE_LABELS,
    PHASES,
    SETTING_TYPE_CODES,
    SETTING_TYPE_LABELS,
    SETTING_TYPES,
)

# The SEND Code of Practice covers children and young people up to 25.
MAX_AGE = 25

SEN_STATUSES = (
    ("N", "No SEN"),
    ("K", "SEN support"),
    ("E", "EHC plan"),
)
SEN_STATUS_CODES = tuple(code for code, _ in SEN_STATUSES)
SEN_STATUS_LABELS = MappingProxyType(dict(SEN_STATUSES))

REQUESTS = (
    ("none", "No request"),
    ("ehc_assessment", "EHC needs assessment"),
    ("ehc_plan", "EHC plan"),
    ("specialist_placement", "Specialist placement"),
    ("increased_funding", "Increased funding"),
)
REQUEST_CODES = tuple(code for code, _ in REQUESTS)
REQUEST_LABELS = MappingProxyType(dict(REQUESTS))

# Ordered lowest to highest: a tier's rank is its position.
TIERS = (
    ("universal", "Universal"),
    ("sen_support", "SEN support"),
    ("targeted_plus", "Targeted plus"),
    ("specialist", "Specialist"),
)
TIER_CODES = tuple(code for code, _ in TIERS)
TIER_RANK = MappingProxyType({code: rank for rank, code in enumerate(TIER_CODES)})
DEFAULT_TIER_NAMES = MappingProxyType(dict(TIERS))

CLASSIFICATIONS = (
    ("could_be_prevented", "Could be prevented"),
    ("could_be_reduced", "Could be reduced"),
    ("could_be_delayed", "Could be delayed"),
    ("appropriately_placed", "Appropriately placed"),
    ("under_supported", "Under-supported"),
)
CLASSIFICATION_CODES = tuple(code for code, _ in CLASSIFICATIONS)
CLASSIFICATION_LABELS = MappingProxyType(dict(CLASSIFICATIONS))
# The Valuing SEND headline's "could have been prevented, reduced or delayed".
AVOIDABLE_CLASSIFICATIONS = ("could_be_prevented", "could_be_reduced", "could_be_delayed")

# How well the current setting, or the family, can support the child in a domain.
CAPACITY_LEVELS = (
    (0, "Cannot support this need"),
    (1, "Can support a little of this need"),
    (2, "Can support most of this need"),
    (3, "Can fully support this need"),
)
MAX_CAPACITY = 3

NEEDS_AREAS = (
    ("communication_interaction", "Communication and interaction"),
    ("cognition_learning", "Cognition and learning"),
    ("semh", "Social, emotional and mental health"),
    ("sensory_physical", "Sensory and physical"),
    ("wider", "Independence and adulthood"),
)

# (code, label, area code)
NEEDS_DOMAINS = (
    ("speech_language", "Speech, language and communication", "communication_interaction"),
    ("social_communication", "Social communication and interaction", "communication_interaction"),
    ("general_learning", "General learning", "cognition_learning"),
    ("specific_learning", "Specific learning difficulties", "cognition_learning"),
    ("emotional_wellbeing", "Emotional wellbeing and mental health", "semh"),
    ("behaviour_regulation", "Behaviour and self-regulation", "semh"),
    ("hearing", "Hearing", "sensory_physical"),
    ("vision", "Vision", "sensory_physical"),
    ("physical_mobility", "Physical and mobility", "sensory_physical"),
    ("medical_health", "Medical and health", "sensory_physical"),
    ("independence_self_care", "Independence and self-care", "wider"),
    ("preparing_for_adulthood", "Preparing for adulthood", "wider"),
)
NEEDS_DOMAIN_CODES = tuple(code for code, _, _ in NEEDS_DOMAINS)
# Preparing for adulthood is assessed from Year 9 (age 14), as the Code of Practice asks.
PREPARING_FOR_ADULTHOOD_FROM_AGE = 14
