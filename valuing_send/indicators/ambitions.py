"""The 10 system ambitions for High Needs (IMPOWER roundtables, 2020), each mapped to the
indicators that evidence it, with the targets the authority sets, a status and a trend."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from valuing_send.core.locking import ConflictError, save_versioned

from . import charts, registry
from .models import AmbitionTarget
from .presenters import _chosen
from .queries import comparators_for, local_for, periods_of, published_for, published_label

OVERARCHING = (
    "All children and young people with additional needs are valued and their outcomes "
    "important. All parts of the system recognise this and work together to ensure they reach "
    "their maximum potential, so that they lead as independent and fulfilling adult lives as "
    "possible."
)


@dataclass(frozen=True)
class Ambition:
    number: int
    text: str
    indicators: tuple[str, ...]

    @property
    def evidence_label(self) -> str:
        return f"Evidence for ambition {self.number}"


AMBITIONS = (
    Ambition(
        1,
        "Where children have additional needs, parents and professionals have a shared "
        "understanding of what these are and are confident in each other and how these needs "
        "are being met, resulting in high aspiration and trust",
        ("classified_appropriately_placed_pct", "requests_refused_pct"),
    ),
    Ambition(
        2,
        "Children with additional needs are identified early and the majority thrive through "
        "SEND support, with schools valued for how they support them",
        ("ehc_plans_growth_pct", "classified_could_be_prevented_pct"),
    ),
    Ambition(
        3,
        "The majority of children who have additional needs can fulfil their potential in "
        "mainstream settings, as settings are clear about how to meet these needs and the right "
        "support is available to enable this at an early stage",
        ("plans_mainstream_pct", "mainstream_capable_of_all_pct"),
    ),
    Ambition(
        4,
        "Transition is well supported, with minimal need for children to move to specialist "
        "settings when they have been in mainstream school",
        ("new_plans_special_pct", "plans_special_pct"),
    ),
    Ambition(
        5,
        "Support planning is clear, joined up and focused on short-term needs and long-term "
        "aspirations, resulting in some children returning to mainstream settings after time in "
        "special settings where this helps them progress towards their own goals. Wherever "
        "possible, support works to reduce the level of need that children and young people "
        "experience and to build skills for independence",
        ("ceased_needs_met_pct", "classified_could_be_reduced_pct"),
    ),
    Ambition(
        6,
        "There is a shared responsibility for supporting children with additional needs across "
        "settings and professionals, with routine and timely sharing of skills, resources and "
        "experience to support inclusion across education, health and care",
        ("capability_shortfall_pct", "mean_setting_readiness"),
    ),
    Ambition(
        7,
        "Children with additional needs receive the fullest possible support to prevent "
        "exclusion, with wide understanding that behaviour is often a form of communication and "
        "anxiety",
        ("plans_ap_pct",),
    ),
    Ambition(
        8,
        "Support is truly integrated for children with additional needs and includes support in "
        "the home and from health, wrapping around education provision, to help maximise their "
        "life chances",
        ("classified_under_supported_pct",),
    ),
    Ambition(
        9,
        "Children and young people with additional needs can access the right support, "
        "including their education provision, local to their homes and communities",
        ("plans_independent_special_pct",),
    ),
    Ambition(
        10,
        "We all have high aspirations for children with additional needs, resulting in a high "
        "number of young people with SEND in employment, apprenticeships post-18 or higher "
        "education",
        ("ceased_to_work_or_study_pct", "pfa_coverage_pct"),
    ),
)
BY_NUMBER = {ambition.number: ambition for ambition in AMBITIONS}
MET, IMPROVING, NOT_MET, NO_TARGET, NO_FIGURE = (
    "met",
    "improving",
    "not met",
    "no target set",
    "no figure yet",
)
STATUS_TAGS = {
    MET: "govuk-tag--green",
    IMPROVING: "govuk-tag--yellow",
    NOT_MET: "govuk-tag--red",
    NO_TARGET: "govuk-tag--grey",
    NO_FIGURE: "govuk-tag--grey",
}


def status_of(direction: str, latest, previous, target) -> str:
    """Met: the latest figure is at or beyond the target (in the indicator's better
    direction). Improving: not met, but closer to the target than the figure before. Not met
    otherwise."""
    if latest is None:
        return NO_FIGURE
    if target is None:
        return NO_TARGET
    higher = direction != registry.LOWER
    if (latest >= target) if higher else (latest <= target):
        return MET
    if previous is not None and abs(target - latest) < abs(target - previous):
        return IMPROVING
    return NOT_MET


@dataclass
class Evidence:
    ambition: Ambition
    indicator: registry.Indicator
    source: str  # where the figures come from
    latest: Decimal | None
    latest_text: str
    previous: Decimal | None
    when: str
    target: AmbitionTarget | None
    status: str
    trend: list[tuple[str, Decimal | None]]

    @property
    def tag(self) -> str:
        return STATUS_TAGS[self.status]

    @property
    def trend_text(self) -> str:
        known = [(label, v) for label, v in self.trend if v is not None]
        if len(known) < 2:
            return "Not enough years yet"
        (first_label, first), (last_label, last) = known[0], known[-1]
        word = "up" if last > first else ("down" if last < first else "unchanged")
        unit = self.indicator.unit
        return f"{word} from {charts.formatted(first, unit)} ({first_label}) to {charts.formatted(last, unit)} ({last_label})"


def scorecard_context(authority, *, period=None) -> dict:
    """Every ambition with its evidence (five queries)."""
    ids = sorted({i for ambition in AMBITIONS for i in ambition.indicators})
    periods = periods_of(authority)
    full = [p for p in periods if not p.from_dates]
    chosen = _chosen(periods, period)
    local = local_for(authority, ids, periods=[p.period for p in periods])
    comparators = comparators_for(authority)
    published = published_for([comparators.own or comparators.england], ids)
    own = comparators.own or comparators.england
    targets = {(t.ambition, t.indicator): t for t in authority.ambition_targets.all()}
    rows = []
    for ambition in AMBITIONS:
        evidence = []
        for indicator_id in ambition.indicators:
            indicator = registry.get(indicator_id)
            target = targets.get((ambition.number, indicator_id))
            series = [
                (p.short_label, local.value(p.period, indicator_id))
                for p in sorted(periods, key=lambda p: p.period)
            ]
            if indicator.local in (registry.CHILDREN, registry.PROFILES) and any(
                v is not None for _, v in series
            ):
                source = "This authority's records"
                latest = local.value(chosen.period, indicator_id) if chosen else None
                earlier = [
                    local.value(p.period, indicator_id)
                    for p in full
                    if chosen and p.period < chosen.period
                ]
                previous = next((v for v in earlier if v is not None), None)
                when = chosen.short_label if chosen else ""
            else:
                years = published.years(indicator_id)
                series = [
                    (published_label(y, indicator.flow), published.value(own, indicator_id, y))
                    for y in years
                ]
                known = [(label, v) for label, v in series if v is not None]
                latest = known[-1][1] if known else None
                previous = known[-2][1] if len(known) > 1 else None
                when = known[-1][0] if known else ""
                source = f"DfE's published figures for {own.name}" if own else "DfE"
            status = status_of(
                indicator.direction, latest, previous, target.target if target else None
            )
            evidence.append(
                Evidence(
                    ambition,
                    indicator,
                    source,
                    latest,
                    charts.formatted(latest, indicator.unit),
                    previous,
                    when,
                    target,
                    status,
                    series,
                )
            )
        rows.append({"ambition": ambition, "evidence": evidence})
    return {
        "authority": authority,
        "overarching": OVERARCHING,
        "rows": rows,
        "period": chosen,
        "periods": periods,
        "comparators": comparators,
    }


def target_set(
    authority, ambition: int, indicator: str, target, note: str, *, by, expected_version
):
    """Set (or change) a target. ``expected_version`` is the version the form was loaded with
    (0 for a new target): a target someone else saved meanwhile raises ConflictError."""
    with transaction.atomic():
        existing = authority.ambition_targets.filter(ambition=ambition, indicator=indicator).first()
        if existing is None:
            if expected_version:
                raise ConflictError(None)
            try:
                with transaction.atomic():
                    return AmbitionTarget.objects.create(
                        authority=authority,
                        ambition=ambition,
                        indicator=indicator,
                        target=target,
                        note=note,
                        updated_by=by,
                    )
            except IntegrityError:
                raise ConflictError(
                    authority.ambition_targets.get(ambition=ambition, indicator=indicator)
                ) from None
        return save_versioned(
            existing,
            expected_version,
            target=target,
            note=note,
            updated_by=by,
            updated_at=timezone.now(),
        )
