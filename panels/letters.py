"""Decision letters: one template per decision, with the reasons, the mediation and appeal
rights (with the tribunal deadline worked out by ``panels/clocks.py``) and the authority's
details. The HTML is stored with the case as it was made; the documents work adds the PDF.

A presenter builds the letter's context from plain data (the case, the decision, the
authority), never from a request, so a worker or an invitation page can render it too.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from . import clocks
from .codes import CaseKind, DecisionOutcome, ReviewOutcome
from .models import Letter, LetterDetails

K = Letter.Kind
LETTER_KINDS = {
    (CaseKind.ASSESSMENT_REQUEST, DecisionOutcome.AGREE): K.ASSESS,
    (CaseKind.ASSESSMENT_REQUEST, DecisionOutcome.DECLINE): K.NOT_ASSESS,
    (CaseKind.ISSUE_DECISION, DecisionOutcome.AGREE): K.ISSUE,
    (CaseKind.ISSUE_DECISION, DecisionOutcome.DECLINE): K.NOT_ISSUE,
    (CaseKind.PLACEMENT, DecisionOutcome.AGREE): K.PLACEMENT_AGREED,
    (CaseKind.PLACEMENT, DecisionOutcome.DECLINE): K.PLACEMENT_DECLINED,
    (CaseKind.ANNUAL_REVIEW, DecisionOutcome.AGREE): K.REVIEW,
    (CaseKind.CEASE, DecisionOutcome.AGREE): K.CEASE,
    (CaseKind.CEASE, DecisionOutcome.DECLINE): K.CEASE_DECLINED,
    (CaseKind.PHASE_TRANSFER, DecisionOutcome.AGREE): K.TRANSFER,
}

# Decisions the family can appeal to the First-tier Tribunal (SEND) straight away (Children
# and Families Act 2014, section 51). A decision to issue, a placement named and a phase
# transfer are appealed once the final or amended plan is issued: the letter says so.
APPEALABLE_NOW = frozenset({K.NOT_ASSESS, K.NOT_ISSUE, K.CEASE, K.REVIEW})
APPEALABLE_WITH_THE_PLAN = frozenset({K.ISSUE, K.PLACEMENT_AGREED, K.TRANSFER})


def letter_kind(decision) -> str | None:
    """The letter a decision needs, or None (deferrals and requests for more information
    are not decisions the family is sent a letter about)."""
    return LETTER_KINDS.get((decision.case.kind, decision.outcome))


def letter_context(case, decision, authority, *, sent_on=None) -> dict:
    sent_on = sent_on or timezone.localdate()
    details = LetterDetails.objects.filter(authority=authority).first() or LetterDetails(
        authority=authority
    )
    kind = letter_kind(decision)
    review_outcome = ReviewOutcome(decision.review_outcome) if decision.review_outcome else None
    appealable_now = kind in APPEALABLE_NOW and not (
        kind == K.REVIEW and review_outcome == ReviewOutcome.AMEND
    )
    return {
        "authority": authority,
        "details": details,
        "case": case,
        "child": case.child,
        "decision": decision,
        "kind": kind,
        "review_outcome": review_outcome,
        "sent_on": sent_on,
        "appealable_now": appealable_now,
        "appealable_with_plan": kind in APPEALABLE_WITH_THE_PLAN
        or (kind == K.REVIEW and review_outcome == ReviewOutcome.AMEND),
        "appeal_deadline": clocks.appeal_deadline(sent_on),
        "mediation_deadline": clocks.add_months(sent_on, 2),
        "final_plan_due": clocks.final_plan_due(case.received_date) if case.received_date else None,
        "notice_due": clocks.notice_not_to_issue_due(case.received_date)
        if case.received_date
        else None,
        "amended_plan_due": clocks.amended_plan_due(sent_on),
        "setting": case.setting,
    }


SUBJECTS = {
    K.ASSESS: "We will carry out an education, health and care needs assessment",
    K.NOT_ASSESS: "We will not carry out an education, health and care needs assessment",
    K.ISSUE: "We will issue an education, health and care plan",
    K.NOT_ISSUE: "We will not issue an education, health and care plan",
    K.PLACEMENT_AGREED: "Your request for a placement or funding has been agreed",
    K.PLACEMENT_DECLINED: "Your request for a placement or funding has not been agreed",
    K.REVIEW: "The outcome of the annual review of the education, health and care plan",
    K.CEASE: "We intend to stop maintaining the education, health and care plan",
    K.CEASE_DECLINED: "We will continue to maintain the education, health and care plan",
    K.TRANSFER: "The setting to be named for the move to the next phase of education",
}


def letter_create(decision, *, by) -> Letter | None:
    """Make and store the decision's letter (None for a deferral)."""
    kind = letter_kind(decision)
    if kind is None:
        return None
    case = decision.case
    context = letter_context(case, decision, case.authority)
    html = render_to_string(f"panels/letters/{kind}.html", context)
    return Letter.objects.create(
        authority_id=case.authority_id,
        case=case,
        decision=decision,
        kind=kind,
        subject=SUBJECTS[kind],
        html=html,
        created_by=by,
    )
