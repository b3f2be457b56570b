"""The admins' audit pages: search the log by child and by person, and export everything held
about one child for a subject access request. Both are recorded in the log themselves."""

import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.forms import form_data

from . import context, queries, recorder, subject_access
from .forms import AuditSearchForm, ExportForm
from .models import Action

PAGE_SIZE = 50


def _people(authority):
    members = authority.memberships.select_related("user").order_by("user__full_name")
    return [(m.user_id, f"{m.user.full_name} ({m.user.email})") for m in members]


@require_GET
@requires("audit.view")
def audit_search(request):
    authority = request.authority
    form = AuditSearchForm(request.GET or None, people=_people(authority))
    chosen = form.chosen()
    child = matches = None
    if "child" in chosen:
        child = get_or_404(authority.children, pk=chosen["child"])
    elif chosen.get("q"):
        matches = list(authority.children.search(chosen["q"]).order_by("last_name")[:25])
    page = None
    if child is not None or "user" in chosen or "action" in chosen:
        events = queries.events_for(
            authority,
            child_id=child.pk if child else None,
            user_id=chosen.get("user"),
            action=chosen.get("action"),
        )
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        recorder.record(
            Action.SEARCH,
            object_type="audit.auditevent",
            authority_id=authority.pk,
            child_id=child.pk if child else None,
            description="Searched the audit log",
            fields=sorted(set(chosen) - {"q"}),
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "child": child,
            "matches": matches,
            "page": page,
            "query": query.urlencode(),
            "people": dict(_people(authority)),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("audit.export")
def subject_access_export(request, pk):
    child = get_or_404(
        request.authority.children.select_related("current_setting", "caseworker", "authority"),
        pk=pk,
    )
    form = ExportForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        with context.because(form.cleaned_data["reason"]):
            recorder.record(
                Action.EXPORT,
                object_type="assessments.child",
                object_id=child.pk,
                child_id=child.pk,
                authority_id=child.authority_id,
                description="Exported everything held about the child (subject access)"
                + (" as a PDF" if form.wants_pdf() else ""),
            )
        if form.wants_pdf():
            return redirect("document-detail", pk=_subject_access_pdf(request, child, form).pk)
        body = json.dumps(subject_access.export(child, by=request.user), indent=2, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        # The file name carries the record number only: no name in a download's name either.
        response["Content-Disposition"] = (
            f'attachment; filename="child-{child.pk}-subject-access.json"'
        )
        return response
    return render(
        request,
        "audit/export.html",
        {"form": form, "child": child},
        status=400 if form.errors else 200,
    )


def _subject_access_pdf(request, child, form):
    """The same content as a PDF, made by a worker through the one rendering service; its page
    follows the worker and offers the download (admins only: the kind needs audit.export)."""
    from valuing_send.documents import services as documents

    return documents.document_request(
        request.authority,
        "subject_access",
        child,
        by=request.user,
        reason=f"Subject access: {form.cleaned_data['reason']}",
    )
