"""Labels for breakdown dimensions and their categories, local and published alike."""

from assessments.codes import AGE_PHASES, GENDERS, NEED_TYPE_LABELS
from assessments.rules.codes import CLASSIFICATION_LABELS, NEEDS_DOMAINS, SETTING_TYPE_LABELS

from . import dfe

DIMENSIONS = {
    "": "All",
    "primary_need": "Primary need",
    "age_phase": "Age",
    "setting_type": "Type of setting",
    "ethnicity": "Ethnicity",
    "gender": "Sex",
    "classification": "Valuing SEND classification",
    "domain": "Needs domain",
}

_NEEDS = {**NEED_TYPE_LABELS, "OTH": "Other difficulty or disability (including Down syndrome)"}
_NEEDS.pop("DS")
_NEEDS["UNKNOWN"] = "Primary need not recorded"

CATEGORIES = {
    "primary_need": _NEEDS,
    "age_phase": {code: label for code, label, _, _ in AGE_PHASES},
    "setting_type": {**SETTING_TYPE_LABELS, "none": "No setting recorded"},
    "ethnicity": {code: label.replace(" - ", " – ") for label, code in dfe.ETHNICITIES.items()},
    "gender": dict(GENDERS),
    "classification": dict(CLASSIFICATION_LABELS),
    "domain": {code: name for code, name, _ in NEEDS_DOMAINS},
}
CATEGORIES["ethnicity"]["UNCL"] = "Unclassified (refused or not yet obtained)"

# The order categories are shown in.
ORDER = {dimension: list(labels) for dimension, labels in CATEGORIES.items()}


def dimension_label(dimension: str) -> str:
    return DIMENSIONS.get(dimension, dimension.replace("_", " ").capitalize())


def category_label(dimension: str, category: str) -> str:
    if not dimension:
        return "All"
    return CATEGORIES.get(dimension, {}).get(category, category)


def sort_key(dimension: str, category: str):
    order = ORDER.get(dimension, [])
    return (order.index(category) if category in order else len(order), category)
