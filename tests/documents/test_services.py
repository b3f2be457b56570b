"""Asking for documents and making them: stored once per subject and data, made again when the
data changes, retried a bounded number of times, never half-written, zipped in bulk."""

import io
import zipfile

import pytest

from assessments import services as assessment_services
from tests.factories import ChildFactory, complete_assessment
from valuing_send.documents import rendering, services
from valuing_send.documents.models import MAX_ATTEMPTS, Document, DocumentKind, DocumentStatus

from .conftest import pdf_text, stored_pdf


@pytest.fixture
def ask(authority_a, caseworker, django_capture_on_commit_callbacks):
    def ask_for(kind, subject, by=caseworker):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            document = services.document_request(authority_a, kind, subject, by=by)
        document.refresh_from_db()
        document.tasks_queued = len(queued)
        return document

    return ask_for


@pytest.fixture
def renders(monkeypatch):
    """Counts real renders (WeasyPrint still runs)."""
    calls = []
    real = rendering.html_to_pdf

    def counted(html, **kwargs):
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(rendering, "html_to_pdf", counted)
    return calls


def _moves(document):
    return [(c.from_status, c.to_status) for c in document.status_changes.all()]


def test_unchanged_data_is_served_from_storage_and_changed_data_made_again(
    ask, renders, assessment, caseworker, panel_member
):
    first = ask(DocumentKind.PROFILE, assessment)
    assert first.status == DocumentStatus.READY and first.tasks_queued == 1
    assert first.html == ""  # the source is not kept once the PDF is stored
    assert services.storage().exists(first.file_name)

    again = ask(DocumentKind.PROFILE, assessment, by=panel_member)
    assert again.pk == first.pk and again.tasks_queued == 0 and len(renders) == 1

    recommendation = assessment.recommendations.current().get()
    assessment_services.override_record(
        recommendation,
        by=caseworker,
        tier="specialist",
        band=None,
        reason="Panel agreed a specialist place",
        provision="",
    )
    changed = ask(DocumentKind.PROFILE, assessment)
    assert changed.pk != first.pk and changed.data_hash != first.data_hash
    assert changed.status == DocumentStatus.READY and len(renders) == 2
    assert "Panel agreed a specialist place" in pdf_text(stored_pdf(changed))
    assert services.is_current(changed, assessment) and not services.is_current(first, assessment)
    assert Document.objects.count() == 2  # the earlier one is kept, and still downloadable
    assert _moves(changed) == [("", "queued"), ("queued", "rendering"), ("rendering", "ready")]
    assert {c.by for c in changed.status_changes.all()} == {caseworker}


def test_a_failing_render_is_retried_then_shown_as_failed_with_nothing_stored(
    ask, assessment, caseworker, monkeypatch, documents_folder, django_capture_on_commit_callbacks
):
    attempts = []

    def broken(html, **kwargs):
        attempts.append(1)
        raise RuntimeError("forced failure")

    monkeypatch.setattr(rendering, "html_to_pdf", broken)
    document = ask(DocumentKind.PROFILE, assessment)
    assert len(attempts) == MAX_ATTEMPTS == 3
    assert document.status == DocumentStatus.FAILED
    assert document.attempts == 3
    assert document.error == "RuntimeError: forced failure"
    assert document.file_name == "" and document.html  # kept for the next try
    assert not list(documents_folder.rglob("*.pdf"))
    assert _moves(document) == [
        ("", "queued"),
        ("queued", "rendering"),
        ("rendering", "queued"),
        ("queued", "rendering"),
        ("rendering", "queued"),
        ("queued", "rendering"),
        ("rendering", "failed"),
    ]
    assert document.status_changes.last().reason == "Stopped after 3 attempts"

    # Asking again while it is failed does not start it again by itself...
    assert ask(DocumentKind.PROFILE, assessment).tasks_queued == 0
    # ...a person does, and with WeasyPrint working again it is made.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(document, by=caseworker)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.attempts == 1
    assert document.error == ""
    assert ("failed", "queued") in _moves(document)


def test_a_worker_that_died_mid_render_starts_again_and_counts_the_attempt(
    ask, assessment, monkeypatch
):
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)  # nothing runs yet
    document = ask(DocumentKind.PROFILE, assessment)
    assert document.status == DocumentStatus.QUEUED
    services._start_attempt(document)  # the worker started, then died before finishing

    document = services.document_render(document.pk)  # the task, delivered again
    assert document.status == DocumentStatus.READY and document.attempts == 2
    assert ("rendering", "rendering") in _moves(document)


def test_a_document_whose_workers_kept_dying_fails_rather_than_loop(ask, assessment, monkeypatch):
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
    document = ask(DocumentKind.PROFILE, assessment)
    for _ in range(MAX_ATTEMPTS):
        document = services._start_attempt(document)
    document = services.document_render(document.pk)
    assert document.status == DocumentStatus.FAILED
    assert document.error == "The worker stopped while making this document"


def test_a_finished_document_is_left_alone_by_a_repeated_task(ask, renders, assessment):
    document = ask(DocumentKind.PROFILE, assessment)
    services.document_render(document.pk)
    services.document_render(document.pk)
    assert len(renders) == 1
    assert len(_moves(Document.objects.get(pk=document.pk))) == 3


def test_a_schools_profiles_come_as_one_zip_reusing_pdfs_already_made(
    ask,
    renders,
    assessment,
    authority_a,
    oakfield,
    caseworker,
    manager,
    django_capture_on_commit_callbacks,
):
    ask(DocumentKind.PROFILE, assessment)  # Amy's profile was made before
    ben = ChildFactory(authority=authority_a, first_name="Ben", last_name="Adams")
    ben.current_setting = oakfield
    ben.save()
    bens = complete_assessment(ben, caseworker, {"hearing": 3})
    elsewhere = ChildFactory(authority=authority_a, first_name="Cal", last_name="Elsewhere")
    complete_assessment(elsewhere, caseworker)

    with django_capture_on_commit_callbacks(execute=True):
        bundle = services.bundle_request(
            authority_a, DocumentKind.SCHOOL_PROFILES, oakfield, by=manager
        )
    bundle.refresh_from_db()
    assert bundle.status == DocumentStatus.READY, bundle.error
    assert (bundle.total, bundle.processed, bundle.percent) == (2, 2, 100)
    assert bundle.content_type == "application/zip"
    assert bundle.filename == f"needs-profiles-setting-{oakfield.pk}.zip"
    with services.storage().open(bundle.file_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert sorted(archive.namelist()) == [
        f"adams-ben-needs-profile-{bens.pk}.pdf",
        f"jones-amy-needs-profile-{assessment.pk}.pdf",
    ]
    assert "Needs profile: Ben Adams" in pdf_text(
        archive.read(f"adams-ben-needs-profile-{bens.pk}.pdf")
    )
    assert len(renders) == 2  # Amy's once before, Ben's for the zip; nobody else's
    bens_pdf = Document.objects.get(kind=DocumentKind.PROFILE, subject_id=bens.pk)
    assert bens_pdf.is_ready  # and it can be downloaded alone too
