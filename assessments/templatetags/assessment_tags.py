"""Display helpers for needs profiles and recommendations (loaded into every template)."""

from django import template
from django.utils import timezone

from assessments.codes import NEED_TYPES
from assessments.rules.codes import (
    CLASSIFICATION_LABELS,
    SEN_STATUSES,
    SETTING_TYPE_LABELS,
    TIERS,
)
from assessments.rules.money import money

register = template.Library()

TIER_LABELS = dict(TIERS)
# Lookups for long tables (Django's get_FOO_display builds a dictionary on every call).
SEN_STATUS_LABELS = dict(SEN_STATUSES)
NEED_LABELS = dict(NEED_TYPES)

# How a need level reads for a parent or carer: no codes, no jargon.
PLAIN_LEVELS = {
    0: "No extra help needed",
    1: "The help every school gives meets this need",
    2: "Needs some extra, planned help",
    3: "Significant needs, with specialist advice and support",
    4: "Severe and complex needs, with a high level of specialist help",
}


@register.filter
def profile_label(assessment) -> str:
    """How titles name a needs profile: whose, and when it was completed (a child has one
    draft at most, so a draft needs no date)."""
    name = assessment.child.full_name
    if assessment.completed_at is None:
        return f"draft needs profile of {name}"
    completed = timezone.localtime(assessment.completed_at)
    return f"needs profile of {name}, {completed.day} {completed:%B %Y}"


@register.filter
def domain_name(code, rows) -> str:
    """The domain's name from the page's profile rows (falls back to the code)."""
    for row in rows or ():
        if row.code == code:
            return row.name
    return str(code).replace("_", " ").capitalize()


@register.filter
def setting_type_label(code) -> str:
    return SETTING_TYPE_LABELS.get(code, code or "")


@register.filter
def sen_status_label(code) -> str:
    return SEN_STATUS_LABELS.get(code, code or "")


@register.filter
def need_label(code) -> str:
    return NEED_LABELS.get(code, code or "")


@register.filter
def tier_label(code) -> str:
    return TIER_LABELS.get(code, code or "")


@register.filter
def plain_level(level) -> str:
    return PLAIN_LEVELS.get(level, "")


@register.filter
def classification_label(code) -> str:
    return CLASSIFICATION_LABELS.get(code, code or "")


@register.filter
def number(value) -> str:
    """1.5 → "1.5", 0.25 → "0.25", 2.0 → "2"."""
    if value is None:
        return ""
    return f"{float(value):g}"


@register.filter
def pence(value) -> str:
    """Pence (as the rules keep money) as published: £1,240 or £125.50; an en dash for none."""
    if value is None or value == "":
        return "–"
    return money(int(value))


@register.filter
def band_name(number, version) -> str:
    """A band number stored beside a rule set version, by the name that version gives it."""
    if number in (None, ""):
        return "–"
    band = version.ruleset.band_by_number(int(number)) if version is not None else None
    return band.label if band is not None else f"band {number}"


@register.filter
def held_band_name(number, authority) -> str:
    """A child's held band by the name the authority's active scheme gives it."""
    from assessments.rulesets import active_rule_set

    return band_name(number, active_rule_set(authority))


@register.filter
def recommended_funding(recommendation) -> str:
    """A stored recommendation's band by its scheme's name with the annual-equivalent top-up
    at the current setting ("Band 3 – Targeted plus, £4,000 a year"; a figure published per
    term keeps its published form beside its annual equivalent), or the outcome above the
    scheme's range. Empty when no band applies."""
    if recommendation is None:
        return ""
    if recommendation.above_range:
        return recommendation.rule_set.ruleset.above_range_outcome
    if recommendation.band is None:
        return ""
    name = band_name(recommendation.band, recommendation.rule_set)
    published = (recommendation.result or {}).get("top_up_text")
    if published:
        return f"{name}, {published}"
    if recommendation.top_up:
        return f"{name}, {money(int(recommendation.top_up * 100))} a year"
    return name
