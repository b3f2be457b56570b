"""Caseworker pages: the work tray, opening a case, its timeline, recording dates, outcomes,
exceptions, advice and disputes, and moving it on."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valuing_send.audit import audit_read
from valuing_send.authorities import choices
from valuing_send.authorities.models import Role
from valuing_send.authorities.permissions import can
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.cache import KeptReads, cached_fragment, fragment_key
from valuing_send.core.locking import ConflictError, differences
from valuing_send.core.workflow import TransitionRefused, moves_for

from .. import presenters, queries, services
from ..codes import STATUSES_BY_KIND, CaseKind, CaseStatus, ContributorRole
from ..forms import (
    AdviceReceivedForm,
    AdviceRequestForm,
    CaseDatesForm,
    CaseOpenForm,
    ContributionForm,
    DisputeForm,
    ExceptionForm,
    InvitationForm,
    KindForm,
    MoveForm,
    TrayFilterForm,
)
from ..workflows import DECIDE

TRAY_PAGE_SIZE = 50


def _case(request, pk):
    return get_or_404(
        request.authority.panel_cases.select_related(
            "child__current_setting", "caseworker", "setting", "follows", "recommendation__rule_set"
        ),
        pk=pk,
    )


@require_GET
@requires("panelcase.view")
def tray(request):
    authority = request.authority
    default_view = "mine" if request.membership.role == Role.CASEWORKER else "team"
    # The filter form (every caseworker and every setting of the register as options, most of
    # the page) depends only on the choices and what was chosen; it and the choices are read
    # from the cache in one round trip.
    chosen = sorted((name, request.GET.getlist(name)) for name in TrayFilterForm.base_fields)
    filters_key = fragment_key("tray-filters", authority.pk, (default_view, chosen))
    reads = KeptReads(
        [
            choices.key("caseworkers", authority.pk),
            choices.key("register", authority.pk),
            filters_key,
        ]
    )
    caseworkers, schools = queries.tray_choices(authority, reads=reads)
    form = TrayFilterForm(
        request.GET or None,
        initial={"view": default_view},
        caseworker_choices=caseworkers,
        school_choices=schools,
    )
    if request.GET and not form.is_valid():
        # Only a hand-made address gets here (the form offers no such values): the error
        # summary says what is wrong and no cases are listed, so nothing looks filtered that
        # is not.
        return render(
            request,
            "panels/tray.html",
            {"form": form, "invalid": True, "filters": {"view": default_view}, "sort": "due"},
            status=400,
        )
    if request.GET:
        filters = form.filters(default_view=default_view)
    else:
        filters = {"view": default_view, "sort": "due", "page": 1}
    today = timezone.localdate()
    cases = queries.tray_cases(request.authority, filters, user=request.user)
    counts = queries.tray_counts(cases, today)
    if filters.get("due"):
        cases = cases.filter(queries.due_bucket_filter(filters["due"], today))
        shown = counts[filters["due"]]
    else:
        shown = counts["total"]
    pages = max(1, -(-shown // TRAY_PAGE_SIZE))
    page = min(filters["page"], pages)
    rows = queries.tray_page_rows(
        cases, sort=filters["sort"], offset=(page - 1) * TRAY_PAGE_SIZE, limit=TRAY_PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    bucket_query = query.copy()
    bucket_query.pop("due", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "form": form,
        "filters": filters,
        "rows": rows,
        "counts": counts,
        "shown": shown,
        "page": page,
        "pages": pages,
        "query": query.urlencode(),
        "bucket_query": bucket_query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": filters["sort"],
        "today": today,
    }
    context["rows_html"] = presenters.tray_rows(rows, today)
    context["filters_html"] = cached_fragment(
        filters_key,
        lambda: render_to_string("panels/tray.html#filters", context),
        depends_on=(caseworkers, schools, context["sort"]),
        reads=reads,
    )
    return render(request, "panels/tray.html", context)


@require_http_methods(["GET", "POST"])
@requires("panelcase.create")
def case_start(request, child_pk):
    child = get_or_404(request.authority.children, pk=child_pk)
    form = KindForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return redirect("case-create", child_pk=child.pk, kind=form.cleaned_data["kind"])
    return render(
        request,
        "panels/case_start.html",
        {"form": form, "child": child},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("panelcase.create")
def case_create(request, child_pk, kind):
    child = get_or_404(request.authority.children.select_related("caseworker"), pk=child_pk)
    if kind not in CaseKind.values:
        raise Http404("No such kind of case")
    form = CaseOpenForm(
        request.POST if request.method == "POST" else None, kind=kind, authority=request.authority
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        if "setting" in fields:
            fields["setting"] = get_or_404(
                request.authority.settings_register, pk=fields["setting"]
            )
        case = services.case_open(child, kind, by=request.user, **fields)
        messages.success(request, f"Case {case.reference} has been opened")
        return redirect("case-detail", pk=case.pk)
    return render(
        request,
        "panels/case_create.html",
        {"form": form, "child": child, "kind": kind, "kind_label": CaseKind(kind).label},
        status=400 if form.errors else 200,
    )


def _moves_offered(case, request):
    """The moves the user may make from here, except panel decisions (which have their own
    page, with reasons and members present)."""
    moves = moves_for(case, request.user, membership=request.membership)
    return [move for move in moves if move.action != DECIDE]


@require_GET
@requires("panelcase.view")
def case_detail(request, pk):
    case = _case(request, pk)
    audit_read(request, case, description="Viewed a panel case and its timeline")
    detail = queries.case_detail(case)
    today = timezone.localdate()
    running, done = queries.next_steps(detail["deadlines"], today)
    context = {
        "case": case,
        "child": case.child,
        "detail": detail,
        "running": running,
        "done": done,
        "timeline": queries.timeline(case, detail),
        "moves": _moves_offered(case, request),
        "can_decide": case.is_ready_for_panel and can(request.membership, "panelcase.decide"),
        "sen2": services.sen2_flags(case, detail["disputes"], detail["exceptions"]),
        "today": today,
    }
    return render(request, "panels/case_detail.html", context)


@require_http_methods(["GET", "POST"])
@requires("panelcase.edit")
def case_dates(request, pk):
    case = _case(request, pk)
    initial = {name: getattr(case, name) for name in services.DATE_FIELDS}
    initial["setting"] = case.setting_id
    initial["version"] = case.version
    form = CaseDatesForm(
        request.POST if request.method == "POST" else None,
        case=case,
        authority=request.authority,
        initial=initial,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if changes.get("setting"):
            changes["setting"] = get_or_404(
                request.authority.settings_register, pk=changes["setting"]
            )
        try:
            services.case_update(
                case, changes, expected_version=form.cleaned_data["version"], by=request.user
            )
        except ConflictError as error:
            conflict = _differences(form, error.current)
            case = error.current
        else:
            messages.success(request, "The dates and details have been saved")
            return redirect("case-detail", pk=case.pk)
    status = 409 if conflict is not None else 400 if form.errors else 200
    return render(
        request,
        "panels/case_dates.html",
        {
            "form": form,
            "case": case,
            "child": case.child,
            "conflict": conflict,
            "heading": "Record dates and details",
            "button": "Save",
        },
        status=status,
    )


def _differences(form, current):
    """What the other person saved and what this user is saving, where they differ."""
    fields = [
        (
            form.fields[name].label,
            getattr(current, f"{name}_id" if name == "setting" else name),
            value,
        )
        for name, value in form.changes().items()
    ]
    return differences(fields, show=_display)


def _display(value) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if hasattr(value, "strftime"):
        return f"{value.day} {value:%B %Y}"
    return str(value)


@require_http_methods(["GET", "POST"])
@requires("panelcase.view")
def case_move(request, pk, target):
    case = _case(request, pk)
    if target not in {*STATUSES_BY_KIND[case.kind], CaseStatus.WITHDRAWN}:
        raise Http404("No such status for this kind of case")
    move = type(case).workflow.move(case.status, target)
    if move is not None and move.action == DECIDE:
        return redirect("decision-create", pk=case.pk)
    if move is not None and not can(request.membership, move.action):
        raise PermissionDenied("Your role does not allow this.")
    if move is None:
        messages.error(
            request,
            f"This case is {case.get_status_display().lower()}, so it cannot become "
            f"{CaseStatus(target).label.lower()}",
        )
        return redirect("case-detail", pk=case.pk)
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        move=move,
        initial={"version": case.version},
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.case_move(
                case,
                target,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except TransitionRefused as error:
            refusal = error.message
        except ConflictError:
            refusal = (
                "Someone else changed this case while you were looking at it. Check the case "
                "again before moving it on."
            )
        else:
            messages.success(request, f"The case is now {case.get_status_display().lower()}")
            return redirect("case-detail", pk=case.pk)
    return render(
        request,
        "panels/case_move.html",
        {
            "form": form,
            "case": case,
            "child": case.child,
            "move": move,
            "target_label": CaseStatus(target).label,
            "refusal": refusal,
            "heading": move.label,
            "button": move.label,
        },
        status=409 if refusal else 400 if form.errors else 200,
    )


def _case_form(request, case, form, template, *, heading, button, save, **extra):
    """A form that adds something to one case. A valid POST is saved by ``save(cleaned_data)``,
    which returns the confirmation to show, and goes back to the case; otherwise the form's page
    (400 with its error summary)."""
    if request.method == "POST" and form.is_valid():
        messages.success(request, save(form.cleaned_data))
        return redirect("case-detail", pk=case.pk)
    context = {
        "form": form,
        "case": case,
        "child": case.child,
        "heading": heading,
        "button": button,
    }
    return render(request, template, {**context, **extra}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@requires("panelcase.edit")
def exception_create(request, pk):
    case = _case(request, pk)
    form = ExceptionForm(request.POST if request.method == "POST" else None, case=case)
    if not form.fields["clock"].choices:
        messages.error(request, "The Regulations allow no exceptions to this kind of case's clock")
        return redirect("case-detail", pk=case.pk)

    def save(data):
        services.exception_record(case, by=request.user, **data)
        return (
            "The exception has been recorded. The deadline has not moved: reports "
            "count this case with and without exceptions."
        )

    return _case_form(
        request,
        case,
        form,
        "panels/exception_form.html",
        heading="Record an exception to a time limit",
        button="Record the exception",
        save=save,
    )


@require_http_methods(["GET", "POST"])
@requires("panelcase.edit")
def advice_create(request, pk):
    case = _case(request, pk)
    if case.kind != CaseKind.ISSUE_DECISION:
        raise Http404("Advice is asked for during an EHC needs assessment")

    def save(data):
        advice = services.advice_request(case, by=request.user, **data)
        return (
            f"{advice.get_service_display()} advice is due by {advice.due.day} {advice.due:%B %Y}"
        )

    return _case_form(
        request,
        case,
        AdviceRequestForm(request.POST if request.method == "POST" else None),
        "panels/advice_form.html",
        heading="Ask for professional advice",
        button="Record the request",
        save=save,
    )


@require_http_methods(["GET", "POST"])
@requires("panelcase.edit")
def advice_received(request, pk, advice_pk):
    case = _case(request, pk)
    advice = get_or_404(case.advice_requests, pk=advice_pk)

    def save(data):
        services.advice_received(advice, by=request.user, **data)
        return f"{advice.get_service_display()} advice has been recorded"

    return _case_form(
        request,
        case,
        AdviceReceivedForm(request.POST if request.method == "POST" else None, advice=advice),
        "panels/advice_received.html",
        heading=f"Record {advice.get_service_display().lower()} advice received",
        button="Record it",
        save=save,
        advice=advice,
    )


@require_http_methods(["GET", "POST"])
@requires("panelcase.edit")
def dispute_create(request, pk):
    case = _case(request, pk)

    def save(data):
        dispute = services.dispute_record(case, by=request.user, **data)
        return f"The {dispute.get_kind_display().lower()} has been recorded"

    return _case_form(
        request,
        case,
        DisputeForm(request.POST if request.method == "POST" else None),
        "panels/dispute_form.html",
        heading="Record a mediation or tribunal appeal",
        button="Record it",
        save=save,
    )


@require_http_methods(["GET", "POST"])
@requires("panelcase.edit")
def contribution_create(request, pk, role):
    case = _case(request, pk)
    if role not in ContributorRole.values:
        raise Http404("No such contributor")
    _, ratings, definition = queries.latest_profile(case.child)
    with_need = {r.domain for r in ratings if r.level}
    domains = [d for d in definition.domains if d.code in with_need] or list(definition.domains)
    form = ContributionForm(
        request.POST if request.method == "POST" else None,
        role=role,
        domains=domains,
        level_names=definition.level_names,
    )
    label = ContributorRole(role).label

    def save(data):
        services.contribution_enter(
            case,
            role=role,
            answers=form.answers(),
            text=data["text"],
            contributor_name=data["contributor_name"],
            service=data.get("service", ""),
            by=request.user,
        )
        return f"The view of the {label.lower()} has been recorded"

    return _case_form(
        request,
        case,
        form,
        "panels/contribution_form.html",
        heading=f"Enter the view of the {label.lower()}",
        button="Record the view",
        save=save,
        role_label=label,
    )


@require_http_methods(["GET", "POST"])
@requires("invitation.manage")
def invitation_create(request, pk):
    case = _case(request, pk)
    form = InvitationForm(
        request.POST if request.method == "POST" else None,
        initial={"role": request.GET.get("role", "")},
    )

    def save(data):
        invitation = services.invitation_send(
            case,
            role=data["role"],
            service=data.get("service", ""),
            recipient_name=data["recipient_name"],
            email=data["email"],
            by=request.user,
        )
        return (
            f"A secure link has been emailed to {invitation.recipient_name}. It works until "
            f"{timezone.localtime(invitation.expires_at):%-d %B %Y}."
        )

    return _case_form(
        request,
        case,
        form,
        "panels/invitation_form.html",
        heading="Invite someone to give their view",
        button="Send the link",
        save=save,
    )


@require_POST
@requires("invitation.manage")
def invitation_revoke(request, pk, invitation_pk):
    case = _case(request, pk)
    invitation = get_or_404(case.invitations, pk=invitation_pk)
    services.invitation_revoke(invitation, by=request.user)
    messages.success(request, f"The link sent to {invitation.recipient_name} no longer works")
    return redirect("case-detail", pk=case.pk)
