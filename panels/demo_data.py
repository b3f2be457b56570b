"""Panel cases for a generated authority, at every stage, calibrated to DfE's published
figures (``seeds/panels/statutory_2024.csv``, see its README).

Runs as a step of the demo data generator (``assessments.demo_data.pipeline.AFTER_WRITE``,
registered by ``panels.apps``), after the children are written and inside the authority's
transaction. It reads the children back (one query) and simulates the statutory process for
15 months up to the reference date:

- **requests** for an EHC needs assessment at the authority's published yearly rate, each
  decided within 6 weeks in the published share, agreed or refused in the published
  proportions; children with SEN support are asked about, and children whose EHC plan started
  in the window had theirs worked backwards from the plan's start (the final plan date);
- **assessments** of the agreed requests, with professional advice, issued or not in the
  published proportions, plans issued within 20 weeks, 20–52 weeks or later in the published
  shares, and 20-week exceptions at the published rate (with and without exceptions);
- **annual reviews** of plans due from 4 months ago to 8 weeks ahead, decided within 4 weeks
  in the published share, to maintain, amend or cease in the published proportions;
- **phase transfers** for children moving to secondary school or post-16 next September
  (from September to March), **placement and top-up** requests and **ceasing** cases.

A case whose next step falls after the reference date is open at that step, so the work tray
holds what an authority with those figures would have on its desk. Panel decisions with
reasons, status rows, advice requests and exceptions are written with them, and one panel
with a meeting ahead whose agenda is the cases ready for panel. Deterministic for a seed.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from assessments.demo_data.rows import Table
from assessments.models import AssessmentStatus
from valuing_send.authorities.models import Membership, Role, User

from . import clocks
from .codes import (
    CLOSED_STATUSES,
    READY_FOR_PANEL,
    STATUSES_BY_KIND,
    CaseKind,
    CaseStatus,
    DecisionOutcome,
)
from .models import (
    AdviceRequest,
    AgendaItem,
    ClockException,
    Meeting,
    Panel,
    PanelCase,
    PanelMembership,
)
from .services import TIERS_SUPPORTING_A_PLAN

SEEDS = Path(settings.BASE_DIR) / "seeds" / "panels" / "statutory_2024.csv"
WINDOW_DAYS = 456  # 15 months of requests up to the reference date
PANEL_SOON_DAYS = 10  # a case decided within this many days is ready for panel now
REVIEWS_FROM, REVIEWS_TO = -120, 56  # review due dates covered, in days from the reference date
PLACEMENTS_PER_PLAN_A_YEAR = 0.08  # not published: a modest stream of funding requests
ADVICE_ON_TIME = {"educational_psychology": 0.55, "health": 0.7, "social_care": 0.75}
REVIEW_MEETING_ON_TIME = 0.75  # not published (DfE counts meetings, not their timeliness)
GENERATED_PANEL_MEMBERS = 6
S = CaseStatus

REASONS = {
    DecisionOutcome.AGREE: [
        "The evidence shows needs that the setting cannot meet from its own resources, "
        "including the targeted support it has tried over two terms.",
        "Advice from the educational psychologist and the school describes needs at a "
        "specialist level in more than one area.",
        "Progress has stalled despite a graduated response; specialist input is needed.",
    ],
    DecisionOutcome.DECLINE: [
        "The needs described can be met at SEN support with the provision the setting "
        "ordinarily makes available; the setting should follow its plan for another term.",
        "The evidence does not yet show that the support in place has been tried for long "
        "enough to judge its effect.",
        "The needs are met in the current setting with the top-up already agreed.",
    ],
}


@dataclass(frozen=True)
class Rates:
    """One authority's (or England's) published yearly counts, as rates."""

    requests_per_plan: float
    assess: float
    not_assess: float
    decided_in_6_weeks: float
    issue: float
    not_issue: float
    not_issue_in_16_weeks: float
    within_20: float
    from_20_to_52: float
    exception_when_late: float
    review_in_4_weeks: float
    maintain: float
    amend: float

    @classmethod
    def from_row(cls, row: dict, england: dict) -> Rates:
        def n(name):
            value = row.get(name) or ""
            return float(value) if value else None

        def share(part, *whole, fallback):
            numbers = [n(part), *(n(w) for w in whole)]
            total = sum(x for x in numbers if x is not None)
            if None in numbers or not total:
                return fallback(part, *whole)
            return numbers[0] / total

        def national(part, *whole):
            values = [float(england[x]) for x in (part, *whole)]
            return values[0] / sum(values)

        issued, within = n("plans_issued"), n("plans_within_20_weeks")
        issued_ex, within_ex = n("plans_issued_ex"), n("plans_within_20_weeks_ex")
        if None in (issued, within, issued_ex, within_ex) or issued <= within:
            issued, within = float(england["plans_issued"]), float(england["plans_within_20_weeks"])
            issued_ex = float(england["plans_issued_ex"])
            within_ex = float(england["plans_within_20_weeks_ex"])
        late_excepted = max(0.0, (issued - issued_ex) - (within - within_ex))
        return cls(
            requests_per_plan=(n("requests") or float(england["requests"]))
            / (n("plans") or float(england["plans"])),
            assess=share(
                "requests_assess", "requests_not_assess", "requests_withdrawn", fallback=national
            ),
            not_assess=share(
                "requests_not_assess", "requests_assess", "requests_withdrawn", fallback=national
            ),
            decided_in_6_weeks=share(
                "requests_within_6_weeks", "requests_over_6_weeks", fallback=national
            ),
            issue=share(
                "assessments_issue",
                "assessments_not_issue",
                "assessments_withdrawn",
                fallback=national,
            ),
            not_issue=share(
                "assessments_not_issue",
                "assessments_issue",
                "assessments_withdrawn",
                fallback=national,
            ),
            not_issue_in_16_weeks=share(
                "not_issue_within_16_weeks", "not_issue_over_16_weeks", fallback=national
            ),
            within_20=within / issued,
            from_20_to_52=share(
                "plans_20_to_52_weeks",
                "plans_within_20_weeks",
                "plans_over_52_weeks",
                fallback=national,
            ),
            exception_when_late=late_excepted / (issued - within),
            review_in_4_weeks=share(
                "review_decision_within_4_weeks", "review_decision_over_4_weeks", fallback=national
            ),
            maintain=share("review_maintain", "review_amend", "review_cease", fallback=national),
            amend=share("review_amend", "review_maintain", "review_cease", fallback=national),
        )


@cache
def _published() -> dict[str, dict]:
    with open(SEEDS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        ("england" if r["geographic_level"] == "National" else r["old_la_code"]): r for r in rows
    }


def rates_for(la_code: str) -> Rates:
    """The authority's own published rates, or England's for a fictional authority."""
    published = _published()
    england = published["england"]
    return Rates.from_row(published.get(la_code, england), england)


# --- Planning ---------------------------------------------------------------------------------


@dataclass
class ChildInfo:
    pk: int
    born: datetime.date
    sen_status: str
    plan_start: datetime.date | None
    next_review: datetime.date | None
    caseworker_id: int | None
    recommendation_id: int | None
    tier: str | None


@dataclass
class PlannedCase:
    kind: str
    child: ChildInfo
    opened: datetime.date
    fields: dict
    events: list  # (date, from_status, to_status, actor "caseworker" | "panel", reason)
    # (date, outcome, status_before, status_after, review_outcome, reasons)
    decisions: list = field(default_factory=list)
    advice: list = field(default_factory=list)  # (service, asked_on, received_on | None)
    exception: tuple | None = None  # (clock, reason, recorded_on)
    follows: PlannedCase | None = None

    @property
    def status(self) -> str:
        return self.events[-1][2]


class Simulation:
    def __init__(self, rates: Rates, as_of: datetime.date, rng: random.Random):
        self.rates, self.as_of, self.rng = rates, as_of, rng
        self.cases: list[PlannedCase] = []

    def days(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def done(self, day: datetime.date) -> bool:
        return day <= self.as_of

    def case(self, kind, child, opened, first_status, **fields) -> PlannedCase:
        planned = PlannedCase(
            kind, child, opened, fields, [(opened, "", first_status, "caseworker", "")]
        )
        self.cases.append(planned)
        return planned

    def move(self, case: PlannedCase, day, to, actor="caseworker", reason="") -> bool:
        """Record the move if it has happened by the reference date."""
        if not self.done(day):
            return False
        case.events.append((day, case.status, to, actor, reason))
        return True

    def panel(self, case, ready, decided, agree_to, decline_to, agreed: bool, **outcome) -> bool:
        """Send to panel (ready), then decide; True once decided."""
        self.move(case, ready, ready_status(case.kind))
        if not self.done(decided):
            return False
        outcome_code = DecisionOutcome.AGREE if agreed else DecisionOutcome.DECLINE
        target = agree_to if agreed else decline_to
        reason = REASONS[outcome_code][self.days(0, 2)]
        before = case.status
        self.move(case, decided, target, "panel", reason)
        case.decisions.append(
            (decided, outcome_code, before, target, outcome.get("review", ""), reason)
        )
        return True

    # Requests and assessments -------------------------------------------------------------

    def request_forward(self, child: ChildInfo, received: datetime.date) -> None:
        """A request simulated forward from the day it was received."""
        r = self.rates
        roll = self.rng.random()
        outcome = (
            "assess"
            if roll < r.assess
            else "not_assess"
            if roll < r.assess + r.not_assess
            else "withdrawn"
        )
        decided = received + datetime.timedelta(
            self.days(20, 42) if self.chance(r.decided_in_6_weeks) else self.days(43, 100)
        )
        case = self.case(
            CaseKind.ASSESSMENT_REQUEST,
            child,
            received,
            S.REQUEST_RECEIVED,
            received_date=received,
            request_source=self._source(),
        )
        if outcome == "withdrawn":
            if self.move(case, decided, S.WITHDRAWN, reason="The family withdrew the request."):
                case.fields.update(request_outcome="withdrawn", request_outcome_date=decided)
            return
        agreed = outcome == "assess"
        if self.panel(
            case,
            decided - datetime.timedelta(self.days(3, 9)),
            decided,
            S.REQUEST_AGREED,
            S.REQUEST_DECLINED,
            agreed,
        ):
            case.fields.update(
                request_outcome="assess" if agreed else "not_assess", request_outcome_date=decided
            )
            if agreed:
                self.assessment_forward(case, child, received, decided)

    def assessment_forward(self, request, child, received, assess_decided) -> None:
        r = self.rates
        case = self.case(
            CaseKind.ISSUE_DECISION,
            child,
            assess_decided,
            S.ASSESSING,
            received_date=received,
            request_source=request.fields["request_source"],
        )
        case.follows = request
        self._advice(case, assess_decided)
        roll = self.rng.random()
        if roll < r.issue:
            final = received + datetime.timedelta(self._weeks_to_plan())
            self._issue(case, received, assess_decided, final)
        elif roll < r.issue + r.not_issue:
            notice = received + datetime.timedelta(
                self.days(80, 112) if self.chance(r.not_issue_in_16_weeks) else self.days(113, 180)
            )
            notice = max(notice, assess_decided + datetime.timedelta(42))
            if self.panel(
                case,
                notice - datetime.timedelta(self.days(3, 9)),
                notice,
                S.DRAFTING,
                S.NOT_ISSUING,
                False,
            ):
                case.fields.update(assessment_outcome="not_issue", assessment_outcome_date=notice)
        else:
            day = assess_decided + datetime.timedelta(self.days(20, 80))
            if self.move(case, day, S.WITHDRAWN, reason="The family moved out of the area."):
                case.fields.update(
                    assessment_outcome="withdrawn", assessment_outcome_date=day, exported=True
                )

    def _weeks_to_plan(self) -> int:
        r = self.rates
        roll = self.rng.random()
        if roll < r.within_20:
            return self.days(100, 140)
        if roll < r.within_20 + r.from_20_to_52:
            return self.days(141, 364)
        return self.days(365, 480)

    def _issue(self, case, received, assess_decided, final) -> None:
        draft = max(
            final - datetime.timedelta(self.days(15, 40)), assess_decided + datetime.timedelta(35)
        )
        final = max(final, draft + datetime.timedelta(15))
        decided = max(
            draft - datetime.timedelta(self.days(3, 21)), assess_decided + datetime.timedelta(28)
        )
        if final > received + datetime.timedelta(140) and self.chance(
            self.rates.exception_when_late
        ):
            reason = list(clocks.ExceptionReason)[self.days(0, 3)]
            case.exception = (
                "final_plan",
                reason.value,
                received + datetime.timedelta(self.days(60, 140)),
            )
        if not self.panel(
            case,
            decided - datetime.timedelta(self.days(3, 9)),
            decided,
            S.DRAFTING,
            S.NOT_ISSUING,
            True,
        ):
            return
        case.fields.update(assessment_outcome="issue", assessment_outcome_date=decided)
        if self.move(case, draft, S.DRAFT_SENT):
            case.fields["draft_plan_date"] = draft
            comments = draft + datetime.timedelta(self.days(7, 14))
            if self.done(comments):
                case.fields["draft_comments_date"] = comments
        if self.move(case, final, S.PLAN_ISSUED):
            case.fields["final_plan_date"] = final

    def request_backward(self, child: ChildInfo) -> None:
        """A request whose plan was issued on the child's plan start date, worked back."""
        final = child.plan_start
        received = final - datetime.timedelta(self._weeks_to_plan())
        assess_decided = received + datetime.timedelta(
            self.days(20, 42) if self.chance(self.rates.decided_in_6_weeks) else self.days(43, 70)
        )
        assess_decided = min(assess_decided, final - datetime.timedelta(60))
        request = self.case(
            CaseKind.ASSESSMENT_REQUEST,
            child,
            received,
            S.REQUEST_RECEIVED,
            received_date=received,
            request_source=self._source(),
            request_outcome="assess",
            request_outcome_date=assess_decided,
        )
        self.panel(
            request,
            assess_decided - datetime.timedelta(self.days(3, 9)),
            assess_decided,
            S.REQUEST_AGREED,
            S.REQUEST_DECLINED,
            True,
        )
        case = self.case(
            CaseKind.ISSUE_DECISION,
            child,
            assess_decided,
            S.ASSESSING,
            received_date=received,
            request_source=request.fields["request_source"],
        )
        case.follows = request
        self._advice(case, assess_decided)
        self._issue(case, received, assess_decided, final)

    def _advice(self, case, asked_from) -> None:
        for service, on_time in ADVICE_ON_TIME.items():
            asked = asked_from + datetime.timedelta(self.days(0, 5))
            if not self.done(asked):
                continue
            received = asked + datetime.timedelta(
                self.days(20, 42) if self.chance(on_time) else self.days(43, 90)
            )
            case.advice.append((service, asked, received if self.done(received) else None))

    def _source(self) -> str:
        return ["parent", "parent", "parent", "setting", "setting", "young_person", "professional"][
            self.days(0, 6)
        ]

    # Reviews, transfers, placements, ceasing ----------------------------------------------

    def review(self, child: ChildInfo, due: datetime.date) -> None:
        r = self.rates
        since = clocks.add_months(due, -12)
        if clocks.age_on(child.born, since) < 5:
            since = clocks.add_months(due, -6)
        opened = due - datetime.timedelta(56)
        case = self.case(CaseKind.ANNUAL_REVIEW, child, opened, S.REVIEW_DUE, review_since=since)
        meeting = due - datetime.timedelta(
            self.days(0, 40) if self.chance(REVIEW_MEETING_ON_TIME) else -self.days(1, 90)
        )
        if not self.move(case, meeting, S.REVIEW_HELD):
            return
        case.fields.update(
            review_meeting_date=meeting,
            review_papers_date=meeting - datetime.timedelta(self.days(10, 20)),
        )
        decided = meeting + datetime.timedelta(
            self.days(7, 28) if self.chance(r.review_in_4_weeks) else self.days(29, 120)
        )
        roll = self.rng.random()
        outcome = (
            "maintain" if roll < r.maintain else "amend" if roll < r.maintain + r.amend else "cease"
        )
        target = {
            "maintain": S.REVIEW_MAINTAINED,
            "amend": S.REVIEW_AMENDING,
            "cease": S.REVIEW_TO_CEASE,
        }[outcome]
        self.move(case, decided - datetime.timedelta(self.days(2, 7)), S.REVIEW_READY)
        if not self.done(decided):
            return
        reason = {
            "maintain": "The plan still describes the child's needs and provision well.",
            "amend": "Needs have changed in communication and learning; the provision needs updating.",
            "cease": "The young person's needs are now met without a plan.",
        }[outcome]
        self.move(case, decided, target, "panel", reason)
        case.decisions.append(
            (decided, DecisionOutcome.AGREE, S.REVIEW_READY, target, outcome, reason)
        )
        case.fields.update(review_outcome=outcome, review_decision_date=decided)
        if outcome == "amend":
            case.fields["amendments_date"] = decided + datetime.timedelta(self.days(0, 10))
            amended = case.fields["amendments_date"] + datetime.timedelta(self.days(20, 90))
            if self.move(case, amended, S.REVIEW_AMENDED):
                case.fields["amended_plan_date"] = amended
        elif outcome == "cease":
            self.cease(child, decided, follows=case)

    def cease(self, child: ChildInfo, proposed: datetime.date, follows=None) -> None:
        case = self.case(
            CaseKind.CEASE,
            child,
            proposed,
            S.CEASE_PROPOSED,
            received_date=proposed,
            cease_reason="2",
        )
        case.follows = follows
        ceased = proposed + datetime.timedelta(self.days(14, 60))
        agreed = self.chance(0.8)
        decided = self.panel(
            case,
            ceased - datetime.timedelta(self.days(3, 9)),
            ceased,
            S.CEASED,
            S.CEASE_DECLINED,
            agreed,
        )
        if decided and agreed:
            case.fields["cease_date"] = ceased

    def transfer(self, child: ChildInfo, year: int, into_post16: bool) -> None:
        due = clocks.phase_transfer_due(year, into_post16=into_post16)
        opened = datetime.date(year - 1, 9, 1) + datetime.timedelta(self.days(0, 30))
        case = self.case(
            CaseKind.PHASE_TRANSFER,
            child,
            opened,
            S.TRANSFER_PREPARING,
            transfer_year=year,
            into_post16=into_post16,
            received_date=opened,
        )
        issued = due + datetime.timedelta(
            self.days(-60, -1) if self.chance(0.85) else self.days(1, 45)
        )
        decided = issued - datetime.timedelta(self.days(14, 45))
        if self.panel(
            case,
            decided - datetime.timedelta(self.days(3, 9)),
            decided,
            S.TRANSFER_AMENDING,
            None,
            True,
        ) and self.move(case, issued, S.TRANSFER_AMENDED):
            case.fields["amended_plan_date"] = issued

    def placement(self, child: ChildInfo, received: datetime.date) -> None:
        case = self.case(
            CaseKind.PLACEMENT,
            child,
            received,
            S.PLACEMENT_RECEIVED,
            received_date=received,
            requested_band=self.days(2, 5),
        )
        decided = received + datetime.timedelta(self.days(14, 60))
        self.panel(
            case,
            decided - datetime.timedelta(self.days(3, 9)),
            decided,
            S.PLACEMENT_AGREED,
            S.PLACEMENT_DECLINED,
            self.chance(0.7),
        )


def ready_status(kind: str) -> str:
    return {
        CaseKind.ASSESSMENT_REQUEST: S.REQUEST_READY,
        CaseKind.ISSUE_DECISION: S.ISSUE_READY,
        CaseKind.PLACEMENT: S.PLACEMENT_READY,
        CaseKind.ANNUAL_REVIEW: S.REVIEW_READY,
        CaseKind.CEASE: S.CEASE_READY,
        CaseKind.PHASE_TRANSFER: S.TRANSFER_READY,
    }[kind]


def _rng(seed: int, la_code: str) -> random.Random:
    digest = hashlib.sha256(f"panels:{seed}:{la_code}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "little"))


def plan_cases(
    children: list[ChildInfo], rates: Rates, as_of: datetime.date, seed: int, la_code: str
):
    rng = _rng(seed, la_code)
    sim = Simulation(rates, as_of, rng)
    window_start = as_of - datetime.timedelta(WINDOW_DAYS)
    plans = [c for c in children if c.sen_status == "E" and c.plan_start]
    support = [c for c in children if c.sen_status == "K"]
    rng.shuffle(support)
    support_iter = iter(support)

    # Requests: the published yearly rate per plan held, over the window. Those that end in a
    # plan issued by now come from the children whose plan started in the window.
    yearly = rates.requests_per_plan * len(plans)
    count = int(round(yearly * WINDOW_DAYS / 365))
    new_plans = [c for c in plans if c.plan_start > window_start + datetime.timedelta(140)]
    # Every outcome but a plan issued keeps its published volume: the forward draws that end
    # in a plan issued by now are dropped and the new plans' requests worked back instead.
    for _ in range(count):
        received = window_start + datetime.timedelta(rng.randrange(0, WINDOW_DAYS))
        child = next(support_iter, None)
        if child is None:
            break
        before = len(sim.cases)
        sim.request_forward(child, received)
        if any(c.status == S.PLAN_ISSUED for c in sim.cases[before:]):
            # Plans issued by now belong to the children whose plan started in the window:
            # they are worked backwards from the plan's start below.
            del sim.cases[before:]
    for child in new_plans:
        sim.request_backward(child)

    # Phase transfers (September to March): children moving to secondary or post-16.
    transferring = set()
    season = as_of.month >= 9 or as_of.month <= 3
    year = as_of.year + 1 if as_of.month >= 9 else as_of.year
    if season:
        first_september = datetime.date(year - 1, 9, 1)
        for child in plans:
            age = clocks.age_on(child.born, first_september)
            if age in (10, 15):
                sim.transfer(child, year, into_post16=age == 15)
                transferring.add(child.pk)

    # Annual reviews due from 4 months ago to 8 weeks ahead.
    for child in plans:
        if child.pk in transferring or child.next_review is None:
            continue
        offset = (child.next_review - as_of).days
        if REVIEWS_FROM <= offset <= REVIEWS_TO and child.plan_start <= as_of - datetime.timedelta(
            150
        ):
            sim.review(child, child.next_review)

    # Placement and top-up requests over the last 6 months.
    placements = int(round(PLACEMENTS_PER_PLAN_A_YEAR * len(plans) / 2))
    for index in rng.sample(range(len(plans)), min(placements, len(plans))):
        received = as_of - datetime.timedelta(rng.randrange(0, 182))
        sim.placement(plans[int(index)], received)
    _every_stage(sim, support_iter, plans, transferring, as_of, season, year)
    return sim.cases


def _every_stage(sim, support_iter, plans, transferring, as_of, season, year, tries=300):
    """A small authority may have no case at some open stage (a handful of reviews a month
    rarely ends in ceasing): simulate more of that kind, recently, keeping only the cases that
    land on a missing stage, so the demo shows every stage."""
    rng = sim.rng
    reviewable = [c for c in plans if c.pk not in transferring] or plans
    if not plans:
        return
    makers = {
        CaseKind.ASSESSMENT_REQUEST: lambda: sim.request_forward(
            next(support_iter, plans[0]), as_of - datetime.timedelta(rng.randrange(0, 60))
        ),
        CaseKind.ISSUE_DECISION: lambda: sim.request_forward(
            next(support_iter, plans[0]), as_of - datetime.timedelta(rng.randrange(40, 200))
        ),
        CaseKind.PLACEMENT: lambda: sim.placement(
            plans[rng.randrange(len(plans))],
            as_of - datetime.timedelta(rng.randrange(0, 60)),
        ),
        CaseKind.ANNUAL_REVIEW: lambda: sim.review(
            reviewable[rng.randrange(len(reviewable))],
            as_of + datetime.timedelta(rng.randrange(REVIEWS_FROM, REVIEWS_TO)),
        ),
        CaseKind.CEASE: lambda: sim.cease(
            plans[rng.randrange(len(plans))],
            as_of - datetime.timedelta(rng.randrange(0, 70)),
        ),
    }
    if season:
        makers[CaseKind.PHASE_TRANSFER] = lambda: sim.transfer(
            plans[rng.randrange(len(plans))], year, bool(rng.random() < 0.3)
        )
    for kind, make in makers.items():
        wanted = {s for s in STATUSES_BY_KIND[kind] if s not in CLOSED_STATUSES}
        wanted -= {c.status for c in sim.cases if c.kind == kind}
        for _ in range(tries):
            if not wanted:
                break
            before = len(sim.cases)
            make()
            made = sim.cases[before:]
            landed = {c.status for c in made if c.kind == kind} & wanted
            if landed and not any(c.status == S.PLAN_ISSUED for c in made):
                wanted -= landed
            else:
                del sim.cases[before:]


# --- Writing ------------------------------------------------------------------------------------


def _staff(authority):
    caseworkers = list(
        Membership.objects.active()
        .filter(authority=authority, role=Role.CASEWORKER)
        .values_list("user_id", flat=True)
    )
    deciders = list(
        Membership.objects.active()
        .filter(authority=authority, role__in=(Role.PANEL_MEMBER, Role.MANAGER))
        .order_by("role", "user_id")
        .values_list("user_id", flat=True)
    )
    if not deciders:
        for number in range(1, GENERATED_PANEL_MEMBERS + 1):
            email = f"panel{number}@{authority.la_code}.generated.valuing-send.test"
            user = User.objects.create(
                email=email,
                full_name=f"Panel Member {number}",
                password="!" + hashlib.sha256(email.encode()).hexdigest()[:40],
            )
            Membership.objects.create(user=user, authority=authority, role=Role.PANEL_MEMBER)
            deciders.append(user.pk)
    return caseworkers, deciders


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def panel_cases(authority, plan=None, dataset=None, *, as_of=None, seed=None) -> dict[str, Rows]:
    """The generator step (``AFTER_WRITE``): plan the authority's panel cases and return their
    tables, which the pipeline writes like the others. The panel, its members and the meeting
    are made through the ORM (a handful of rows)."""
    as_of = as_of or getattr(plan, "as_of", None) or timezone.localdate()
    seed = seed if seed is not None else getattr(plan, "seed", 0)
    recommendations = {
        child_id: (rec_id, tier)
        for child_id, rec_id, tier in authority.recommendations.current()
        .filter(assessment__status=AssessmentStatus.COMPLETE)
        .order_by("assessment__child_id", "created_at")
        .values_list("assessment__child_id", "id", "tier")
    }
    children = [
        ChildInfo(
            pk, born, status, start, review, caseworker, *recommendations.get(pk, (None, None))
        )
        for pk, born, status, start, review, caseworker in authority.children.order_by(
            "pk"
        ).values_list(
            "pk",
            "date_of_birth",
            "sen_status",
            "plan_start_date",
            "next_review_date",
            "caseworker_id",
        )
    ]
    rng = _rng(seed, authority.la_code + ":staff")
    caseworkers, deciders = _staff(authority)
    planned = plan_cases(children, rates_for(authority.la_code), as_of, seed, authority.la_code)
    return case_tables(authority, planned, caseworkers, deciders, as_of, rng)


class Rows(Table):
    """The generator's row builder (``assessments.demo_data.rows.Table``), taking Python dates,
    times and enums and handing the writers their database text form."""

    def __init__(self, label: str, *, own_ids: bool = False):
        super().__init__(label, own_ids=own_ids)
        self._add_row = self.add
        self.add = self._add_converted

    def _add_converted(self, **values) -> None:
        self._add_row(**{name: _db_text(value) for name, value in values.items()})


def _db_text(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if hasattr(value, "value") and not isinstance(value, (str, int, bool)):
        return value.value
    return value


def case_tables(authority, planned, caseworkers, deciders, as_of, rng) -> dict[str, Rows]:
    from assessments.demo_data.writers import writer_for

    writer = writer_for(connection)
    first_id = writer.reserve_ids("panels.PanelCase", len(planned)) if planned else 1
    ids = {id(p): first_id + n for n, p in enumerate(planned)}
    fallback = caseworkers[0] if caseworkers else deciders[0]
    cases = Rows("panels.PanelCase", own_ids=True)
    changes = Rows("panels.CaseStatusChange")
    decisions = Rows("panels.Decision")
    advice_rows = Rows("panels.AdviceRequest")
    exceptions = Rows("panels.ClockException")
    ready = []
    for p in planned:
        pk = ids[id(p)]
        closed = p.status in CLOSED_STATUSES
        worker = p.child.caseworker_id or fallback
        advice = [
            AdviceRequest(
                service=service, asked_on=asked, due=clocks.advice_due(asked), received_on=received
            )
            for service, asked, received in p.advice
        ]
        recorded = []
        if p.exception and p.exception[2] <= as_of:
            clock, reason, day = p.exception
            recorded.append(ClockException(clock=clock, reason=reason, recorded_on=day))
        upcoming = None
        if not closed:
            dates = PanelCase(kind=p.kind, **p.fields).clock_dates(
                advice, recorded, born=p.child.born
            )
            upcoming = clocks.next_deadline(clocks.deadlines_for(dates))
            if p.status in READY_FOR_PANEL:
                ready.append((upcoming.due if upcoming else datetime.date.max, pk))
        cases.add(
            id=pk,
            authority_id=authority.pk,
            child_id=p.child.pk,
            kind=p.kind,
            status=p.status,
            is_open=not closed,
            caseworker_id=worker,
            follows_id=ids[id(p.follows)] if p.follows is not None else None,
            next_due=upcoming.due if upcoming else None,
            next_clock=upcoming.clock.value if upcoming else "",
            recommendation_id=p.child.recommendation_id
            if p.kind in (CaseKind.PLACEMENT, CaseKind.ASSESSMENT_REQUEST)
            else None,
            created_at=_moment(p.opened, 9),
            created_by_id=worker,
            updated_at=_moment(p.events[-1][0], 16),
            closed_at=_moment(p.events[-1][0], 16) if closed else None,
            version=len(p.events),
            **p.fields,
        )
        for day, source, target, actor, reason in p.events:
            changes.add(
                case_id=pk,
                from_status=source,
                to_status=target,
                at=_moment(day, 11 if actor == "panel" else 9),
                reason=reason,
                by_id=deciders[rng.randrange(len(deciders))] if actor == "panel" else worker,
            )
        for day, outcome, before, after, review_outcome, reasons in p.decisions:
            follows = None
            if p.child.tier and p.kind in (
                CaseKind.ASSESSMENT_REQUEST,
                CaseKind.ISSUE_DECISION,
                CaseKind.PLACEMENT,
            ):
                follows = (p.child.tier in TIERS_SUPPORTING_A_PLAN) == (
                    outcome == DecisionOutcome.AGREE
                )
            decisions.add(
                authority_id=authority.pk,
                case_id=pk,
                outcome=outcome,
                review_outcome=review_outcome,
                recommendation_id=p.child.recommendation_id if follows is not None else None,
                follows_recommendation=follows,
                reasons=reasons,
                decided_by_id=deciders[rng.randrange(len(deciders))],
                decided_at=_moment(day, 11),
                status_before=before,
                status_after=after,
            )
        for a in advice:
            advice_rows.add(
                authority_id=authority.pk,
                case_id=pk,
                service=a.service,
                asked_on=a.asked_on,
                due=a.due,
                received_on=a.received_on,
                by_id=worker,
                created_at=_moment(a.asked_on, 9),
            )
        for e in recorded:
            exceptions.add(
                authority_id=authority.pk,
                case_id=pk,
                clock=e.clock,
                reason=e.reason,
                recorded_on=e.recorded_on,
                note="Recorded by the caseworker at the time.",
                by_id=worker,
                created_at=_moment(e.recorded_on, 15),
            )
    views = _views(authority, planned, ids, as_of, rng, fallback)
    agenda = [pk for _, pk in sorted(ready)[:12]]
    _panel_and_meeting(authority, agenda, deciders, caseworkers or deciders, as_of)
    return {
        "panel_cases": cases,
        "case_status_changes": changes,
        "decisions": decisions,
        "advice_requests": advice_rows,
        "clock_exceptions": exceptions,
        "contributions": views,
    }


VIEW_WORDS = {
    "parent": {
        "what_works": "Short, clear instructions, a quiet space and knowing what comes next.",
        "aspirations": "To make friends, be happy at school and grow more independent.",
    },
    "setting": {"can_provide": "Small-group work each day and a key adult at transitions."},
    "professional": {
        "advice": "Needs as described in the profile; provision to be reviewed termly."
    },
}
WHY = {
    1: "We see more difficulty than the profile describes, especially at home.",
    0: "This matches what we see.",
    -1: "With the support in place this is going better than the profile suggests.",
}


def _views(authority, planned, ids, as_of, rng, fallback) -> Rows:
    """Views from the parent and the setting (and the educational psychologist during an
    assessment) on the cases waiting for panel and a share of the other open requests and
    assessments, each need seen within a level or two of the caseworker's rating."""
    from assessments.services import current_framework

    views = Rows("panels.Contribution")
    wanted = [
        p
        for p in planned
        if p.status in READY_FOR_PANEL
        or (p.status in (S.REQUEST_RECEIVED, S.ASSESSING) and rng.random() < 0.3)
    ]
    if not wanted:
        return views
    codes = [d.code for d in current_framework().definition.domains]
    vectors = dict(
        authority.assessments.filter(
            status=AssessmentStatus.COMPLETE, child_id__in={p.child.pk for p in wanted}
        )
        .order_by("child_id", "completed_at")
        .values_list("child_id", "need_vector")
    )
    for p in wanted:
        vector = vectors.get(p.child.pk, "")
        levels = {
            code: int(char) for code, char in zip(codes, vector, strict=False) if char.isdigit()
        }
        roles = [("parent", ""), ("setting", "")]
        if p.kind == CaseKind.ISSUE_DECISION:
            roles.append(("professional", "educational_psychology"))
        for role, service in roles:
            domains = {}
            for code, level in levels.items():
                if level == 0:
                    continue
                shift = {"parent": (0, 1, 1, 2), "setting": (-1, 0, 0, 0)}.get(role, (0, 0, 0, -1))
                delta = shift[rng.randrange(len(shift))]
                seen = max(0, min(4, level + delta))
                domains[code] = {"level": seen, "why": WHY[max(-1, min(1, seen - level))]}
            views.add(
                authority_id=authority.pk,
                case_id=ids[id(p)],
                role=role,
                service=service,
                contributor_name={
                    "parent": "Parent",
                    "setting": "SENCo",
                    "professional": "Educational psychologist",
                }[role],
                entered_by_id=p.child.caseworker_id or fallback,
                answers={"domains": domains, **VIEW_WORDS[role]},
                text="",
                submitted_at=_moment(
                    min(as_of, p.opened + datetime.timedelta(rng.randint(5, 25))), 14
                ),
            )
    return views


def _panel_and_meeting(authority, agenda, deciders, organisers, as_of):
    panel, _ = Panel.objects.get_or_create(
        authority=authority,
        name="SEND decision-making panel",
        defaults={"kinds": list(CaseKind.values)},
    )
    PanelMembership.objects.bulk_create(
        [
            PanelMembership(panel=panel, user_id=user_id, role="chair" if n == 0 else "member")
            for n, user_id in enumerate(deciders)
        ],
        ignore_conflicts=True,
    )
    day = as_of + datetime.timedelta(1)
    while day.weekday() >= 5:
        day += datetime.timedelta(1)
    meeting = Meeting.objects.create(
        authority=authority,
        panel=panel,
        starts_at=_moment(day, 10),
        location="Council offices, committee room 2, and online",
        created_by_id=organisers[0],
    )
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, case_id=pk, position=n + 1) for n, pk in enumerate(agenda)]
    )
    return meeting
