"""Asking for documents and making them.

- ``document_request`` (request path, no WeasyPrint): builds the HTML from the presenters,
  hashes it, and finds the stored document for that subject and hash or queues a new one.
- ``document_render`` (worker): HTML → PDF → private storage, then ready. Idempotent: a ready
  or failed document is left alone. A failed attempt is tried again up to ``MAX_ATTEMPTS``
  times in all (a worker that dies mid-render counts too), then the document fails with a
  clear message and a person can ask to try again.
- ``bundle_request`` / ``bundle_build``: every needs profile of a school as one zip, built by
  the worker with its progress kept on the row; each PDF in it is an ordinary stored document,
  so one made before is reused and one made for the zip can be downloaded alone.
"""

import datetime
import logging
import tempfile
import zipfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from valuing_send.celery import enqueue_on_commit
from valuing_send.core.workflow import TransitionRefused, record_start, transition

from .kinds import KINDS, Source
from .models import MAX_ATTEMPTS, Document, DocumentKind, DocumentStatus
from .stylesheet import data_hash

logger = logging.getLogger(__name__)

RENDER_TASK = "valuing_send.documents.tasks.render_document"
BUNDLE_TASK = "valuing_send.documents.tasks.build_bundle"
# A queued or running document older than this is queued again when asked for: its task was
# lost (the broker restarted) or its worker died without the task being delivered again.
STALE_AFTER = datetime.timedelta(minutes=10)


class RetryLater(Exception):
    """An attempt failed and another one is allowed: the task queues it after a pause."""

    def __init__(self, attempt: int):
        super().__init__(f"attempt {attempt} failed")
        self.attempt = attempt


def storage():
    return storages["documents"]


def _new_document(
    authority, kind: str, subject_id: int, source: Source, digest: str, *, by, reason: str = ""
):
    """The stored document for this subject and data, or a new queued one (and whether new)."""
    document, created = Document.objects.get_or_create(
        authority=authority,
        kind=kind,
        subject_id=subject_id,
        data_hash=digest,
        defaults={
            "title": source.title[:300],
            "filename": source.filename,
            "html": source.html,
            "requested_by": by,
        },
    )
    if created:
        record_start(document, by=by, reason=reason)
    return document, created


def document_request(authority, kind: str, subject, *, by, reason: str = "") -> Document:
    """The document of ``kind`` about ``subject`` as its data is now: stored already, being
    made, or queued for a worker (after this transaction commits)."""
    source = KINDS[kind].build(authority, subject)
    digest = data_hash(source.html)
    with transaction.atomic():
        document, created = _new_document(
            authority, kind, subject.pk, source, digest, by=by, reason=reason
        )
        if created or _stale(document):
            enqueue_on_commit(RENDER_TASK, document.pk)
    return document


def _stale(document: Document) -> bool:
    return (
        not document.is_finished
        and (document.started_at or document.requested_at) < timezone.now() - STALE_AFTER
    )


def letter_for_family(letter) -> Document:
    """A decision letter's PDF asked for through the parent's secure link. Nobody is signed in,
    so the status rows name the member of staff who recorded the decision (the letter's
    author) with the reason saying who asked."""
    return document_request(
        letter.authority,
        DocumentKind.LETTER,
        letter,
        by=letter.created_by,
        reason="Asked for through the parent's secure link",
    )


def is_current(document: Document, subject) -> bool:
    """Whether the subject's data is still what the document was made from."""
    if document.is_bundle:
        return False
    source = KINDS[document.kind].build(document.authority, subject)
    return data_hash(source.html) == document.data_hash


@transaction.atomic
def document_retry(document: Document, *, by) -> Document:
    """Queue a failed document again, with a fresh count of attempts."""
    transition(
        document,
        DocumentStatus.QUEUED,
        by=by,
        reason="Asked to try again",
        attempts=0,
        error="",
        processed=0,
        finished_at=None,
    )
    enqueue_on_commit(BUNDLE_TASK if document.is_bundle else RENDER_TASK, document.pk)
    return document


def _start_attempt(document: Document) -> Document:
    """Count an attempt and move to rendering; the caller checks the limit first."""
    if document.status == DocumentStatus.RENDERING:
        reason = "Started again: the worker stopped during the previous attempt"
    else:
        reason = "Started" if document.attempts == 0 else f"Attempt {document.attempts + 1}"
    return transition(
        document,
        DocumentStatus.RENDERING,
        by=document.requested_by,
        reason=reason,
        attempts=document.attempts + 1,
        started_at=timezone.now(),
    )


def _attempt_failed(document: Document, error: BaseException) -> None:
    """Record a failed attempt: queued again while attempts remain (raises ``RetryLater``),
    otherwise failed for good with the error shown on its page."""
    message = f"{error.__class__.__name__}: {error}"[:2000]
    logger.warning("Document %s attempt %s failed: %s", document.pk, document.attempts, message)
    if document.attempts < MAX_ATTEMPTS:
        transition(
            document,
            DocumentStatus.QUEUED,
            by=document.requested_by,
            reason=f"Attempt {document.attempts} of {MAX_ATTEMPTS} failed; trying again",
            error=message,
        )
        raise RetryLater(document.attempts) from error
    transition(
        document,
        DocumentStatus.FAILED,
        by=document.requested_by,
        reason=f"Stopped after {MAX_ATTEMPTS} attempts",
        error=message,
        finished_at=timezone.now(),
    )


def _give_up(document: Document) -> Document:
    """The limit was reached by attempts that never reported back (the worker died)."""
    return transition(
        document,
        DocumentStatus.FAILED,
        by=document.requested_by,
        reason=f"Stopped after {MAX_ATTEMPTS} attempts",
        error=document.error or "The worker stopped while making this document",
        finished_at=timezone.now(),
    )


def _file_name(document: Document, extension: str) -> str:
    """A new name for each attempt, so a late or interrupted attempt never touches the file of
    a document that is ready (storage adds a suffix rather than overwrite)."""
    key = document.data_hash[:16] or f"{document.pk}"
    return (
        f"{document.authority_id}/{document.kind}/{document.subject_id}/"
        f"{key}-{document.attempts}.{extension}"
    )


def _finish(document: Document, content, extension: str, *, by, **fields) -> Document:
    """Store the whole file, then (only then) make the document ready, pointing at it."""
    files = storage()
    name = files.save(_file_name(document, extension), content)
    try:
        document = transition(
            document,
            DocumentStatus.READY,
            by=by,
            file_name=name,
            html="",
            error="",
            finished_at=timezone.now(),
            **fields,
        )
    except TransitionRefused:  # another worker made it first: keep theirs
        files.delete(name)
        document.refresh_from_db()
        return document
    for attempt in range(1, document.attempts):  # what interrupted attempts left behind
        earlier = _file_name(Document(**{**_identity(document), "attempts": attempt}), extension)
        if earlier != name and files.exists(earlier):
            files.delete(earlier)
    return document


def _identity(document: Document) -> dict:
    return {
        "pk": document.pk,
        "authority_id": document.authority_id,
        "kind": document.kind,
        "subject_id": document.subject_id,
        "data_hash": document.data_hash,
    }


def _render(document: Document):
    from . import rendering  # WeasyPrint: imported in workers only

    return rendering.html_to_pdf(document.html)


def document_render(document_id: int) -> Document:
    """Make the document's PDF (the Celery task calls this). Raises ``RetryLater`` when an
    attempt failed and another is allowed."""
    document = Document.objects.select_related("requested_by").get(pk=document_id)
    if document.is_finished:
        return document
    if document.attempts >= MAX_ATTEMPTS:
        return _give_up(document)
    document = _start_attempt(document)
    try:
        rendered = _render(document)
    except Exception as error:
        _attempt_failed(document, error)
        return document
    return _finish(
        document,
        ContentFile(rendered.pdf),
        "pdf",
        by=document.requested_by,
        size=len(rendered.pdf),
        pages=rendered.pages,
        render_ms=rendered.ms,
    )


# Zips -------------------------------------------------------------------------------------


@transaction.atomic
def bundle_request(authority, kind: str, subject, *, by) -> Document:
    """Queue a zip of every document of ``kind``'s members (e.g. each profile of a school)."""
    spec = KINDS[kind]
    document = Document.objects.create(
        authority=authority,
        kind=kind,
        subject_id=subject.pk,
        title=spec.bundle_title(subject)[:300],
        filename=spec.bundle_filename(subject),
        content_type="application/zip",
        total=spec.members(authority, subject).count(),
        requested_by=by,
    )
    record_start(document, by=by)
    enqueue_on_commit(BUNDLE_TASK, document.pk)
    return document


def _member_pdf(authority, member_kind: str, member, *, by) -> Document:
    """The member's PDF as its data is now, made here in this worker if it is not stored."""
    source = KINDS[member_kind].build(authority, member)
    document, _ = _new_document(
        authority, member_kind, member.pk, source, data_hash(source.html), by=by
    )
    if not document.is_ready:
        if document.status == DocumentStatus.FAILED:
            document = transition(
                document, DocumentStatus.QUEUED, by=by, reason="Asked for in a zip", attempts=0
            )
        document = _start_attempt(document)
        try:
            rendered = _render(document)
        except Exception as error:
            transition(
                document,
                DocumentStatus.FAILED,
                by=by,
                reason="Failed while making a zip",
                error=f"{error.__class__.__name__}: {error}"[:2000],
                finished_at=timezone.now(),
            )
            raise
        document = _finish(
            document,
            ContentFile(rendered.pdf),
            "pdf",
            by=by,
            size=len(rendered.pdf),
            pages=rendered.pages,
            render_ms=rendered.ms,
        )
    return document


def bundle_build(document_id: int) -> Document:
    """Build the zip (the Celery task calls this); progress is kept on the row as it goes."""
    document = Document.objects.select_related("authority", "requested_by").get(pk=document_id)
    if document.is_finished:
        return document
    if document.attempts >= MAX_ATTEMPTS:
        return _give_up(document)
    document = _start_attempt(document)
    spec = KINDS[document.kind]
    authority = document.authority
    try:
        subject = spec.subjects(authority).get(pk=document.subject_id)
        members = list(spec.members(authority, subject))
        Document.objects.filter(pk=document.pk).update(total=len(members), processed=0)
        files = storage()
        with tempfile.TemporaryFile() as buffer:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
                for done, member in enumerate(members, start=1):
                    pdf = _member_pdf(authority, spec.member_kind, member, by=document.requested_by)
                    with files.open(pdf.file_name, "rb") as handle:
                        archive.writestr(spec.entry_name(member), handle.read())
                    Document.objects.filter(pk=document.pk).update(processed=done)
            size = buffer.tell()
            buffer.seek(0)
            return _finish(
                document,
                File(buffer),
                "zip",
                by=document.requested_by,
                size=size,
                total=len(members),
                processed=len(members),
            )
    except Exception as error:
        document.refresh_from_db()
        _attempt_failed(document, error)
        return document
