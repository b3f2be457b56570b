"""Documents made by a real Celery worker through Redis: a needs profile end to end (asked for
on the page, rendered by WeasyPrint in the worker, downloaded through the authorised view), and
a render that keeps failing, retried by Celery in the worker and then shown as failed."""

import io
import time

import pytest
from django.urls import reverse

from tests.factories import complete_assessment
from valuing_send.celery import enqueue_on_commit
from valuing_send.documents.models import Document, DocumentKind, DocumentStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_documents(settings, tmp_path, celery_worker):
    """The test's storage is the worker's (its DOCUMENTS_ROOT is tmp_path / "documents")."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "documents", "base_url": None},
        },
    }
    return tmp_path / "documents"


def wait_until_finished(document, timeout=90):
    deadline = time.monotonic() + timeout
    while not document.is_finished and time.monotonic() < deadline:
        time.sleep(0.3)
        document.refresh_from_db()
    return document


def test_a_needs_profile_is_made_by_the_worker_and_downloaded(
    client, caseworker, child, framework, worker_documents
):
    from pypdf import PdfReader

    assessment = complete_assessment(child, caseworker, {"speech_language": 3})
    client.force_login(caseworker)
    response = client.post(reverse("document-create", args=["profile", assessment.pk]))
    document = Document.objects.get()
    assert response.url == reverse("document-detail", args=[document.pk])

    document = wait_until_finished(document)
    assert document.status == DocumentStatus.READY, document.error
    assert (worker_documents / document.file_name).exists()
    page = client.get(response.url).content.decode()
    assert "The PDF is ready" in page
    download = client.get(reverse("document-download", args=[document.pk]))
    body = b"".join(download.streaming_content)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Needs profile: Amy Jones" in text


def test_a_render_that_keeps_failing_is_retried_in_the_worker_then_shown(
    client, caseworker, authority_a, worker_documents
):
    from valuing_send.core.workflow import record_start

    # Stored HTML that asks for an outside image: the renderer refuses to fetch it, every time.
    document = Document.objects.create(
        authority=authority_a,
        kind=DocumentKind.PROFILE,
        subject_id=1,
        data_hash="f" * 64,
        title="A document that cannot be made",
        filename="broken.pdf",
        html='<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head><body>'
        '<img src="http://example.org/x.png" alt="x"></body></html>',
        requested_by=caseworker,
    )
    record_start(document, by=caseworker)
    enqueue_on_commit("valuing_send.documents.tasks.render_document", document.pk)

    document = wait_until_finished(document)
    assert document.status == DocumentStatus.FAILED
    assert document.attempts == 3 and "example.org" in document.error
    assert document.status_changes.filter(to_status="rendering").count() == 3
    assert not list(worker_documents.rglob("*.pdf"))
    client.force_login(caseworker)
    page = client.get(reverse("document-detail", args=[document.pk])).content.decode()
    assert "The PDF could not be made" in page and "Try again" in page
