"""Codes shared by the rules module (``assessments/rules``) and the settings register: setting
types, phases and need levels. Pure data with no Django and no app import, so the platform
(``valuing_send.authorities``) and the pure rules module can both use it.

Tuples of (code, label) drop straight into Django ``choices``.
"""

from types import MappingProxyType

SETTING_TYPES = (
    ("mainstream", "Mainstream school"),
    ("resourced", "Mainstream with resourced provision or SEN unit"),
    ("state_special", "State-funded special school"),
    ("independent_special", "Independent or non-maintained special school"),
    ("ap", "Alternative provision or PRU"),
    ("fe", "Further education college"),
    ("early_years", "Early years setting"),
    ("other", "Other arrangement"),
)
SETTING_TYPE_CODES = tuple(code for code, _ in SETTING_TYPES)
SETTING_TYPE_LABELS = MappingProxyType(dict(SETTING_TYPES))

PHASES = (
    ("early_years", "Early years"),
    ("primary", "Primary"),
    ("secondary", "Secondary"),
    ("all_through", "All-through"),
    ("post_16", "Post-16"),
)
PHASE_CODES = tuple(code for code, _ in PHASES)
PHASE_LABELS = MappingProxyType(dict(PHASES))
# Ages served, inclusive, in whole years at the assessment date.
PHASE_AGE_RANGES = MappingProxyType(
    {
        "early_years": (0, 4),
        "primary": (4, 11),
        "secondary": (11, 18),
        "all_through": (4, 18),
        "post_16": (16, 25),
    }
)
NEED_LEVELS = (
    (0, "No additional need"),
    (1, "Met by ordinarily available provision"),
    (2, "Targeted SEN support"),
    (3, "Significant, specialist input"),
    (4, "Severe and complex"),
)
MAX_NEED_LEVEL = 4
