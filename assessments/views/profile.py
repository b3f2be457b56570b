"""The needs assessment journey: start, one question page per area, check answers, complete,
and the profile summary. Every page is an ordinary form with post/redirect/get; with
JavaScript, htmx saves each domain as it changes and keeps the place."""

import re
import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valuing_send.audit import audit_read
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.forms import form_data
from valuing_send.core.locking import ConflictError, differences

from .. import presenters, services
from ..forms import AssessmentRequestForm, CompleteForm, DomainRatingForm
from ..framework import phase_for_age

ABOUT_STEP = "about"
PAGE_LOAD_TOKEN = re.compile(r"[0-9a-f]{32}")
CHECK_STEP = "check"


def _assessment(request, pk):
    return get_or_404(
        request.authority.assessments.select_related(
            "child", "framework", "setting", "created_by", "completed_by"
        ).defer("framework__content"),  # the definition is cached per process by checksum
        pk=pk,
    )


def _steps(definition, child_age):
    """The journey's pages in order: what is asked for, then one page per area that applies."""
    areas = [
        area for area in definition.areas if any(d.applies_at(child_age) for d in area.domains)
    ]
    return [ABOUT_STEP, *(area.code for area in areas)]


def _next_step(assessment, step) -> str:
    steps = _steps(assessment.framework.definition, assessment.child.age)
    index = steps.index(step)
    return steps[index + 1] if index + 1 < len(steps) else CHECK_STEP


def _step_url(assessment, step) -> str:
    if step == CHECK_STEP:
        return reverse("assessment-check", args=[assessment.pk])
    if step == ABOUT_STEP:
        return reverse("assessment-about", args=[assessment.pk])
    return reverse("assessment-area", args=[assessment.pk, step])


@require_POST
@requires("assessment.edit")
def assessment_start(request, child_pk):
    child = get_or_404(request.authority.children.select_related("current_setting"), pk=child_pk)
    assessment, created = services.assessment_start(child, by=request.user)
    if created:
        messages.success(
            request,
            "A new needs assessment has been started"
            + (" from the latest one" if assessment.copied_from_id else ""),
        )
    return redirect("assessment-continue", pk=assessment.pk)


@require_GET
@requires("assessment.view")
def assessment_continue(request, pk):
    """Back to where the user left off."""
    assessment = _assessment(request, pk)
    if not assessment.is_draft:
        return redirect("assessment-summary", pk=assessment.pk)
    if assessment.last_area == CHECK_STEP:
        return redirect("assessment-check", pk=assessment.pk)
    steps = _steps(assessment.framework.definition, assessment.child.age)
    if assessment.last_area in steps and assessment.last_area != ABOUT_STEP:
        return redirect("assessment-area", pk=assessment.pk, area=assessment.last_area)
    return redirect("assessment-about", pk=assessment.pk)


def _not_editable(request, assessment):
    messages.error(
        request,
        "This assessment is complete and cannot be changed. Start a new assessment to record changes",
    )
    return redirect("assessment-summary", pk=assessment.pk)


@require_http_methods(["GET", "POST"])
@requires("assessment.edit")
def assessment_about(request, pk):
    assessment = _assessment(request, pk)
    if not assessment.is_draft:
        return _not_editable(request, assessment)
    form = AssessmentRequestForm(
        form_data(request), initial={"request": assessment.request, "seen": assessment.request}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        next_step = _next_step(assessment, ABOUT_STEP)
        chosen = form.cleaned_data["request"]
        try:
            services.assessment_set_request(
                assessment,
                chosen,
                seen=form.cleaned_data["seen"],
                by=request.user,
                resume_at=next_step,
            )
        except ConflictError as error:
            labels = dict(form.fields["request"].choices)
            conflict = differences(
                [("What is being asked for", error.current.request, chosen, labels.get)]
            )
            form = AssessmentRequestForm(data={"request": chosen, "seen": error.current.request})
            form.is_valid()
            form.add_error(
                "request",
                "Someone else changed what is being asked for while you were on this page",
            )
        else:
            return redirect(_step_url(assessment, next_step))
    return render(
        request,
        "assessments/assessment_about.html",
        {"assessment": assessment, "child": assessment.child, "form": form, "conflict": conflict},
        status=409 if conflict else 400 if form.errors else 200,
    )


def _domain_forms(assessment, area, ratings, data=None):
    child = assessment.child
    phase = phase_for_age(child.age)
    setting_name = assessment.setting.name if assessment.setting else None
    forms = []
    for domain in area.domains:
        rating = ratings.get(domain.code)
        if rating is None:
            continue
        initial = {**rating.values(), "version": rating.version}
        forms.append(
            DomainRatingForm(
                data, domain=domain, phase=phase, setting_name=setting_name, initial=initial
            )
        )
    return forms


def _page_load_token() -> str:
    """A new token for each rendering of a question page (see ``assessment_save_ratings``)."""
    return secrets.token_hex(16)


def _posted_page_load(request) -> str:
    token = request.POST.get("page_load", "")
    return token if PAGE_LOAD_TOKEN.fullmatch(token) else ""


def _area_context(assessment, area, forms, *, conflicts=None, saved=False):
    steps = _steps(assessment.framework.definition, assessment.child.age)
    areas = [a for a in assessment.framework.definition.areas if a.code in steps]
    position = steps.index(area.code)
    return {
        "assessment": assessment,
        "child": assessment.child,
        "area": area,
        "forms": forms,
        "areas": areas,
        "step_number": position,
        "step_count": len(steps) - 1,
        "previous_url": reverse("assessment-about", args=[assessment.pk])
        if position == 1
        else reverse("assessment-area", args=[assessment.pk, steps[position - 1]]),
        "conflicts": conflicts or {},
        "saved": saved,
        "page_load": _page_load_token(),
    }


@require_http_methods(["GET", "POST"])
@requires("assessment.edit")
def assessment_area(request, pk, area):
    assessment = _assessment(request, pk)
    if not assessment.is_draft:
        return _not_editable(request, assessment)
    try:
        area_definition = assessment.framework.definition.area(area)
    except KeyError:
        return render(request, "errors/404.html", status=404)
    ratings = {r.domain: r for r in assessment.ratings.select_related("updated_by")}
    if request.method == "GET":
        audit_read(request, assessment, description=f"Viewed needs profile answers ({area})")
        forms = _domain_forms(assessment, area_definition, ratings)
        return render(
            request,
            "assessments/assessment_area.html",
            _area_context(assessment, area_definition, forms),
        )

    autosave = request.POST.get("autosave")
    forms = _domain_forms(assessment, area_definition, ratings, data=request.POST)
    if autosave:
        forms = [form for form in forms if form.domain.code == autosave]
        if not forms:
            return render(
                request,
                "assessments/_autosave_status.html",
                {"problem": "That domain is not on this page"},
                status=400,
            )
    if not all(form.is_valid() for form in forms):
        if autosave:
            return render(
                request,
                "assessments/_autosave_status.html",
                {"form": forms[0], "problem": "Not saved: check the answers for errors"},
                status=400,
            )
        return render(
            request,
            "assessments/assessment_area.html",
            _area_context(assessment, area_definition, forms),
            status=400,
        )
    submitted = {form.domain.code: (form.values(), form.cleaned_data["version"]) for form in forms}
    leaving = not autosave and "later" not in request.POST
    resume_at = _next_step(assessment, area) if leaving else area
    try:
        services.assessment_save_ratings(
            assessment,
            submitted,
            by=request.user,
            resume_at=resume_at,
            page_load=_posted_page_load(request),
        )
    except services.RatingsConflict as error:
        conflicts = {c.domain: c for c in error.conflicts}
        if autosave:
            return render(
                request,
                "assessments/_autosave_status.html",
                {"conflict": conflicts[autosave], "assessment": assessment, "area": area},
                status=409,
            )
        # Keep this user's answers on screen, with the versions now saved, so saving again
        # (after reading the other person's answers) is a deliberate choice.
        data = request.POST.copy()
        for domain, conflict in conflicts.items():
            data[f"{domain}-version"] = str(conflict.current_version)
        forms = _domain_forms(assessment, area_definition, ratings, data=data)
        for form in forms:
            form.is_valid()
        context = _area_context(
            assessment, area_definition, forms, conflicts=_conflict_rows(assessment, conflicts)
        )
        return render(request, "assessments/assessment_area.html", context, status=409)
    except services.AssessmentNotEditable:
        return _not_editable(request, assessment)

    if autosave:
        rating = assessment.ratings.get(domain=autosave)
        return render(
            request,
            "assessments/_autosave_status.html",
            {"rating": rating, "saved_at": timezone.localtime()},
        )
    if "later" in request.POST:
        messages.success(
            request, "Your answers have been saved. You can continue the assessment at any time"
        )
        return redirect("child-detail", pk=assessment.child_id)
    return redirect(_step_url(assessment, resume_at))


def _conflict_rows(assessment, conflicts):
    definition = assessment.framework.definition
    labels = {
        "level": (
            "Level of need",
            lambda v: f"{v} – {definition.level_names[v]}" if v is not None else "Not answered",
        ),
        "evidence": ("Evidence", lambda v: v or "None"),
        "source": (
            "Where the evidence came from",
            lambda v: presenters.SOURCE_LABELS.get(v, "Not answered"),
        ),
        "setting_ability": ("Setting", lambda v: presenters.CAPACITY_LABELS.get(v, "Not answered")),
        "family_capacity": ("Family", lambda v: presenters.CAPACITY_LABELS.get(v, "Not answered")),
    }
    return {
        domain: {
            "conflict": conflict,
            "differences": differences(
                (label, conflict.theirs[name], conflict.yours[name], show)
                for name, (label, show) in labels.items()
            ),
            "name": definition.domain(domain).name,
        }
        for domain, conflict in conflicts.items()
    }


@require_GET
@requires("assessment.view")
def assessment_check(request, pk):
    assessment = _assessment(request, pk)
    if not assessment.is_draft:
        return redirect("assessment-summary", pk=assessment.pk)
    audit_read(request, assessment, description="Checked the answers of a needs profile")
    return _render_check(request, assessment)


def _render_check(request, assessment, *, problems=None, status=200, conflict=False):
    ratings = list(assessment.ratings.all())
    definition = assessment.framework.definition
    rows = presenters.profile_rows(definition, ratings, None, None)
    problems = problems if problems is not None else []
    return render(
        request,
        "assessments/assessment_check.html",
        {
            "assessment": assessment,
            "child": assessment.child,
            "areas": [
                {
                    "area": area,
                    "rows": [row for row in rows if row.code in {d.code for d in area.domains}],
                }
                for area in definition.areas
            ],
            "problems": problems,
            "complete_form": CompleteForm(initial={"version": assessment.version}),
            "conflict": conflict,
        },
        status=status,
    )


@require_POST
@requires("assessment.edit")
def assessment_complete(request, pk):
    assessment = _assessment(request, pk)
    if not assessment.is_draft:
        return _not_editable(request, assessment)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _render_check(request, assessment, status=400, conflict=True)
    try:
        services.assessment_complete(
            assessment, expected_version=form.cleaned_data["version"], by=request.user
        )
    except ConflictError as error:
        return _render_check(request, error.current, status=409, conflict=True)
    except services.AssessmentIncomplete as error:
        problems = [
            {"message": message, "url": _answer_url(assessment, domain, field)}
            for domain, field, message in error.problems
        ]
        return _render_check(request, assessment, problems=problems, status=400)
    messages.success(request, "The needs assessment is complete")
    return redirect("assessment-summary", pk=assessment.pk)


def _answer_url(assessment, domain, field):
    """The question to fix: its first input (radios are numbered from _0)."""
    area = assessment.framework.definition.domain(domain).area_code
    anchor = f"id_{domain}-{field}" + ("" if field == "evidence" else "_0")
    return reverse("assessment-area", args=[assessment.pk, area]) + f"#{anchor}"


@require_GET
@requires("assessment.view")
def assessment_summary(request, pk):
    assessment = _assessment(request, pk)
    audit_read(request, assessment, description="Viewed a needs profile and its recommendation")
    history = list(
        assessment.child.assessments.select_related("created_by", "completed_by").defer(
            "framework__content"
        )
    )
    context = {"assessment": assessment, "child": assessment.child, "history": history}
    context.update(presenters.profile_context(request.authority, assessment, history=history))
    context.update(presenters.recommendation_context(request.authority, assessment))
    context["status_changes"] = list(assessment.status_changes.select_related("by"))
    return render(request, "assessments/assessment_summary.html", context)
