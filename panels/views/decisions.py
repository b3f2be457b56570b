"""The panel's decision on a case, and the letters that follow."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from valuing_send.audit import audit_read
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.locking import ConflictError
from valuing_send.core.workflow import TransitionRefused

from .. import queries, services
from ..forms import DecisionForm
from .cases import _case


@require_http_methods(["GET", "POST"])
@requires("panelcase.decide")
def decision_create(request, pk, meeting_pk=None):
    case = _case(request, pk)
    meeting = None
    members_present = [request.user.pk]
    if meeting_pk is not None:
        meeting = get_or_404(request.authority.meetings.select_related("panel"), pk=meeting_pk)
        if not meeting.agenda.filter(case=case).exists():
            raise Http404("This case is not on the meeting's agenda")
        conflicted = set(
            meeting.attendance.filter(conflict_cases=case).values_list("user_id", flat=True)
        )
        members_present = [
            user_id
            for user_id in meeting.attendance.filter(present=True).values_list("user_id", flat=True)
            if user_id not in conflicted
        ] or members_present
    back = (
        redirect("meeting-detail", pk=meeting.pk)
        if meeting
        else redirect("case-detail", pk=case.pk)
    )
    if request.method == "GET":
        audit_read(request, case, description="Opened a panel case to record its decision")
    if not case.is_ready_for_panel:
        messages.error(
            request,
            f"This case is {case.get_status_display().lower()}: the panel decides a case once "
            "the caseworker has sent it to panel",
        )
        return back
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        case=case,
        authority=request.authority,
        initial={"version": case.version, "members_present": members_present},
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decision_record(
                case,
                outcome=data["outcome"],
                reasons=data["reasons"],
                by=request.user,
                members_present=list(
                    request.authority.memberships.active()
                    .filter(user_id__in=data["members_present"])
                    .values_list("user", flat=True)
                ),
                meeting=meeting,
                review_outcome=data.get("review_outcome", ""),
                agreed_band=data.get("agreed_band"),
                agreed_top_up=data.get("agreed_top_up"),
                expected_version=data["version"],
            )
        except TransitionRefused as error:
            refusal = error.message
        except ConflictError:
            refusal = (
                "Someone else changed this case while you were deciding. Check the case again "
                "before recording the decision."
            )
        else:
            messages.success(
                request, f"The decision has been recorded: {decision.get_outcome_display().lower()}"
            )
            return back
    return render(
        request,
        "panels/decision_form.html",
        {
            "form": form,
            "case": case,
            "child": case.child,
            "refusal": refusal,
            "meeting": meeting,
            "heading": "Record the panel's decision",
            "button": "Record the decision",
        },
        status=409 if refusal else 400 if form.errors else 200,
    )


@require_GET
@requires("panelcase.view")
def letter_detail(request, pk):
    letter = get_or_404(request.authority.letters.select_related("case__child"), pk=pk)
    audit_read(request, letter, description=f"Viewed a letter: {letter.get_kind_display()}")
    return render(
        request,
        "panels/letter_detail.html",
        {"letter": letter, "case": letter.case, "child": letter.case.child},
    )


def _audit_evidence_read(request, case, assessment, contributions):
    """The pack shows the case, the needs profile and every view in full: each is a read."""
    audit_read(request, case, description="Viewed a panel case's evidence pack")
    if assessment is not None:
        audit_read(request, assessment, description="Viewed a needs profile in an evidence pack")
    for contribution in contributions:
        audit_read(
            request,
            contribution,
            description=f"Viewed the view of the {contribution.get_role_display().lower()}",
        )


@require_GET
@requires("panelcase.view")
def evidence_pack(request, pk):
    """Everything the panel needs on one case: the needs profile and recommendation, every
    view side by side domain by domain (where they disagree), advice and the clocks."""
    case = _case(request, pk)
    context = queries.evidence_pack_context(request.authority, case)
    _audit_evidence_read(request, case, context["assessment"], context["detail"]["contributions"])
    return render(request, "panels/evidence_pack.html", context)
