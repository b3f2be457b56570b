"""The journey of someone with a secure link and no account: a parent or carer, the child or
young person (easy read), the setting or a professional gives their view, page by page, with
their answers kept on the invitation as they go, checks them and sends them once. A parent's
link also shows what happens next and by when, and the letter once the panel has decided."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from valuing_send.audit import audit_read
from valuing_send.core.workflow import TransitionRefused

from .. import queries, services
from ..codes import ContributorRole
from ..contributions import QUESTIONS
from ..forms import AboutForm, NeedViewForm
from ..invitations import invitation_page, problem


def _domains(invitation):
    """The needs asked about: those the latest profile found (every domain without one)."""
    _, ratings, definition = queries.latest_profile(invitation.case.child)
    levels = {r.domain: r.level for r in ratings}
    domains = [d for d in definition.domains if levels.get(d.code)] or list(definition.domains)
    return domains, levels, definition


def _url(invitation, name, *args):
    return reverse(name, args=[invitation.token(), *args])


def _base(invitation, **extra):
    return {
        "invitation": invitation,
        "case": invitation.case,
        "child": invitation.case.child,
        "easy_read": invitation.role == ContributorRole.CHILD,
        "start_url": _url(invitation, "journey-start"),
        **extra,
    }


@require_GET
@invitation_page(after_submission="parent")
def journey_start(request, invitation):
    case = invitation.case
    domains, levels, _ = _domains(invitation)
    context = _base(invitation, first_url=_url(invitation, "journey-need", 1))
    audit_read(request, case, description="Opened a link to give views on a panel case")
    if invitation.role == ContributorRole.PARENT:
        assessment, _, _ = queries.latest_profile(case.child)
        context.update(queries.profile_and_recommendation(invitation.authority, assessment))
        detail = queries.case_detail(case)
        running, _ = queries.next_steps(detail["deadlines"], timezone.localdate())
        context.update({"running": running, "letters": detail["letters"]})
        # A parent's link shows the needs profile and the letters sent: reads by the invitation.
        if assessment is not None:
            audit_read(request, assessment, description="A parent viewed the needs profile")
        for letter in detail["letters"]:
            audit_read(request, letter, description="A parent viewed a letter")
    return render(request, "panels/journey/start.html", context)


@require_http_methods(["GET", "POST"])
@invitation_page()
def journey_need(request, invitation, number):
    domains, levels, _ = _domains(invitation)
    if not 1 <= number <= len(domains):
        return problem(request, "unknown", invitation)
    domain = domains[number - 1]
    saved = (invitation.draft_answers or {}).get("domains", {}).get(domain.code, {})
    form = NeedViewForm(
        request.POST if request.method == "POST" else None,
        domain=domain,
        easy_read=invitation.role == ContributorRole.CHILD,
        initial={"level": saved.get("level"), "why": saved.get("why", "")},
    )
    if request.method == "POST" and form.is_valid():
        services.invitation_save_draft(
            invitation,
            {
                "domains": {
                    domain.code: {
                        "level": form.cleaned_data["level"],
                        "why": form.cleaned_data["why"],
                    }
                }
            },
        )
        if number < len(domains):
            return redirect(_url(invitation, "journey-need", number + 1))
        return redirect(_url(invitation, "journey-about"))
    back = (
        _url(invitation, "journey-need", number - 1)
        if number > 1
        else _url(invitation, "journey-start")
    )
    return render(
        request,
        "panels/journey/need.html",
        _base(
            invitation,
            form=form,
            domain=domain,
            number=number,
            count=len(domains),
            profile_level=levels.get(domain.code),
            back=back,
        ),
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@invitation_page()
def journey_about(request, invitation):
    draft = invitation.draft_answers or {}
    keys = [key for key, _, _ in QUESTIONS[invitation.role]] + ["text"]
    form = AboutForm(
        request.POST if request.method == "POST" else None,
        role=invitation.role,
        initial={key: draft.get(key, "") for key in keys},
    )
    if request.method == "POST" and form.is_valid():
        services.invitation_save_draft(invitation, {key: form.cleaned_data[key] for key in keys})
        return redirect(_url(invitation, "journey-check"))
    domains, _, _ = _domains(invitation)
    return render(
        request,
        "panels/journey/about.html",
        _base(invitation, form=form, back=_url(invitation, "journey-need", len(domains))),
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@invitation_page()
def journey_check(request, invitation):
    domains, levels, _ = _domains(invitation)
    draft = invitation.draft_answers or {}
    answered = draft.get("domains", {})
    missing = [n for n, d in enumerate(domains, start=1) if d.code not in answered]
    refusal = None
    if request.method == "POST":
        if missing:
            return redirect(_url(invitation, "journey-need", missing[0]))
        try:
            services.invitation_submit(invitation)
        except TransitionRefused as error:
            refusal = error.message
        else:
            return redirect(_url(invitation, "journey-done"))
    rows = [
        {
            "domain": domain,
            "number": n,
            "answer": answered.get(domain.code),
            "url": _url(invitation, "journey-need", n),
        }
        for n, domain in enumerate(domains, start=1)
    ]
    questions = [
        {"label": label, "value": draft.get(key, ""), "url": _url(invitation, "journey-about")}
        for key, label, _ in QUESTIONS[invitation.role]
    ]
    return render(
        request,
        "panels/journey/check.html",
        _base(
            invitation,
            rows=rows,
            questions=questions,
            text=draft.get("text", ""),
            missing=missing,
            refusal=refusal,
            about_url=_url(invitation, "journey-about"),
        ),
        status=409 if refusal else 200,
    )


@require_GET
@invitation_page(after_submission="all")
def journey_done(request, invitation):
    if invitation.submitted_at is None:
        return redirect(_url(invitation, "journey-check"))
    return render(request, "panels/journey/done.html", _base(invitation))
