"""Statutory clocks for EHC needs assessments, plans, reviews and phase transfers.

Pure Python: no Django, no I/O (like ``assessments/rules``). Dates in, deadlines out. The time
limits are those of the Special Educational Needs and Disability Regulations 2014 (“the
Regulations”) and the SEND Code of Practice 0–25 (2015, “the Code”):

=====================================  ==============================================  =========
Deadline                               Time limit                                      Source
=====================================  ==============================================  =========
Decide whether to assess               6 weeks from the request                        reg 5(1)
Each professional's advice             6 weeks from when it was asked for              reg 8(1)
Notice of a decision not to issue      16 weeks from the request                       reg 10(1)
Comments on the draft plan             at least 15 days, beginning with the day the    reg 13(1)
                                       draft is sent
Final plan                             20 weeks from the request                       reg 13(2)
Annual review                          12 months from the plan or the last review;     reg 18,
                                       every 3 to 6 months for children under 5        Code 9.178
Review papers                          2 weeks before the review meeting               reg 20(3)
Review decision                        4 weeks after the review meeting                reg 20(10)
Amended final plan                     8 weeks after proposed amendments are sent      reg 22(5)
Phase transfer                         15 February of the year of transfer; 31 March   reg 18(1)
                                       for a move from school into post-16
=====================================  ==============================================  =========

A week is 7 calendar days and a deadline is met when the thing is done on or before its due
date (DfE's SEN2 timeliness counts the same way: a plan issued 140 days after the request
was received is within 20 weeks). Months are calendar months; a date that does not exist in
the target month (29 February, 31 April) falls on that month's last day.

**Exceptions never move a deadline.** The Regulations let a deadline pass lawfully when it was
impractical to meet because of one of a few listed circumstances (e.g. reg 13(3) for the
20-week limit). An exception is recorded with its reason and the date it was recorded; the
deadline stays where it was, and each ``Deadline`` says whether it was met *and* whether an
exception applies, so reports can count both ways (DfE publishes 20-week timeliness including
and excluding exceptions: see ``timeliness``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

WEEK = 7
DUE_SOON_DAYS = 7  # "due this week": due within the next seven days


class Clock(StrEnum):
    DECIDE_TO_ASSESS = "decide_to_assess"
    ADVICE = "advice"
    NOTICE_NOT_TO_ISSUE = "notice_not_to_issue"
    DRAFT_COMMENTS = "draft_comments"
    FINAL_PLAN = "final_plan"
    ANNUAL_REVIEW = "annual_review"
    REVIEW_PAPERS = "review_papers"
    REVIEW_DECISION = "review_decision"
    AMENDED_PLAN = "amended_plan"
    PHASE_TRANSFER = "phase_transfer"


class ExceptionReason(StrEnum):
    """The circumstances the Regulations list as making a time limit impractical to meet."""

    SCHOOL_CLOSURE = "school_closure"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    ABSENT_FROM_AREA = "absent_from_area"
    MISSED_APPOINTMENT = "missed_appointment"


EXCEPTION_REASONS: dict[ExceptionReason, str] = {
    ExceptionReason.SCHOOL_CLOSURE: (
        "Advice was asked of a school or college from one week before it closed for 4 weeks "
        "or more until one week before it reopened"
    ),
    ExceptionReason.PERSONAL_CIRCUMSTANCES: (
        "Exceptional personal circumstances affected the child, their parent or the young person"
    ),
    ExceptionReason.ABSENT_FROM_AREA: (
        "The child, their parent or the young person was away from the authority's area for "
        "4 weeks or more in a row"
    ),
    ExceptionReason.MISSED_APPOINTMENT: (
        "The child or young person did not keep an appointment for an examination or a test"
    ),
}


@dataclass(frozen=True)
class Rule:
    """One statutory time limit: what must happen, by when, where the law says so, and which
    exceptions the law allows for it (empty: none)."""

    clock: Clock
    label: str
    limit: str
    source: str
    exceptions: dict[ExceptionReason, str]


_CLOSURE_PERSONAL_ABSENCE = (
    ExceptionReason.SCHOOL_CLOSURE,
    ExceptionReason.PERSONAL_CIRCUMSTANCES,
    ExceptionReason.ABSENT_FROM_AREA,
)
_ALL_FOUR = (*_CLOSURE_PERSONAL_ABSENCE, ExceptionReason.MISSED_APPOINTMENT)


def _cited(paragraph: str, reasons) -> dict[ExceptionReason, str]:
    """The reasons a paragraph allows, each with its sub-paragraph, e.g. ``reg 13(3)(b)``."""
    return {
        reason: f"{paragraph}({letter})"
        for reason, letter in zip(reasons, "abcd"[: len(reasons)], strict=True)
    }


RULES: dict[Clock, Rule] = {
    rule.clock: rule
    for rule in (
        Rule(
            Clock.DECIDE_TO_ASSESS,
            "Decide whether to assess",
            "6 weeks from the request",
            "SEN and Disability Regulations 2014, regulation 5(1)",
            _cited("reg 5(4)", _CLOSURE_PERSONAL_ABSENCE),
        ),
        Rule(
            Clock.ADVICE,
            "Advice received",
            "6 weeks from when it was asked for",
            "SEN and Disability Regulations 2014, regulation 8(1)",
            _cited("reg 8(2)", _ALL_FOUR),
        ),
        Rule(
            Clock.NOTICE_NOT_TO_ISSUE,
            "Tell the family if no plan will be issued",
            "16 weeks from the request",
            "SEN and Disability Regulations 2014, regulation 10(1)",
            _cited("reg 10(4)", _ALL_FOUR),
        ),
        Rule(
            Clock.DRAFT_COMMENTS,
            "Comments on the draft plan close",
            "at least 15 days, beginning with the day the draft plan is sent",
            "SEN and Disability Regulations 2014, regulation 13(1)",
            {},
        ),
        Rule(
            Clock.FINAL_PLAN,
            "Issue the final plan",
            "20 weeks from the request",
            "SEN and Disability Regulations 2014, regulation 13(2)",
            _cited("reg 13(3)", _ALL_FOUR),
        ),
        Rule(
            Clock.ANNUAL_REVIEW,
            "Review the plan",
            "12 months from the plan or the last review (3 to 6 months for a child under 5)",
            "SEN and Disability Regulations 2014, regulation 18; SEND Code of Practice 9.178",
            {},
        ),
        Rule(
            Clock.REVIEW_PAPERS,
            "Send the review papers",
            "2 weeks before the review meeting",
            "SEN and Disability Regulations 2014, regulation 20(3)",
            {},
        ),
        Rule(
            Clock.REVIEW_DECISION,
            "Send the review decision",
            "4 weeks after the review meeting",
            "SEN and Disability Regulations 2014, regulation 20(10)",
            {},
        ),
        Rule(
            Clock.AMENDED_PLAN,
            "Issue the amended plan",
            "8 weeks after the proposed amendments are sent",
            "SEN and Disability Regulations 2014, regulation 22(5)",
            {},
        ),
        Rule(
            Clock.PHASE_TRANSFER,
            "Issue the amended plan naming the new setting",
            "by 15 February in the year of the move (31 March for a move into post-16)",
            "SEN and Disability Regulations 2014, regulation 18(1)",
            {},
        ),
    )
}


# --- Date arithmetic -------------------------------------------------------------------------


def weeks_after(day: dt.date, weeks: int) -> dt.date:
    return day + dt.timedelta(days=weeks * WEEK)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (or earlier), on the month's last day
    when that day does not exist (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(born: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` (someone born on 29 February turns a year older on
    1 March in a common year, as the law counts birthdays)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- The time limits, one function each --------------------------------------------------------


def decide_to_assess_due(received: dt.date) -> dt.date:
    return weeks_after(received, 6)


def advice_due(asked: dt.date) -> dt.date:
    return weeks_after(asked, 6)


def notice_not_to_issue_due(received: dt.date) -> dt.date:
    return weeks_after(received, 16)


def draft_comments_close(draft_sent: dt.date) -> dt.date:
    """The last of the 15 days the family has to comment and ask for a setting (the period
    begins with the day the draft is sent). The final plan may be issued the day after,
    or sooner only once the family's comments are in."""
    return draft_sent + dt.timedelta(days=14)


def final_plan_due(received: dt.date) -> dt.date:
    return weeks_after(received, 20)


UNDER_FIVE_REVIEW_MONTHS = (3, 6)


def annual_review_due(
    since: dt.date, born: dt.date | None = None
) -> tuple[dt.date | None, dt.date]:
    """(earliest, due) for the next review, counted from ``since`` (the date the plan was
    issued or the last review meeting). Every 12 months by law; for a child under 5 on
    ``since`` the Code asks local authorities to review every 3 to 6 months, so the review
    falls due 6 months on and is worth holding from 3 months on (``earliest``; None for
    everyone else)."""
    if born is not None and age_on(born, since) < 5:
        earliest, latest = UNDER_FIVE_REVIEW_MONTHS
        return add_months(since, earliest), add_months(since, latest)
    return None, add_months(since, 12)


def review_papers_due(meeting: dt.date) -> dt.date:
    return meeting - dt.timedelta(days=2 * WEEK)


def review_decision_due(meeting: dt.date) -> dt.date:
    return weeks_after(meeting, 4)


def amended_plan_due(amendments_sent: dt.date) -> dt.date:
    return weeks_after(amendments_sent, 8)


def phase_transfer_due(year_of_move: int, *, into_post16: bool = False) -> dt.date:
    """The amended plan naming the setting for a move between phases (early years to school,
    infant to junior, primary to secondary, school to post-16) must be issued by 15 February
    of the calendar year of the move; for a move from secondary school into a post-16
    institution, by 31 March."""
    return dt.date(year_of_move, 3, 31) if into_post16 else dt.date(year_of_move, 2, 15)


def appeal_deadline(
    decision_sent: dt.date, mediation_certificate: dt.date | None = None
) -> dt.date:
    """The last day to appeal to the First-tier Tribunal (SEND) against a decision: 2 months
    from the date of the decision letter, or 1 month from the date of a mediation or
    mediation-advice certificate, whichever is later (SEND Tribunal Procedure Rules,
    rule 20; SEND Regulations 2014, regulation 45)."""
    deadline = add_months(decision_sent, 2)
    if mediation_certificate is not None:
        deadline = max(deadline, add_months(mediation_certificate, 1))
    return deadline


# --- Deadlines as results -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedException:
    """An exception recorded against a clock: which circumstance, when it was recorded, and
    the caseworker's note. Recording one never changes the due date."""

    clock: Clock
    reason: ExceptionReason
    recorded_on: dt.date
    note: str = ""
    subject: str = ""  # for an advice clock: whose advice (empty: every advice request)

    def __post_init__(self):
        allowed = RULES[self.clock].exceptions
        if self.reason not in allowed:
            raise ValueError(
                f"The Regulations allow no exception for {self.reason.value!r} to "
                f"{RULES[self.clock].label.lower()}"
            )

    @property
    def citation(self) -> str:
        return RULES[self.clock].exceptions[self.reason]


class State(StrEnum):
    MET = "met"
    LATE = "late"  # done, after the due date
    OVERDUE = "overdue"  # not done, and the due date has passed
    DUE_SOON = "due_soon"  # not done, due within DUE_SOON_DAYS
    DUE_LATER = "due_later"

    @property
    def is_open(self) -> bool:
        return self in {State.OVERDUE, State.DUE_SOON, State.DUE_LATER}


STATE_LABELS = {
    State.MET: "Met",
    State.LATE: "Met late",
    State.OVERDUE: "Overdue",
    State.DUE_SOON: "Due this week",
    State.DUE_LATER: "Due later",
}


@dataclass(frozen=True)
class Deadline:
    """One statutory deadline of one case: when its clock started, when it is due, when the
    thing was done (if it was), and any exceptions recorded against it."""

    clock: Clock
    starts_on: dt.date
    due: dt.date
    done_on: dt.date | None = None
    exceptions: tuple[RecordedException, ...] = ()
    subject: str = ""  # whose advice, for the advice clocks
    earliest: dt.date | None = None  # a review of an under-5 is worth holding from here

    @property
    def rule(self) -> Rule:
        return RULES[self.clock]

    @property
    def label(self) -> str:
        return f"{self.rule.label}: {self.subject}" if self.subject else self.rule.label

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def met(self) -> bool | None:
        """True or False once done; None while the clock is still running."""
        return None if self.done_on is None else self.done_on <= self.due

    @property
    def exception_applies(self) -> bool:
        return bool(self.exceptions)

    @property
    def days_taken(self) -> int | None:
        return None if self.done_on is None else (self.done_on - self.starts_on).days

    def state(self, today: dt.date) -> State:
        if self.done_on is not None:
            return State.MET if self.done_on <= self.due else State.LATE
        if self.due < today:
            return State.OVERDUE
        if (self.due - today).days < DUE_SOON_DAYS:
            return State.DUE_SOON
        return State.DUE_LATER

    def days_left(self, today: dt.date) -> int:
        """Days until due (negative once overdue)."""
        return (self.due - today).days


def stored_deadline_state(clock: str, due: dt.date | None, today: dt.date) -> str:
    """Overdue, due this week or due later for a case's stored next deadline (its clock and
    due date, as the case keeps them), "" when it has none."""
    if due is None:
        return ""
    return Deadline(Clock(clock), due, due).state(today)


def clock_label(clock: str) -> str:
    """A stored clock's label ("" for none)."""
    return RULES[Clock(clock)].label if clock else ""


def open_deadlines(deadlines: Iterable[Deadline]) -> list[Deadline]:
    return sorted((d for d in deadlines if not d.is_done), key=lambda d: (d.due, d.clock))


def next_deadline(deadlines: Iterable[Deadline]) -> Deadline | None:
    """The earliest deadline still running: what the work tray sorts by."""
    running = open_deadlines(deadlines)
    return running[0] if running else None


def _exceptions_for(clock: Clock, recorded: Iterable[RecordedException]):
    return tuple(e for e in recorded if e.clock == clock)


# --- The deadlines of a case ---------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceRequest:
    service: str
    asked_on: dt.date
    received_on: dt.date | None = None


@dataclass(frozen=True)
class CaseDates:
    """The facts about one case the clocks read. Every field is optional: a clock only
    starts once the date it runs from is known."""

    kind: str
    received: dt.date | None = None  # the request (or, for other kinds, the case) start
    request_outcome: str = ""  # "assess", "not_assess", "withdrawn" or "" (not decided)
    request_outcome_date: dt.date | None = None
    advice: tuple[AdviceRequest, ...] = ()
    assessment_outcome: str = ""  # "issue", "not_issue", "withdrawn" or ""
    assessment_outcome_date: dt.date | None = None
    draft_sent: dt.date | None = None
    draft_comments_received: dt.date | None = None
    final_issued: dt.date | None = None
    born: dt.date | None = None
    review_since: dt.date | None = None  # plan issued or last review meeting
    review_meeting: dt.date | None = None
    review_papers_sent: dt.date | None = None
    review_decision_sent: dt.date | None = None
    amendments_sent: dt.date | None = None
    amended_plan_issued: dt.date | None = None
    transfer_year: int | None = None
    into_post16: bool = False
    exceptions: tuple[RecordedException, ...] = ()


# Case kinds (the same codes as panels.models.CaseKind).
ASSESSMENT_REQUEST = "assessment_request"
ISSUE_DECISION = "issue_decision"
PLACEMENT = "placement"
ANNUAL_REVIEW = "annual_review"
CEASE = "cease"
PHASE_TRANSFER = "phase_transfer"


def deadlines_for(case: CaseDates) -> list[Deadline]:
    """Every statutory deadline that applies to the case so far, in due-date order.

    - A request: the decision whether to assess (6 weeks).
    - An assessment (the decision whether to issue): each professional's advice (6 weeks
      from asking), then either the notice that no plan will be issued (16 weeks) or the
      draft's comment period and the final plan (20 weeks); all from the request date.
    - An annual review: the review itself (12 months, or 6 for an under-5), its papers
      (2 weeks before the meeting) and decision (4 weeks after), and, when the plan is to be
      amended, the amended plan (8 weeks after the proposals).
    - A phase transfer: the amended plan by 15 February (31 March into post-16).
    Placement and ceasing decisions carry no time limit of their own in the Regulations.
    """
    found: list[Deadline] = []
    recorded = case.exceptions

    def add(clock: Clock, starts_on, due, done_on=None, **extra):
        found.append(
            Deadline(
                clock,
                starts_on,
                due,
                done_on,
                exceptions=_exceptions_for(clock, recorded),
                **extra,
            )
        )

    if case.kind == ASSESSMENT_REQUEST and case.received:
        add(
            Clock.DECIDE_TO_ASSESS,
            case.received,
            decide_to_assess_due(case.received),
            case.request_outcome_date if case.request_outcome else None,
        )

    if case.kind == ISSUE_DECISION and case.received:
        for advice in case.advice:
            found.append(
                Deadline(
                    Clock.ADVICE,
                    advice.asked_on,
                    advice_due(advice.asked_on),
                    advice.received_on,
                    exceptions=tuple(
                        e
                        for e in _exceptions_for(Clock.ADVICE, recorded)
                        if e.subject in ("", advice.service)
                    ),
                    subject=advice.service,
                )
            )
        if case.assessment_outcome == "not_issue":
            add(
                Clock.NOTICE_NOT_TO_ISSUE,
                case.received,
                notice_not_to_issue_due(case.received),
                case.assessment_outcome_date,
            )
        elif case.assessment_outcome != "withdrawn":
            if case.draft_sent:
                closes = draft_comments_close(case.draft_sent)
                add(
                    Clock.DRAFT_COMMENTS,
                    case.draft_sent,
                    closes,
                    _comments_done(case, closes),
                )
            add(
                Clock.FINAL_PLAN,
                case.received,
                final_plan_due(case.received),
                case.final_issued,
            )
            if case.assessment_outcome == "" and not case.draft_sent:
                # Until the panel decides, the 16-week notice is the nearer statutory limit
                # if the answer is no: it is shown so it is never missed silently.
                add(
                    Clock.NOTICE_NOT_TO_ISSUE,
                    case.received,
                    notice_not_to_issue_due(case.received),
                    None,
                )

    if case.kind == ANNUAL_REVIEW:
        if case.review_since:
            earliest, due = annual_review_due(case.review_since, case.born)
            add(
                Clock.ANNUAL_REVIEW,
                case.review_since,
                due,
                case.review_meeting,
                earliest=earliest,
            )
        if case.review_meeting:
            add(
                Clock.REVIEW_PAPERS,
                case.review_meeting,
                review_papers_due(case.review_meeting),
                case.review_papers_sent,
            )
            add(
                Clock.REVIEW_DECISION,
                case.review_meeting,
                review_decision_due(case.review_meeting),
                case.review_decision_sent,
            )
        if case.amendments_sent:
            add(
                Clock.AMENDED_PLAN,
                case.amendments_sent,
                amended_plan_due(case.amendments_sent),
                case.amended_plan_issued,
            )

    if case.kind == PHASE_TRANSFER and case.transfer_year:
        due = phase_transfer_due(case.transfer_year, into_post16=case.into_post16)
        add(
            Clock.PHASE_TRANSFER,
            case.received or dt.date(case.transfer_year - 1, 9, 1),
            due,
            case.amended_plan_issued,
        )

    return sorted(found, key=lambda d: (d.due, d.clock))


def _comments_done(case: CaseDates, closes: dt.date) -> dt.date | None:
    """The comment period is over when the family's comments are in or its 15 days end."""
    if case.draft_comments_received:
        return min(case.draft_comments_received, closes)
    if case.final_issued and case.final_issued > closes:
        return closes
    return None


def final_plan_issued_too_early(case: CaseDates) -> bool:
    """Whether the final plan was issued before the family's 15 days to comment ended and
    without their comments: a breach of regulation 13(1) whatever the 20-week clock says."""
    if not (case.draft_sent and case.final_issued):
        return False
    closes = draft_comments_close(case.draft_sent)
    return case.final_issued <= closes and case.draft_comments_received is None


# --- Counting, the DfE way ------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    """Plans issued and how many within 20 weeks, including and excluding exceptions, with
    DfE's bands (the columns of the published ``timeliness_20_week`` file)."""

    issued: int
    within_20_weeks: int
    over_20_weeks_within_a_year: int
    over_a_year: int
    issued_excluding_exceptions: int
    within_20_weeks_excluding_exceptions: int
    over_20_weeks_within_a_year_excluding_exceptions: int
    over_a_year_excluding_exceptions: int

    @staticmethod
    def _percent(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def percent_within_20_weeks(self) -> float | None:
        return self._percent(self.within_20_weeks, self.issued)

    @property
    def percent_within_20_weeks_excluding_exceptions(self) -> float | None:
        return self._percent(
            self.within_20_weeks_excluding_exceptions, self.issued_excluding_exceptions
        )


def timeliness(deadlines: Iterable[Deadline], clock: Clock = Clock.FINAL_PLAN) -> Timeliness:
    """Count done deadlines of one clock (by default the 20-week final plan) as DfE does:
    "including exceptions" counts every plan issued; "excluding exceptions" leaves out the
    plans where an exception applies, from both the numerator and the denominator."""
    counts = dict.fromkeys(("all", "within", "year", "over"), 0)
    counts_ex = dict(counts)
    for deadline in deadlines:
        if deadline.clock != clock or deadline.done_on is None:
            continue
        days = deadline.days_taken
        band = "within" if deadline.met else ("year" if days <= 52 * WEEK else "over")
        for tally in (counts,) if deadline.exception_applies else (counts, counts_ex):
            tally["all"] += 1
            tally[band] += 1
    return Timeliness(
        counts["all"],
        counts["within"],
        counts["year"],
        counts["over"],
        counts_ex["all"],
        counts_ex["within"],
        counts_ex["year"],
        counts_ex["over"],
    )
