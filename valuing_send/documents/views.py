"""Asking for a document, following it while a worker makes it, and downloading it.

Every view reaches documents and their subjects through ``request.authority``; reading a
document also needs the permission its kind names (a needs profile: ``assessment.view``; a
zip of a school's profiles: ``document.bulk``). Files are only ever sent by
``document_download``, never from a public address."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from panels.codes import ContributorRole
from panels.invitations import invitation_page, problem
from valuing_send.audit import audit_read
from valuing_send.authorities.permissions import can
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.workflow import TransitionRefused

from . import services
from .kinds import KINDS, Kind
from .models import DocumentStatus


def _kind(request, code: str) -> Kind:
    spec = KINDS.get(code)
    if spec is None:
        raise Http404("No such kind of document")
    if not can(request.membership, spec.view_action):
        raise PermissionDenied("Your role does not allow this document.")
    return spec


def _document(request, pk):
    document = get_or_404(request.authority.documents.select_related("requested_by"), pk=pk)
    _kind(request, document.kind)
    return document


@require_POST
@requires("document.view")
def document_create(request, kind, subject_pk):
    """Ask for a PDF as the subject's data is now: the stored one if nothing has changed."""
    spec = _kind(request, kind)
    if spec.is_bundle:
        raise Http404("Zips are asked for with document-bundle")
    if spec.own_page:
        raise Http404("This kind is asked for on its own page")
    subject = get_or_404(spec.subjects(request.authority), pk=subject_pk)
    document = services.document_request(request.authority, kind, subject, by=request.user)
    return redirect("document-detail", pk=document.pk)


@require_POST
@requires("document.bulk")
def document_bundle(request, kind, subject_pk):
    """Ask for a zip of every PDF of a subject (each needs profile of a school)."""
    spec = _kind(request, kind)
    if not spec.is_bundle:
        raise Http404("Not a kind of zip")
    subject = get_or_404(spec.subjects(request.authority), pk=subject_pk)
    document = services.bundle_request(request.authority, kind, subject, by=request.user)
    return redirect("document-detail", pk=document.pk)


@require_GET
@requires("document.view")
def document_detail(request, pk):
    """The document's status; htmx polls the status part until it is ready or failed."""
    document = _document(request, pk)
    context = {"document": document, "label": KINDS[document.kind].label}
    if request.htmx and request.headers.get("HX-Target") == "document-status":
        return render(request, "documents/document_detail.html#status", context)
    # A kind asked for on its own page (a subject-access export) is a dated snapshot, made
    # again from that page, so it is not compared with the information as it is now.
    if document.is_ready and not document.is_bundle and not KINDS[document.kind].own_page:
        context["current"] = _is_current(request, document)
    context["status_changes"] = list(document.status_changes.select_related("by"))
    return render(request, "documents/document_detail.html", context)


def _is_current(request, document) -> bool | None:
    subject = KINDS[document.kind].subjects(request.authority).filter(pk=document.subject_id)
    subject = subject.first()
    return None if subject is None else services.is_current(document, subject)


@require_POST
@requires("document.view")
def document_retry(request, pk):
    document = _document(request, pk)
    try:
        services.document_retry(document, by=request.user)
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    return redirect("document-detail", pk=document.pk)


@require_GET
@requires("document.view")
def document_download(request, pk):
    """The stored file, as an attachment; only a ready document has one."""
    return _send(request, _document(request, pk))


def _send(request, document, *, subject=None):
    """The stored file, once its reading is in the audit log: a read of each child it shows
    (a needs profile's or a letter's child; every child of a pack or a zip)."""
    if not document.is_ready:
        raise Http404("This document is not ready")
    files = services.storage()
    try:
        handle = files.open(document.file_name, "rb")
    except FileNotFoundError as missing:
        raise Http404("The stored file is missing") from missing
    spec = KINDS[document.kind]
    if subject is None:
        subject = spec.subjects(request.authority).filter(pk=document.subject_id).first()
    description = f"Downloaded a document: {spec.label}"
    children = spec.children_of(request.authority, subject) if subject is not None else []
    for child_id in children or [None]:
        audit_read(request, document, description=description, child_id=child_id)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@invitation_page(after_submission="parent")
def family_letter(request, invitation, pk):
    """A decision letter as a PDF through the parent's secure link: only a letter of the case
    the link was made for (any other is the link's "not found" page), and only on a parent's
    link. The PDF is sent once it is made; until then the page follows the worker (htmx, with
    a plain refresh link); a failed one can be tried again (POST)."""
    if invitation.role != ContributorRole.PARENT:
        return problem(request, "unknown", invitation)
    letter = invitation.case.letters.select_related("authority", "created_by").filter(pk=pk).first()
    if letter is None:
        return problem(request, "unknown", invitation)
    document = services.letter_for_family(letter)
    url = reverse("family-letter", args=[invitation.token(), letter.pk])
    if request.method == "POST":
        if document.status == DocumentStatus.FAILED:
            services.document_retry(document, by=letter.created_by)
        return redirect(url)
    if document.is_ready and not request.htmx:
        return _send(request, document, subject=letter)
    context = {"invitation": invitation, "case": invitation.case, "letter": letter}
    context.update({"document": document, "url": url, "start_url": _start(invitation)})
    if request.htmx and request.headers.get("HX-Target") == "document-status":
        return render(request, "documents/family_letter.html#status", context)
    return render(request, "documents/family_letter.html", context)


def _start(invitation) -> str:
    return reverse("journey-start", args=[invitation.token()])
