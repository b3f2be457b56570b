"""Every statutory clock, by tables of cases: year boundaries, leap years, under-5 reviews,
phase-transfer dates and each exception. Dates are written out by hand (a week is 7 days)."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import panels.clocks
from panels.clocks import (
    AdviceRequest,
    CaseDates,
    Clock,
    Deadline,
    ExceptionReason,
    RecordedException,
    State,
    add_months,
    advice_due,
    age_on,
    amended_plan_due,
    annual_review_due,
    appeal_deadline,
    deadlines_for,
    decide_to_assess_due,
    draft_comments_close,
    final_plan_due,
    final_plan_issued_too_early,
    next_deadline,
    notice_not_to_issue_due,
    phase_transfer_due,
    review_decision_due,
    review_papers_due,
    timeliness,
)

D = dt.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2025, 1, 6), D(2025, 2, 17)),  # a Monday: six Mondays on
        (D(2024, 12, 23), D(2025, 2, 3)),  # across the new year
        (D(2024, 1, 22), D(2024, 3, 4)),  # across 29 February 2024
        (D(2023, 1, 22), D(2023, 3, 5)),  # the same dates in a common year
        (D(2025, 11, 30), D(2026, 1, 11)),
    ],
)
def test_decide_whether_to_assess_is_6_weeks_from_the_request(received, due):
    assert decide_to_assess_due(received) == due


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (D(2024, 12, 20), D(2025, 1, 31)),
        (D(2024, 2, 1), D(2024, 3, 14)),  # leap February
        (D(2025, 2, 1), D(2025, 3, 15)),
    ],
)
def test_each_advice_is_due_6_weeks_from_when_it_was_asked_for(asked, due):
    assert advice_due(asked) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2024, 10, 1), D(2025, 1, 21)),  # 112 days, across the new year
        (D(2024, 1, 1), D(2024, 4, 22)),  # leap year
        (D(2023, 1, 1), D(2023, 4, 23)),
    ],
)
def test_notice_not_to_issue_is_16_weeks_from_the_request(received, due):
    assert notice_not_to_issue_due(received) == due


@pytest.mark.parametrize(
    ("sent", "closes"),
    [
        (D(2025, 3, 1), D(2025, 3, 15)),  # 1 to 15 March is 15 days
        (D(2024, 2, 20), D(2024, 3, 5)),  # 29 February counts
        (D(2023, 2, 20), D(2023, 3, 6)),
        (D(2024, 12, 25), D(2025, 1, 8)),
    ],
)
def test_the_draft_plan_gives_at_least_15_days_for_comments(sent, closes):
    assert draft_comments_close(sent) == closes
    assert (closes - sent).days + 1 == 15


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2024, 1, 1), D(2024, 5, 20)),  # 140 days with 29 February
        (D(2023, 1, 1), D(2023, 5, 21)),
        (D(2024, 9, 2), D(2025, 1, 20)),  # across the new year
        (D(2023, 10, 16), D(2024, 3, 4)),  # across the new year and 29 February
    ],
)
def test_the_final_plan_is_due_20_weeks_from_the_request(received, due):
    assert final_plan_due(received) == due


@pytest.mark.parametrize(
    ("since", "born", "earliest", "due"),
    [
        # 12 months from the plan or the last review.
        (D(2023, 3, 31), D(2012, 5, 1), None, D(2024, 3, 31)),
        (D(2024, 12, 15), D(2012, 5, 1), None, D(2025, 12, 15)),
        # A plan issued on 29 February is reviewed by 28 February the next year.
        (D(2024, 2, 29), D(2015, 1, 1), None, D(2025, 2, 28)),
        # Without a date of birth, the 12-month rule.
        (D(2024, 6, 1), None, None, D(2025, 6, 1)),
        # Under 5: every 3 to 6 months, across the new year and onto a month's last day.
        (D(2024, 8, 31), D(2021, 6, 1), D(2024, 11, 30), D(2025, 2, 28)),
        (D(2023, 8, 31), D(2020, 6, 1), D(2023, 11, 30), D(2024, 2, 29)),  # leap February
        # The day before the 5th birthday: still under 5.
        (D(2024, 8, 30), D(2019, 8, 31), D(2024, 11, 30), D(2025, 2, 28)),
        # On the 5th birthday: 12 months.
        (D(2024, 8, 31), D(2019, 8, 31), None, D(2025, 8, 31)),
        # Born on 29 February: turns 5 on 1 March in a common year.
        (D(2025, 2, 28), D(2020, 2, 29), D(2025, 5, 28), D(2025, 8, 28)),
        (D(2025, 3, 1), D(2020, 2, 29), None, D(2026, 3, 1)),
    ],
)
def test_annual_review(since, born, earliest, due):
    assert annual_review_due(since, born) == (earliest, due)


@pytest.mark.parametrize(
    ("meeting", "papers", "decision"),
    [
        (D(2025, 1, 10), D(2024, 12, 27), D(2025, 2, 7)),  # papers in the old year
        (D(2024, 12, 10), D(2024, 11, 26), D(2025, 1, 7)),  # decision in the new year
        (D(2024, 3, 7), D(2024, 2, 22), D(2024, 4, 4)),
        (D(2024, 2, 15), D(2024, 2, 1), D(2024, 3, 14)),  # 29 February inside the 4 weeks
        (D(2023, 2, 15), D(2023, 2, 1), D(2023, 3, 15)),
    ],
)
def test_review_papers_2_weeks_before_and_decision_4_weeks_after_the_meeting(
    meeting, papers, decision
):
    assert review_papers_due(meeting) == papers
    assert review_decision_due(meeting) == decision


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (D(2024, 12, 1), D(2025, 1, 26)),
        (D(2024, 1, 15), D(2024, 3, 11)),  # leap February
        (D(2023, 1, 15), D(2023, 3, 12)),
    ],
)
def test_amended_final_plan_is_due_8_weeks_after_the_proposed_amendments(sent, due):
    assert amended_plan_due(sent) == due


@pytest.mark.parametrize(
    ("year", "into_post16", "due"),
    [
        (2026, False, D(2026, 2, 15)),
        (2026, True, D(2026, 3, 31)),
        (2028, False, D(2028, 2, 15)),  # a leap year changes nothing
        (2028, True, D(2028, 3, 31)),
    ],
)
def test_phase_transfer(year, into_post16, due):
    assert phase_transfer_due(year, into_post16=into_post16) == due


@pytest.mark.parametrize(
    ("decision", "certificate", "deadline"),
    [
        (D(2025, 1, 15), None, D(2025, 3, 15)),
        (D(2024, 12, 31), None, D(2025, 2, 28)),  # 2 months on, onto the month's last day
        (D(2023, 12, 31), None, D(2024, 2, 29)),  # leap year
        (D(2024, 12, 31), D(2025, 2, 10), D(2025, 3, 10)),  # certificate later: 1 month on
        (D(2024, 12, 31), D(2025, 1, 5), D(2025, 2, 28)),  # certificate earlier: 2 months
    ],
)
def test_appeal_deadline(decision, certificate, deadline):
    assert appeal_deadline(decision, certificate) == deadline


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (D(2020, 2, 29), D(2025, 2, 28), 4),
        (D(2020, 2, 29), D(2025, 3, 1), 5),
        (D(2020, 2, 29), D(2024, 2, 29), 4),
        (D(2019, 12, 31), D(2024, 12, 31), 5),
        (D(2019, 12, 31), D(2024, 12, 30), 4),
    ],
)
def test_age_on(born, day, age):
    assert age_on(born, day) == age


# --- State of a deadline on a day -----------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "done_on", "state", "days_left"),
    [
        (D(2025, 3, 3), None, State.DUE_LATER, 7),
        (D(2025, 3, 4), None, State.DUE_SOON, 6),
        (D(2025, 3, 10), None, State.DUE_SOON, 0),
        (D(2025, 3, 11), None, State.OVERDUE, -1),
        (D(2026, 1, 2), None, State.OVERDUE, -298),
        (D(2025, 3, 20), D(2025, 3, 10), State.MET, -10),
        (D(2025, 3, 20), D(2025, 3, 11), State.LATE, -10),
        (D(2025, 1, 1), D(2025, 1, 1), State.MET, 68),
    ],
)
def test_deadline_state(today, done_on, state, days_left):
    deadline = Deadline(Clock.FINAL_PLAN, D(2024, 10, 21), D(2025, 3, 10), done_on)
    assert deadline.state(today) == state
    assert deadline.days_left(today) == days_left
    assert deadline.met is (None if done_on is None else state == State.MET)
    assert state.is_open is (done_on is None)


# --- Exceptions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "reason", "citation"),
    [
        (Clock.DECIDE_TO_ASSESS, ExceptionReason.SCHOOL_CLOSURE, "reg 5(4)(a)"),
        (Clock.DECIDE_TO_ASSESS, ExceptionReason.PERSONAL_CIRCUMSTANCES, "reg 5(4)(b)"),
        (Clock.DECIDE_TO_ASSESS, ExceptionReason.ABSENT_FROM_AREA, "reg 5(4)(c)"),
        (Clock.ADVICE, ExceptionReason.MISSED_APPOINTMENT, "reg 8(2)(d)"),
        (Clock.NOTICE_NOT_TO_ISSUE, ExceptionReason.PERSONAL_CIRCUMSTANCES, "reg 10(4)(b)"),
        (Clock.FINAL_PLAN, ExceptionReason.SCHOOL_CLOSURE, "reg 13(3)(a)"),
        (Clock.FINAL_PLAN, ExceptionReason.PERSONAL_CIRCUMSTANCES, "reg 13(3)(b)"),
        (Clock.FINAL_PLAN, ExceptionReason.ABSENT_FROM_AREA, "reg 13(3)(c)"),
        (Clock.FINAL_PLAN, ExceptionReason.MISSED_APPOINTMENT, "reg 13(3)(d)"),
    ],
)
def test_each_allowed_exception_cites_its_regulation(clock, reason, citation):
    assert RecordedException(clock, reason, D(2025, 1, 1)).citation == citation


@pytest.mark.parametrize(
    ("clock", "reason"),
    [
        (Clock.DECIDE_TO_ASSESS, ExceptionReason.MISSED_APPOINTMENT),
        (Clock.DRAFT_COMMENTS, ExceptionReason.PERSONAL_CIRCUMSTANCES),
        (Clock.ANNUAL_REVIEW, ExceptionReason.ABSENT_FROM_AREA),
        (Clock.REVIEW_DECISION, ExceptionReason.SCHOOL_CLOSURE),
        (Clock.AMENDED_PLAN, ExceptionReason.PERSONAL_CIRCUMSTANCES),
        (Clock.PHASE_TRANSFER, ExceptionReason.SCHOOL_CLOSURE),
    ],
)
def test_an_exception_the_regulations_do_not_allow_is_refused(clock, reason):
    with pytest.raises(ValueError, match="allow no exception"):
        RecordedException(clock, reason, D(2025, 1, 1))


def test_an_exception_never_moves_the_deadline_and_is_reported_beside_it():
    exception = RecordedException(
        Clock.FINAL_PLAN, ExceptionReason.PERSONAL_CIRCUMSTANCES, D(2025, 1, 6), "In hospital"
    )
    case = CaseDates(
        "issue_decision",
        received=D(2024, 9, 2),
        assessment_outcome="issue",
        final_issued=D(2025, 2, 3),
    )
    without = {d.clock: d for d in deadlines_for(case)}[Clock.FINAL_PLAN]
    with_exception = {
        d.clock: d
        for d in deadlines_for(CaseDates(**{**case.__dict__, "exceptions": (exception,)}))
    }[Clock.FINAL_PLAN]
    assert without.due == with_exception.due == D(2025, 1, 20)
    assert without.met is with_exception.met is False
    assert (without.exception_applies, with_exception.exception_applies) == (False, True)
    assert with_exception.exceptions == (exception,)


def test_an_advice_exception_applies_to_the_advice_it_names():
    case = CaseDates(
        "issue_decision",
        received=D(2024, 9, 2),
        advice=(
            AdviceRequest("educational_psychology", D(2024, 9, 9)),
            AdviceRequest("health", D(2024, 9, 9)),
        ),
        exceptions=(
            RecordedException(
                Clock.ADVICE,
                ExceptionReason.MISSED_APPOINTMENT,
                D(2024, 10, 1),
                subject="health",
            ),
        ),
    )
    advice = {d.subject: d for d in deadlines_for(case) if d.clock == Clock.ADVICE}
    assert advice["health"].exception_applies
    assert not advice["educational_psychology"].exception_applies


# --- The deadlines of each kind of case ---------------------------------------------------------


def _clocks(case):
    return [(d.clock, d.due, d.done_on) for d in deadlines_for(case)]


def test_a_request_runs_the_6_week_clock_until_the_decision():
    running = CaseDates("assessment_request", received=D(2025, 1, 6))
    assert _clocks(running) == [(Clock.DECIDE_TO_ASSESS, D(2025, 2, 17), None)]
    decided = CaseDates(
        "assessment_request",
        received=D(2025, 1, 6),
        request_outcome="assess",
        request_outcome_date=D(2025, 2, 10),
    )
    [deadline] = deadlines_for(decided)
    assert deadline.met is True
    assert deadline.days_taken == 35


def test_an_assessment_runs_advice_the_16_week_notice_and_the_20_week_plan():
    case = CaseDates(
        "issue_decision",
        received=D(2024, 9, 2),
        advice=(
            AdviceRequest("educational_psychology", D(2024, 10, 1)),
            AdviceRequest("health", D(2024, 10, 1), D(2024, 11, 1)),
        ),
    )
    assert _clocks(case) == [
        (Clock.ADVICE, D(2024, 11, 12), None),
        (Clock.ADVICE, D(2024, 11, 12), D(2024, 11, 1)),
        (Clock.NOTICE_NOT_TO_ISSUE, D(2024, 12, 23), None),
        (Clock.FINAL_PLAN, D(2025, 1, 20), None),
    ]
    upcoming = next_deadline(deadlines_for(case))
    assert (upcoming.clock, upcoming.subject) == (Clock.ADVICE, "educational_psychology")


def test_a_decision_not_to_issue_stops_the_20_week_clock():
    case = CaseDates(
        "issue_decision",
        received=D(2024, 9, 2),
        assessment_outcome="not_issue",
        assessment_outcome_date=D(2024, 12, 20),
    )
    assert _clocks(case) == [(Clock.NOTICE_NOT_TO_ISSUE, D(2024, 12, 23), D(2024, 12, 20))]
    assert next_deadline(deadlines_for(case)) is None


def test_a_decision_to_issue_runs_the_draft_comments_and_the_final_plan():
    case = CaseDates(
        "issue_decision",
        received=D(2024, 9, 2),
        assessment_outcome="issue",
        assessment_outcome_date=D(2024, 11, 25),
        draft_sent=D(2024, 12, 2),
    )
    assert _clocks(case) == [
        (Clock.DRAFT_COMMENTS, D(2024, 12, 16), None),
        (Clock.FINAL_PLAN, D(2025, 1, 20), None),
    ]
    commented = CaseDates(**{**case.__dict__, "draft_comments_received": D(2024, 12, 9)})
    assert _clocks(commented)[0] == (Clock.DRAFT_COMMENTS, D(2024, 12, 16), D(2024, 12, 9))
    issued = CaseDates(**{**case.__dict__, "final_issued": D(2025, 1, 6)})
    assert _clocks(issued) == [
        (Clock.DRAFT_COMMENTS, D(2024, 12, 16), D(2024, 12, 16)),
        (Clock.FINAL_PLAN, D(2025, 1, 20), D(2025, 1, 6)),
    ]
    assert next_deadline(deadlines_for(issued)) is None


@pytest.mark.parametrize(
    ("final", "comments", "too_early"),
    [
        (D(2024, 12, 10), None, True),  # 9 days into the 15
        (D(2024, 12, 16), None, True),  # the last day of the 15
        (D(2024, 12, 17), None, False),
        (D(2024, 12, 10), D(2024, 12, 6), False),  # the family commented early
    ],
)
def test_a_final_plan_issued_inside_the_comment_period(final, comments, too_early):
    case = CaseDates(
        "issue_decision",
        received=D(2024, 9, 2),
        draft_sent=D(2024, 12, 2),
        draft_comments_received=comments,
        final_issued=final,
    )
    assert final_plan_issued_too_early(case) is too_early


def test_a_withdrawn_assessment_has_no_plan_clock():
    case = CaseDates("issue_decision", received=D(2024, 9, 2), assessment_outcome="withdrawn")
    assert deadlines_for(case) == []


def test_an_annual_review_runs_review_papers_decision_and_amended_plan():
    case = CaseDates(
        "annual_review",
        born=D(2014, 5, 1),
        review_since=D(2024, 1, 20),
        review_meeting=D(2025, 1, 10),
        review_papers_sent=D(2024, 12, 20),
        amendments_sent=D(2025, 2, 1),
    )
    assert _clocks(case) == [
        (Clock.REVIEW_PAPERS, D(2024, 12, 27), D(2024, 12, 20)),
        (Clock.ANNUAL_REVIEW, D(2025, 1, 20), D(2025, 1, 10)),
        (Clock.REVIEW_DECISION, D(2025, 2, 7), None),
        (Clock.AMENDED_PLAN, D(2025, 3, 29), None),
    ]


def test_an_under_5s_review_falls_due_at_6_months_and_may_be_held_from_3():
    case = CaseDates("annual_review", born=D(2022, 3, 1), review_since=D(2024, 11, 30))
    [review] = deadlines_for(case)
    assert (review.earliest, review.due) == (D(2025, 2, 28), D(2025, 5, 30))


def test_a_phase_transfer_is_due_on_15_february_or_31_march():
    school = CaseDates("phase_transfer", transfer_year=2026)
    post16 = CaseDates("phase_transfer", transfer_year=2026, into_post16=True)
    assert _clocks(school) == [(Clock.PHASE_TRANSFER, D(2026, 2, 15), None)]
    assert _clocks(post16) == [(Clock.PHASE_TRANSFER, D(2026, 3, 31), None)]


@pytest.mark.parametrize("kind", ["placement", "cease"])
def test_placement_and_ceasing_decisions_have_no_statutory_clock(kind):
    assert deadlines_for(CaseDates(kind, received=D(2025, 1, 6))) == []


# --- Counting with and without exceptions, as DfE publishes ----------------------------------


def _plan(days, *, exception=False):
    received = D(2024, 1, 1)
    recorded = (
        (RecordedException(Clock.FINAL_PLAN, ExceptionReason.ABSENT_FROM_AREA, received),)
        if exception
        else ()
    )
    return Deadline(
        Clock.FINAL_PLAN,
        received,
        final_plan_due(received),
        received + dt.timedelta(days=days),
        recorded,
    )


def test_timeliness_counts_including_and_excluding_exceptions():
    deadlines = [
        _plan(100),
        _plan(140),  # exactly 20 weeks: within
        _plan(120, exception=True),
        _plan(141),  # a day over
        _plan(200, exception=True),
        _plan(400),  # over a year
        Deadline(Clock.FINAL_PLAN, D(2024, 6, 1), D(2024, 10, 19)),  # not issued yet
        Deadline(Clock.DECIDE_TO_ASSESS, D(2024, 1, 1), D(2024, 2, 12), D(2024, 2, 1)),
    ]
    counts = timeliness(deadlines)
    assert (
        counts.issued,
        counts.within_20_weeks,
        counts.over_20_weeks_within_a_year,
        counts.over_a_year,
    ) == (6, 3, 2, 1)
    assert (
        counts.issued_excluding_exceptions,
        counts.within_20_weeks_excluding_exceptions,
        counts.over_20_weeks_within_a_year_excluding_exceptions,
        counts.over_a_year_excluding_exceptions,
    ) == (4, 2, 1, 1)
    assert counts.percent_within_20_weeks == 50.0
    assert counts.percent_within_20_weeks_excluding_exceptions == 50.0
    assert timeliness([]).percent_within_20_weeks is None


def test_timeliness_of_the_6_week_decision():
    counts = timeliness(
        [
            Deadline(Clock.DECIDE_TO_ASSESS, D(2024, 1, 1), D(2024, 2, 12), D(2024, 2, 1)),
            Deadline(Clock.DECIDE_TO_ASSESS, D(2024, 1, 1), D(2024, 2, 12), D(2024, 3, 1)),
        ],
        Clock.DECIDE_TO_ASSESS,
    )
    assert (counts.issued, counts.within_20_weeks) == (2, 1)


# --- Properties ------------------------------------------------------------------------------------

dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))


@given(dates, st.integers(min_value=-240, max_value=240))
def test_add_months_lands_in_the_right_month_on_the_same_day_or_the_months_last(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + dt.timedelta(1)).day == 1)


@given(dates, st.sampled_from(list(ExceptionReason)))
def test_no_exception_ever_moves_the_20_week_deadline(received, reason):
    exception = RecordedException(Clock.FINAL_PLAN, reason, received)
    plain = deadlines_for(CaseDates("issue_decision", received=received))
    excepted = deadlines_for(
        CaseDates("issue_decision", received=received, exceptions=(exception,))
    )
    assert [d.due for d in plain] == [d.due for d in excepted]
    assert [d.due for d in plain if d.clock == Clock.FINAL_PLAN] == [received + dt.timedelta(140)]


# --- Purity: no Django, no I/O ------------------------------------------------------------------------

FORBIDDEN_IMPORTS = {"django", "valuing_send", "assessments", "os", "pathlib", "io", "socket"}


def test_clocks_import_no_django_and_do_no_io():
    tree = ast.parse(Path(panels.clocks.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"open", "input", "print"}, node.func.id
    assert not imported & FORBIDDEN_IMPORTS
