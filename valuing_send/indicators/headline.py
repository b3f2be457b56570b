"""The Valuing SEND headline: how many children's needs, by the rules' current
recommendations, could be met with less than they hold or ask for (design §1, §6)."""

from django.db.models import Count

from assessments.models import AssessmentStatus
from assessments.rules.codes import AVOIDABLE_CLASSIFICATIONS, CLASSIFICATION_CODES


def valuing_send_headline(authority) -> dict:
    """Children by SEN status and current recommendations by classification (two grouped
    queries). ``avoidable_pct`` is the share of current profiles whose classification is one
    of ``AVOIDABLE_CLASSIFICATIONS`` (could be prevented, reduced or delayed)."""
    by_status = dict(
        authority.children.values_list("sen_status")
        .annotate(n=Count("id"))
        .values_list("sen_status", "n")
    )
    by_class = dict(
        authority.recommendations.current()
        .filter(assessment__status=AssessmentStatus.COMPLETE)
        .values_list("classification")
        .annotate(n=Count("id"))
        .values_list("classification", "n")
    )
    profiled = sum(by_class.values())
    avoidable = sum(by_class.get(code, 0) for code in AVOIDABLE_CLASSIFICATIONS)
    return {
        "ehc_plans": by_status.get("E", 0),
        "sen_support": by_status.get("K", 0),
        "profiled": profiled,
        "classifications": [(code, by_class.get(code, 0)) for code in CLASSIFICATION_CODES],
        "avoidable_pct": round(100 * avoidable / profiled) if profiled else None,
    }
