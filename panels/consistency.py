"""Whether thresholds are applied consistently and fairly: panel decisions by outcome, panel,
primary need, setting type and ethnicity; how often decisions override the rules'
recommendation; how long requests take to decide; and 20-week timeliness counted as DfE
publishes it (with and without exceptions). Grouped queries, a fixed number per page."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from assessments import codes as child_codes
from assessments.rules import codes as rule_codes

from . import clocks
from .codes import KIND_SHORT_LABELS, CaseKind, DecisionOutcome
from .models import ClockException

OUTCOMES = [value for value, _ in DecisionOutcome.choices]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        """The counts in the order of ``OUTCOMES`` (the table's columns)."""
        return [self.counts[o] for o in OUTCOMES]

    @property
    def decided(self) -> int:
        return self.counts[DecisionOutcome.AGREE] + self.counts[DecisionOutcome.DECLINE]

    @property
    def agree_rate(self) -> float | None:
        """Share agreed of those agreed or declined (deferrals left out)."""
        return (
            round(100 * self.counts[DecisionOutcome.AGREE] / self.decided, 1)
            if self.decided
            else None
        )


def _breakdown(decisions, field: str, labels: dict, missing: str) -> list[Row]:
    grouped = (
        decisions.order_by()
        .values(field)
        .annotate(**{o: Count("pk", filter=Q(outcome=o)) for o in OUTCOMES})
    )
    rows = [
        Row(
            str(item[field] or ""),
            labels.get(item[field], missing) if item[field] else missing,
            {o: item[o] for o in OUTCOMES},
        )
        for item in grouped
    ]
    return sorted(rows, key=lambda r: (-r.total, r.label))


@dataclass(frozen=True)
class Timing:
    label: str
    count: int
    median_days: float | None
    within: int
    limit_weeks: int

    @property
    def percent_within(self) -> float | None:
        return round(100 * self.within / self.count, 1) if self.count else None


def _timing(label, pairs, limit_weeks) -> Timing:
    days = [(outcome - received).days for received, outcome in pairs if received and outcome]
    return Timing(
        label,
        len(days),
        statistics.median(days) if days else None,
        sum(1 for d in days if d <= limit_weeks * clocks.WEEK),
        limit_weeks,
    )


def consistency(authority, start: datetime.date, end: datetime.date) -> dict:
    """The figures for decisions made from ``start`` to ``end`` inclusive."""
    decisions = authority.decisions.filter(decided_at__date__gte=start, decided_at__date__lte=end)
    by_outcome = _breakdown(decisions, "case__kind", dict(KIND_SHORT_LABELS), "Other")
    panels = dict(authority.panels.values_list("pk", "name"))
    by_panel = _breakdown(decisions, "meeting__panel", panels, "Outside a panel meeting")
    by_need = _breakdown(
        decisions, "case__child__primary_need", dict(child_codes.NEED_TYPES), "Not recorded"
    )
    by_setting = _breakdown(
        decisions,
        "case__child__current_setting__setting_type",
        dict(rule_codes.SETTING_TYPES),
        "No setting recorded",
    )
    by_ethnicity = _breakdown(
        decisions, "case__child__ethnicity", dict(child_codes.ETHNICITIES), "Not recorded"
    )
    overrides = (
        decisions.filter(follows_recommendation__isnull=False)
        .order_by()
        .values("case__kind")
        .annotate(
            compared=Count("pk"),
            overridden=Count("pk", filter=Q(follows_recommendation=False)),
            agreed_against=Count(
                "pk", filter=Q(follows_recommendation=False, outcome=DecisionOutcome.AGREE)
            ),
        )
    )
    override_rows = [
        {
            "label": KIND_SHORT_LABELS[item["case__kind"]],
            "compared": item["compared"],
            "overridden": item["overridden"],
            "agreed_against": item["agreed_against"],
            "declined_against": item["overridden"] - item["agreed_against"],
            "rate": round(100 * item["overridden"] / item["compared"], 1),
        }
        for item in overrides
    ]
    compared = sum(r["compared"] for r in override_rows)
    overridden = sum(r["overridden"] for r in override_rows)

    cases = authority.panel_cases
    requests = list(
        cases.filter(
            kind=CaseKind.ASSESSMENT_REQUEST,
            request_outcome_date__gte=start,
            request_outcome_date__lte=end,
        ).values_list("received_date", "request_outcome_date")
    )
    not_issued = list(
        cases.filter(
            kind=CaseKind.ISSUE_DECISION,
            assessment_outcome="not_issue",
            assessment_outcome_date__gte=start,
            assessment_outcome_date__lte=end,
        ).values_list("received_date", "assessment_outcome_date")
    )
    issued = list(
        cases.filter(
            kind=CaseKind.ISSUE_DECISION, final_plan_date__gte=start, final_plan_date__lte=end
        ).values_list("pk", "received_date", "final_plan_date")
    )
    excepted: dict[int, list] = {}
    for exception in ClockException.objects.filter(
        case_id__in=[pk for pk, _, _ in issued], clock=clocks.Clock.FINAL_PLAN
    ):
        excepted.setdefault(exception.case_id, []).append(exception.as_clock_exception())
    plans = [
        clocks.Deadline(
            clocks.Clock.FINAL_PLAN,
            received,
            clocks.final_plan_due(received),
            final,
            exceptions=tuple(excepted.get(pk, ())),
        )
        for pk, received, final in issued
        if received
    ]
    return {
        "advice": advice_turnaround(authority, start, end),
        "total": sum(r.total for r in by_outcome),
        "outcome_totals": {o: sum(r.counts[o] for r in by_outcome) for o in OUTCOMES},
        "by_kind": by_outcome,
        "by_panel": by_panel,
        "by_need": by_need,
        "by_setting": by_setting,
        "by_ethnicity": by_ethnicity,
        "overrides": override_rows,
        "override_rate": round(100 * overridden / compared, 1) if compared else None,
        "compared": compared,
        "overridden": overridden,
        "timings": [
            _timing("Request to the decision whether to assess", requests, 6),
            _timing("Request to the notice that no plan will be issued", not_issued, 16),
            _timing(
                "Request to the final plan",
                [(received, final) for _, received, final in issued],
                20,
            ),
        ],
        "timeliness": clocks.timeliness(plans),
        "outcomes": DecisionOutcome.choices,
        "start": start,
        "end": end,
    }


@dataclass(frozen=True)
class AdviceTurnaround:
    service: str
    asked: int
    received: int
    within_6_weeks: int
    median_days: float | None
    outstanding: int
    overdue: int

    @property
    def percent_within(self) -> float | None:
        return round(100 * self.within_6_weeks / self.received, 1) if self.received else None


def advice_turnaround(
    authority, start: datetime.date, end: datetime.date
) -> list[AdviceTurnaround]:
    """Professional advice asked for in the period, by service: how much came back within the
    6 weeks regulation 8 allows, the median time, and what is still outstanding or overdue
    (the capacity of each service, as the panel's timeliness depends on it)."""
    from .codes import AdviceService

    today = timezone.localdate()
    rows = {}
    for service, asked_on, received_on, due in authority.advice_requests.filter(
        asked_on__gte=start, asked_on__lte=end
    ).values_list("service", "asked_on", "received_on", "due"):
        rows.setdefault(service, []).append((asked_on, received_on, due))
    labels = dict(AdviceService.choices)
    result = []
    for service, items in sorted(rows.items(), key=lambda kv: labels.get(kv[0], kv[0])):
        days = [(received - asked).days for asked, received, _ in items if received]
        result.append(
            AdviceTurnaround(
                labels.get(service, service),
                len(items),
                len(days),
                sum(1 for d in days if d <= 6 * clocks.WEEK),
                statistics.median(days) if days else None,
                sum(1 for _, received, _ in items if received is None),
                sum(1 for _, received, due in items if received is None and due < today),
            )
        )
    return result
