"""Panels and their meetings: set-up (admins), planning a meeting with its agenda of cases
ready for panel, attendance and declared conflicts of interest, and the agenda a panel
member works through."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from valuing_send.authorities.permissions import can
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.locking import ConflictError

from .. import services
from ..forms import AttendanceForm, ConflictForm, MeetingForm, PanelForm
from ..models import Meeting


def _users(authority, ids):
    return list(authority.memberships.active().filter(user_id__in=ids).select_related("user"))


@require_GET
@requires("panel.manage")
def panel_list(request):
    panels = request.authority.panels.prefetch_related("memberships__user").order_by("name")
    return render(request, "panels/panel_list.html", {"panels": panels})


@require_http_methods(["GET", "POST"])
@requires("panel.manage")
def panel_edit(request, pk=None):
    panel = get_or_404(request.authority.panels, pk=pk) if pk is not None else None
    initial = {"version": 1}
    if panel is not None:
        initial = _panel_initial(panel)
    form = PanelForm(
        request.POST if request.method == "POST" else None,
        authority=request.authority,
        panel=panel,
        initial=initial,
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        members = [m.user for m in _users(request.authority, data["members"])]
        chair = next((u for u in members if u.pk == data.get("chair")), None)
        try:
            saved = services.panel_save(
                request.authority,
                name=data["name"],
                members=members,
                chair=chair,
                by=request.user,
                panel=panel,
                expected_version=data["version"] if panel is not None else None,
            )
        except ConflictError as error:
            now = _panel_initial(error.current)
            names = ", ".join(m.user.full_name for m in _users(request.authority, now["members"]))
            refusal = (
                f"Someone else changed this panel while you were editing it. It is now called "
                f"{now['name']}, with members: {names or 'none'}. Your choices are below: "
                "check them and save again to replace theirs."
            )
            form = _rebound(
                PanelForm,
                request.POST,
                error.current.version,
                authority=request.authority,
                panel=panel,
            )
        else:
            messages.success(request, f"{saved.name} has been saved")
            return redirect("panel-list")
    return render(
        request,
        "panels/panel_form.html",
        {"form": form, "panel": panel, "refusal": refusal},
        status=409 if refusal else 400 if form.errors else 200,
    )


def _panel_initial(panel) -> dict:
    active = [m for m in panel.memberships.all() if m.is_active]
    return {
        "name": panel.name,
        "members": [m.user_id for m in active],
        "chair": next((m.user_id for m in active if m.role == "chair"), None),
        "version": panel.version,
    }


def _rebound(form_class, data, version, **kwargs):
    """The person's own answers again after a conflict, now against the record's version as
    it is: saving again is a choice made knowing what the other person did."""
    data = data.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


@require_GET
@requires("meeting.view")
def meeting_list(request):
    now = timezone.now()
    meetings = request.authority.meetings.select_related("panel")
    if not can(request.membership, "meeting.manage"):
        meetings = meetings.filter(panel__memberships__user=request.user).distinct()
    upcoming = list(meetings.filter(starts_at__gte=now - datetime.timedelta(hours=12)))
    past = list(meetings.filter(starts_at__lt=now - datetime.timedelta(hours=12)).reverse()[:20])
    return render(request, "panels/meeting_list.html", {"upcoming": upcoming, "past": past})


def _ready_cases(authority):
    planned = authority.meetings.filter(
        status=Meeting.Status.PLANNED, starts_at__gte=timezone.now()
    ).values("agenda__case")
    return list(
        authority.panel_cases.ready_for_panel()
        .exclude(pk__in=planned)
        .select_related("child")
        .order_by("next_due", "pk")[:200]
    )


@require_http_methods(["GET", "POST"])
@requires("meeting.manage")
def meeting_create(request):
    ready = _ready_cases(request.authority)
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        authority=request.authority,
        ready_cases=ready,
        initial={"time": datetime.time(10, 0), "cases": [c.pk for c in ready[:12]]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        panel = get_or_404(request.authority.panels, pk=data["panel"])
        chosen = set(data["cases"])
        meeting = services.meeting_create(
            panel,
            starts_at=timezone.make_aware(datetime.datetime.combine(data["date"], data["time"])),
            location=data["location"],
            cases=[c for c in ready if c.pk in chosen],
            by=request.user,
        )
        messages.success(request, f"The meeting has been planned with {len(chosen)} cases")
        return redirect("meeting-detail", pk=meeting.pk)
    return render(
        request,
        "panels/meeting_form.html",
        {"form": form, "ready": ready},
        status=400 if form.errors else 200,
    )


def _meeting(request, pk):
    return get_or_404(request.authority.meetings.select_related("panel"), pk=pk)


def _members(meeting):
    return [m.user for m in meeting.panel.memberships.filter(is_active=True).select_related("user")]


@require_GET
@requires("meeting.view")
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    agenda = list(
        meeting.agenda.select_related(
            "case__child__current_setting", "case__caseworker", "case__recommendation__rule_set"
        )
    )
    decisions = {
        d.case_id: d for d in meeting.decisions.select_related("decided_by").order_by("decided_at")
    }
    attendance = list(meeting.attendance.select_related("user").prefetch_related("conflict_cases"))
    conflicts = {}
    for record in attendance:
        for case in record.conflict_cases.all():
            conflicts.setdefault(case.pk, []).append(record.user.full_name)
    rows = [
        {
            "item": item,
            "case": item.case,
            "decision": decisions.get(item.case_id),
            "conflicts": conflicts.get(item.case_id, []),
        }
        for item in agenda
    ]
    return render(
        request,
        "panels/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "attendance": attendance,
            "members": _members(meeting),
            "can_decide": can(request.membership, "panelcase.decide"),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("panelcase.decide")
def attendance_edit(request, pk):
    meeting = _meeting(request, pk)
    members = _members(meeting)
    present = list(meeting.attendance.filter(present=True).values_list("user_id", flat=True))
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        members=members,
        initial={"present": present, "version": meeting.version},
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["present"])
        try:
            services.attendance_record(
                meeting,
                present=[u for u in members if u.pk in chosen],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            now = set(meeting.attendance.filter(present=True).values_list("user_id", flat=True))
            names = ", ".join(u.full_name for u in members if u.pk in now)
            refusal = (
                "Someone else recorded attendance at this meeting while you were changing it. "
                f"Present now: {names or 'nobody'}. Your ticks are below: check them and save "
                "again to replace theirs."
            )
            form = _rebound(AttendanceForm, request.POST, error.current.version, members=members)
        else:
            messages.success(request, "Attendance has been recorded")
            return redirect("meeting-detail", pk=meeting.pk)
    return render(
        request,
        "panels/meeting_form_page.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": "Who is at the meeting?",
            "button": "Save attendance",
            "refusal": refusal,
        },
        status=409 if refusal else 400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("panelcase.decide")
def conflict_create(request, pk):
    meeting = _meeting(request, pk)
    members = _members(meeting)
    agenda = list(meeting.agenda.select_related("case__child"))
    form = ConflictForm(
        request.POST if request.method == "POST" else None, members=members, agenda=agenda
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = next(u for u in members if u.pk == data["member"])
        cases = [item.case for item in agenda if item.case.pk in set(data["cases"])]
        services.conflict_declare(
            meeting, user=user, cases=cases, note=data["note"], by=request.user
        )
        messages.success(request, f"{user.full_name}'s conflict of interest has been recorded")
        return redirect("meeting-detail", pk=meeting.pk)
    return render(
        request,
        "panels/meeting_form_page.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": "Declare a conflict of interest",
            "button": "Record the conflict",
        },
        status=400 if form.errors else 200,
    )
