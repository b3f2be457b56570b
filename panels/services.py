"""Every write to panel cases: opening a case, recording dates and outcomes, moving it on,
panel decisions, exceptions, advice and disputes. Each takes the acting user (``by=``) and
runs in a transaction; status changes go through ``valuing_send.core.workflow.transition``.

After any change that can move a statutory deadline, ``case_refresh_clock`` stores the
case's next running deadline (``next_due``), which the work tray sorts by.
"""

from django.db import transaction
from django.utils import timezone

from assessments.models import AssessmentStatus
from valuing_send.celery import enqueue_on_commit
from valuing_send.core.locking import save_versioned
from valuing_send.core.workflow import TransitionRefused, record_start, transition

from . import clocks, letters
from .codes import (
    CLOSED_STATUSES,
    INITIAL_STATUS,
    AssessmentOutcome,
    CaseKind,
    CaseStatus,
    DecisionOutcome,
    RequestOutcome,
    ReviewOutcome,
)
from .models import (
    AdviceRequest,
    AgendaItem,
    Attendance,
    CaseStatusChange,
    ClockException,
    Contribution,
    Decision,
    Dispute,
    Invitation,
    Letter,
    Meeting,
    Panel,
    PanelCase,
    PanelMembership,
)
from .workflows import decision_target

# Fields a caseworker records on the case's page (each kind shows its own).
DATE_FIELDS = (
    "received_date",
    "request_source",
    "rya",
    "exported",
    "draft_plan_date",
    "draft_comments_date",
    "final_plan_date",
    "review_since",
    "review_meeting_date",
    "review_papers_date",
    "review_decision_date",
    "amendments_date",
    "amended_plan_date",
    "cease_date",
    "cease_reason",
    "transfer_year",
    "into_post16",
    "setting",
    "sen_setting",
    "requested_band",
    "requested_top_up",
    "summary",
    "caseworker",
)


def current_recommendation(child):
    """The recommendation of the child's latest completed needs profile, if any."""
    assessment = (
        child.assessments.filter(status=AssessmentStatus.COMPLETE)
        .order_by("-completed_at", "-pk")
        .first()
    )
    if assessment is None:
        return None
    return assessment.recommendations.current().order_by("-created_at", "-pk").first()


def case_open(child, kind: str, *, by, caseworker=None, follows=None, **fields) -> PanelCase:
    """Open a case of ``kind`` for ``child`` (in the child's authority), in its first status.
    A placement or top-up request carries the child's current recommendation."""
    with transaction.atomic():
        case = PanelCase(
            authority_id=child.authority_id,
            child=child,
            kind=kind,
            status=INITIAL_STATUS[kind],
            caseworker=caseworker or child.caseworker or by,
            follows=follows,
            created_by=by,
            **fields,
        )
        if kind == CaseKind.PLACEMENT and case.recommendation_id is None:
            case.recommendation = current_recommendation(child)
        if kind == CaseKind.ANNUAL_REVIEW and case.review_since is None:
            case.review_since = child.plan_start_date
        case.save()
        record_start(case, by=by)
        case_refresh_clock(case)
    return case


def case_refresh_clock(case: PanelCase) -> clocks.Deadline | None:
    """Store the case's next running statutory deadline (or none) for the tray. Not a
    change anyone edits, so it does not bump the version."""
    upcoming = None
    if case.is_open:
        upcoming = clocks.next_deadline(case.deadlines())
    next_due = upcoming.due if upcoming else None
    next_clock = upcoming.clock.value if upcoming else ""
    if (case.next_due, case.next_clock) != (next_due, next_clock):
        PanelCase.objects.filter(pk=case.pk).update(next_due=next_due, next_clock=next_clock)
        case.next_due, case.next_clock = next_due, next_clock
    return upcoming


def case_update(case: PanelCase, changes: dict, *, expected_version: int, by) -> PanelCase:
    """Record dates, outcomes and details on the case (optimistic locking: a save from a page
    someone else has saved since raises ConflictError)."""
    unknown = set(changes) - set(DATE_FIELDS)
    if unknown:
        raise ValueError(f"Not recorded here: {sorted(unknown)}")
    with transaction.atomic():
        save_versioned(case, expected_version, **changes)
        case_refresh_clock(case)
    return case


def _closing(target: str) -> dict:
    if target in CLOSED_STATUSES:
        return {"is_open": False, "closed_at": timezone.now(), "next_due": None, "next_clock": ""}
    return {"is_open": True, "closed_at": None}


def case_move(
    case: PanelCase, to: str, *, by, reason: str = "", expected_version=None, **changes
) -> PanelCase:
    """Move the case to status ``to`` through the workflow (which checks the move, the
    actor's role, the reason and the version), then act on what the new status means:
    an agreed request opens the assessment, a review ending in ceasing opens the ceasing
    case. Raises ``TransitionRefused`` with a message to show."""
    with transaction.atomic():
        transition(
            case,
            to,
            by=by,
            reason=reason,
            expected_version=expected_version,
            **_closing(to),
            **changes,
        )
        _follow_on(case, by=by)
        case_refresh_clock(case)
    return case


def _follow_on(case: PanelCase, *, by) -> PanelCase | None:
    if case.status == CaseStatus.REQUEST_AGREED:
        return case_open(
            case.child,
            CaseKind.ISSUE_DECISION,
            by=by,
            caseworker=case.caseworker,
            follows=case,
            received_date=case.received_date,
            request_source=case.request_source,
        )
    if case.status == CaseStatus.REVIEW_TO_CEASE:
        return case_open(
            case.child,
            CaseKind.CEASE,
            by=by,
            caseworker=case.caseworker,
            follows=case,
            received_date=timezone.localdate(),
        )
    return None


def _outcome_fields(case: PanelCase, outcome: str, review_outcome: str, today) -> dict:
    """The SEN2 outcome and date a decision records on the case."""
    if outcome not in (DecisionOutcome.AGREE, DecisionOutcome.DECLINE):
        return {}
    agreed = outcome == DecisionOutcome.AGREE
    if case.kind == CaseKind.ASSESSMENT_REQUEST:
        return {
            "request_outcome": RequestOutcome.ASSESS if agreed else RequestOutcome.NOT_ASSESS,
            "request_outcome_date": today,
        }
    if case.kind == CaseKind.ISSUE_DECISION:
        return {
            "assessment_outcome": AssessmentOutcome.ISSUE
            if agreed
            else AssessmentOutcome.NOT_ISSUE,
            "assessment_outcome_date": today,
        }
    if case.kind == CaseKind.ANNUAL_REVIEW:
        return {"review_outcome": review_outcome, "review_decision_date": today}
    if case.kind == CaseKind.CEASE and agreed:
        return {"cease_date": today}
    return {}


def decision_record(
    case: PanelCase,
    *,
    outcome: str,
    reasons: str,
    by,
    meeting=None,
    members_present=(),
    review_outcome: str = "",
    agreed_band=None,
    agreed_top_up=None,
    expected_version=None,
) -> Decision:
    """Record the panel's decision on a case ready for panel, with its reasons, and move the
    case on: agree and decline to the kind's outcome (recording the SEN2 outcome and date,
    which stops the clock), defer and more information back to the caseworker."""
    if not reasons.strip():
        raise TransitionRefused("Give the reasons for the decision")
    if (
        case.kind == CaseKind.ANNUAL_REVIEW
        and outcome == DecisionOutcome.AGREE
        and review_outcome not in ReviewOutcome.values
    ):
        raise TransitionRefused("Choose whether to maintain, amend or cease the plan")
    try:
        target = decision_target(case.kind, case.status, outcome, review_outcome)
    except ValueError as error:
        raise TransitionRefused(str(error)) from None
    if meeting is not None:
        conflicted = set(
            Attendance.objects.filter(meeting=meeting, conflict_cases=case).values_list(
                "user_id", flat=True
            )
        )
        if conflicted & {getattr(user, "pk", user) for user in members_present}:
            raise TransitionRefused(
                "A member who declared a conflict of interest in this case takes no part in "
                "the decision: leave them out of the members present"
            )
    today = timezone.localdate()
    recommendation = case.recommendation
    if recommendation is None and case.kind in (
        CaseKind.ASSESSMENT_REQUEST,
        CaseKind.ISSUE_DECISION,
        CaseKind.PLACEMENT,
    ):
        recommendation = current_recommendation(case.child)
    with transaction.atomic():
        status_before = case.status
        case_move(
            case,
            target,
            by=by,
            reason=reasons,
            expected_version=expected_version,
            **_outcome_fields(case, outcome, review_outcome, today),
        )
        decision = Decision.objects.create(
            authority_id=case.authority_id,
            case=case,
            meeting=meeting,
            outcome=outcome,
            review_outcome=review_outcome if outcome == DecisionOutcome.AGREE else "",
            recommendation=recommendation,
            follows_recommendation=follows_recommendation(case, outcome, recommendation),
            agreed_band=agreed_band,
            agreed_top_up=agreed_top_up,
            reasons=reasons.strip(),
            decided_by=by,
            status_before=status_before,
            status_after=target,
        )
        decision.members_present.set(members_present)
        letters.letter_create(decision, by=by)
    return decision


# Recommended tiers that support each kind of request (see assessments/rules: a plan or
# specialist input is "targeted plus" or "specialist").
TIERS_SUPPORTING_A_PLAN = frozenset({"targeted_plus", "specialist"})


def follows_recommendation(case: PanelCase, outcome: str, recommendation) -> bool | None:
    """Whether a decision follows the rules' recommendation: agreeing to assess, to issue or
    to fund follows it when the recommended tier supports a plan; declining follows it when
    the tier does not. Deferrals and cases with no recommendation follow nothing."""
    if recommendation is None or outcome not in (DecisionOutcome.AGREE, DecisionOutcome.DECLINE):
        return None
    if case.kind not in (CaseKind.ASSESSMENT_REQUEST, CaseKind.ISSUE_DECISION, CaseKind.PLACEMENT):
        return None
    supports = recommendation.tier in TIERS_SUPPORTING_A_PLAN
    return supports == (outcome == DecisionOutcome.AGREE)


def exception_record(
    case: PanelCase, *, clock: str, reason: str, recorded_on, note: str, by, subject: str = ""
) -> ClockException:
    """Record an exception to a time limit (it never moves the deadline). Raises ValueError
    if the Regulations allow no such exception to that clock."""
    clocks.RecordedException(clocks.Clock(clock), clocks.ExceptionReason(reason), recorded_on)
    with transaction.atomic():
        exception = ClockException.objects.create(
            authority_id=case.authority_id,
            case=case,
            clock=clock,
            reason=reason,
            subject=subject,
            recorded_on=recorded_on,
            note=note.strip(),
            by=by,
        )
        case_refresh_clock(case)
    return exception


def advice_request(case: PanelCase, *, service: str, asked_on, by, invitation=None):
    with transaction.atomic():
        advice = AdviceRequest.objects.create(
            authority_id=case.authority_id,
            case=case,
            service=service,
            asked_on=asked_on,
            invitation=invitation,
            by=by,
        )
        case_refresh_clock(case)
    return advice


def advice_received(advice: AdviceRequest, *, received_on, by) -> AdviceRequest:
    with transaction.atomic():
        AdviceRequest.objects.filter(pk=advice.pk).update(received_on=received_on)
        advice.received_on = received_on
        case_refresh_clock(advice.case)
    return advice


def dispute_record(case: PanelCase, *, by, **fields) -> Dispute:
    return Dispute.objects.create(authority_id=case.authority_id, case=case, by=by, **fields)


def sen2_flags(case: PanelCase, disputes=None, exceptions=None) -> dict:
    """SEN2's mediation and tribunal flags and week20, from the case's disputes and
    exceptions (pass ``disputes`` and ``exceptions`` already fetched to avoid their queries)."""
    disputes = list(case.disputes.all() if disputes is None else disputes)

    def any_of(kind, about):
        return any(d.kind == kind and d.about == about for d in disputes)

    return {
        "request_mediation": any_of("mediation", "request"),
        "request_tribunal": any_of("tribunal", "request"),
        "assessment_mediation": any_of("mediation", "assessment"),
        "assessment_tribunal": any_of("tribunal", "assessment"),
        "other_mediation": any_of("mediation", "other"),
        "other_tribunal": any_of("tribunal", "other"),
        "week20": (
            case.clock_exceptions.filter(clock=clocks.Clock.FINAL_PLAN).exists()
            if exceptions is None
            else any(exception.clock == clocks.Clock.FINAL_PLAN for exception in exceptions)
        ),
    }


# --- Panels and meetings ----------------------------------------------------------------------


def panel_save(
    authority, *, name: str, members, chair=None, by, panel=None, expected_version=None
) -> Panel:
    """Create a panel or change its name and members (``members``: users of the authority).
    Changing one checks ``expected_version`` (``ConflictError`` if another admin saved it
    since)."""
    with transaction.atomic():
        if panel is None:
            panel = Panel.objects.create(authority=authority, name=name.strip())
        elif expected_version is not None:
            save_versioned(panel, expected_version, name=name.strip())
        elif panel.name != name.strip():
            panel.name = name.strip()
            panel.save(update_fields=["name"])
        wanted = {user.pk for user in members}
        panel.memberships.exclude(user_id__in=wanted).update(is_active=False)
        for user in members:
            PanelMembership.objects.update_or_create(
                panel=panel,
                user=user,
                defaults={
                    "is_active": True,
                    "role": PanelMembership.Role.CHAIR
                    if chair is not None and user.pk == chair.pk
                    else PanelMembership.Role.MEMBER,
                },
            )
    return panel


def meeting_create(panel, *, starts_at, location: str, cases, by) -> Meeting:
    """Plan a meeting of ``panel`` with ``cases`` (ready for panel) on its agenda, in order."""
    with transaction.atomic():
        meeting = Meeting.objects.create(
            authority_id=panel.authority_id,
            panel=panel,
            starts_at=starts_at,
            location=location.strip(),
            created_by=by,
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, case=case, position=position)
            for position, case in enumerate(cases, start=1)
        )
    return meeting


def attendance_record(meeting: Meeting, *, present, by, expected_version=None) -> None:
    """Who is at the meeting: the panel's members, each present or not. With
    ``expected_version``, refused (``ConflictError``) if someone recorded attendance since."""
    present_ids = {user.pk for user in present}
    with transaction.atomic():
        if expected_version is not None:
            save_versioned(meeting, expected_version)
        members = [m.user_id for m in meeting.panel.memberships.filter(is_active=True)]
        for user_id in {*members, *present_ids}:
            Attendance.objects.update_or_create(
                meeting=meeting, user_id=user_id, defaults={"present": user_id in present_ids}
            )


def conflict_declare(meeting: Meeting, *, user, cases, note: str, by) -> Attendance:
    """A member declares a conflict of interest in some of the agenda's cases: they take no
    part in those decisions (the decision form leaves them out)."""
    with transaction.atomic():
        attendance, _ = Attendance.objects.get_or_create(
            meeting=meeting, user=user, defaults={"present": True}
        )
        attendance.conflict = "\n".join(filter(None, [attendance.conflict, note.strip()]))
        attendance.save(update_fields=["conflict"])
        attendance.conflict_cases.add(*cases)
    return attendance


def contribution_enter(
    case: PanelCase, *, role: str, answers: dict, text: str, contributor_name: str, by, service=""
) -> Contribution:
    """A view entered by a member of staff on someone's behalf, recorded as such."""
    with transaction.atomic():
        return Contribution.objects.create(
            authority_id=case.authority_id,
            case=case,
            role=role,
            service=service,
            contributor_name=contributor_name.strip(),
            entered_by=by,
            answers=answers,
            text=text.strip(),
        )


# --- Invitations ----------------------------------------------------------------------------------


def invitation_send(
    case: PanelCase, *, role: str, recipient_name: str, email: str, by, service: str = ""
) -> Invitation:
    """Invite someone to give their view through a secure link, emailed after the commit
    (the email task works the token out again from the invitation's id). Asking a
    professional for advice during an assessment starts their 6-week clock."""
    with transaction.atomic():
        invitation = Invitation.objects.create(
            authority_id=case.authority_id,
            case=case,
            role=role,
            service=service if role == "professional" else "",
            recipient_name=recipient_name.strip(),
            email=email.strip(),
            nonce=Invitation.new_nonce(),
            token_hash=f"pending-{Invitation.new_nonce()}",
            expires_at=Invitation.default_expiry(),
            created_by=by,
        )
        invitation.set_token_hash()
        invitation.save(update_fields=["token_hash"])
        if role == "professional" and case.kind == CaseKind.ISSUE_DECISION:
            advice_request(
                case,
                service=service or "other",
                asked_on=timezone.localdate(),
                by=by,
                invitation=invitation,
            )
        enqueue_on_commit("panels.tasks.invitation_email_send", invitation.pk)
    return invitation


def invitation_revoke(invitation: Invitation, *, by) -> Invitation:
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        invitation.refresh_from_db()
    return invitation


def invitation_save_draft(invitation: Invitation, answers: dict) -> None:
    """Keep the answers given so far on the invitation (not in a session that can expire)."""
    draft = {**(invitation.draft_answers or {})}
    domains = {**draft.get("domains", {}), **answers.pop("domains", {})}
    draft.update(answers)
    draft["domains"] = domains
    Invitation.objects.filter(pk=invitation.pk, submitted_at__isnull=True).update(
        draft_answers=draft
    )
    invitation.draft_answers = draft


def invitation_submit(invitation: Invitation) -> Contribution:
    """Turn the draft into the contributor's view, once: a second submission, or one after
    the link expired or was revoked, is refused."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_usable:
            raise TransitionRefused("This link has already been used or can no longer be used")
        contribution = Contribution.objects.create(
            authority_id=locked.authority_id,
            case_id=locked.case_id,
            role=locked.role,
            service=locked.service,
            contributor_name=locked.recipient_name,
            invitation=locked,
            answers=locked.draft_answers or {},
            text=(locked.draft_answers or {}).get("text", ""),
        )
        now = timezone.now()
        Invitation.objects.filter(pk=locked.pk).update(submitted_at=now)
        invitation.submitted_at = now
        advice = AdviceRequest.objects.filter(invitation=locked, received_on__isnull=True).first()
        if advice is not None:
            advice_received(advice, received_on=timezone.localdate(), by=None)
    return contribution


def child_panel_records_erase(child) -> None:
    """Everything panels hold about ``child``, at the end of the child's retention (called by
    ``assessments.services.child_erase``, in its transaction, before the child goes). In this
    order because letters, decisions and places on an agenda protect the case, and views and
    status changes protect the invitations that go with the case."""
    cases = PanelCase.objects.filter(child=child)
    Letter.objects.filter(case__in=cases).delete()
    Decision.objects.filter(case__in=cases).delete()
    AgendaItem.objects.filter(case__in=cases).delete()
    Contribution.objects.filter(case__in=cases).delete()
    CaseStatusChange.objects.filter(case__in=cases).delete()
    cases.delete()
