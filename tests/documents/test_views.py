"""The documents pages: asking for a PDF or a zip, following it, downloading it, trying again.
Per view: the happy path with its content and database effects, the wrong method (405),
another authority's document or subject (404) and a role that may not (403)."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from valuing_send.audit.models import Action, AuditEvent
from valuing_send.documents import rendering, services
from valuing_send.documents.models import Document, DocumentKind, DocumentStatus

from .conftest import pdf_text


@pytest.fixture
def ready_profile(authority_a, assessment, caseworker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_request(
            authority_a, DocumentKind.PROFILE, assessment, by=caseworker
        )
    document.refresh_from_db()
    return document


def _create_url(kind, pk):
    return reverse("document-create", args=[kind, pk])


class TestAskingForAPdf:
    def test_makes_it_and_shows_it_ready(
        self, client_as, caseworker, assessment, django_capture_on_commit_callbacks
    ):
        client = client_as(caseworker)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_create_url("profile", assessment.pk))
        document = Document.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("document-detail", args=[document.pk])
        assert (document.kind, document.subject_id, document.status) == (
            "profile",
            assessment.pk,
            "ready",
        )
        assert document.requested_by == caseworker
        page = client.get(response.url).content.decode()
        assert "Needs profile: Amy Jones" in page
        assert "The PDF is ready" in page
        assert reverse("document-download", args=[document.pk]) in page
        assert "This PDF shows the information as it is now" in page
        assert "hx-get" not in page  # nothing left to poll

    def test_asking_again_with_unchanged_data_reuses_the_stored_pdf(
        self, client_as, panel_member, assessment, ready_profile
    ):
        response = client_as(panel_member).post(_create_url("profile", assessment.pk))
        assert response.url == reverse("document-detail", args=[ready_profile.pk])
        assert Document.objects.count() == 1

    def test_get_is_not_allowed(self, client_as, caseworker, assessment):
        response = client_as(caseworker).get(_create_url("profile", assessment.pk))
        assert response.status_code == 405
        assert not Document.objects.exists()

    def test_another_authoritys_assessment_is_not_found(self, client_as, caseworker_b, assessment):
        response = client_as(caseworker_b).post(_create_url("profile", assessment.pk))
        assert response.status_code == 404
        assert not Document.objects.exists()

    def test_an_unknown_kind_is_not_found(self, client_as, caseworker, assessment):
        response = client_as(caseworker).post(_create_url("ransom_note", assessment.pk))
        assert response.status_code == 404

    def test_a_zip_kind_cannot_be_asked_for_as_one_pdf(self, client_as, manager, oakfield):
        response = client_as(manager).post(_create_url("school_profiles", oakfield.pk))
        assert response.status_code == 404

    def test_signed_out_goes_to_sign_in(self, client, assessment):
        response = client.post(_create_url("profile", assessment.pk))
        assert response.status_code == 302 and "/sign-in/" in response.url


class TestFollowingADocument:
    def test_a_queued_document_polls_and_offers_a_plain_refresh_link(
        self, client_as, caseworker, assessment, monkeypatch
    ):
        monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
        client = client_as(caseworker)
        client.post(_create_url("profile", assessment.pk))
        document = Document.objects.get()
        url = reverse("document-detail", args=[document.pk])
        page = client.get(url).content.decode()
        assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
        assert "Waiting to start" in page
        assert f'href="{url}">Refresh to see if it is ready' in page

        partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "document-status"})
        body = partial.content.decode()
        assert body.lstrip().startswith('<div id="document-status"')
        assert "<html" not in body and "Waiting to start" in body

    def test_a_failed_document_says_so_and_offers_to_try_again(
        self, client_as, caseworker, assessment, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broken(html, **kwargs):
            raise RuntimeError("forced failure")

        monkeypatch.setattr(rendering, "html_to_pdf", broken)
        client = client_as(caseworker)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_create_url("profile", assessment.pk))
        document = Document.objects.get()
        page = client.get(reverse("document-detail", args=[document.pk])).content.decode()
        assert "The PDF could not be made" in page
        assert "We tried 3 times" in page and "RuntimeError: forced failure" in page
        assert f'action="{reverse("document-retry", args=[document.pk])}"' in page
        assert reverse("document-download", args=[document.pk]) not in page
        assert client.get(reverse("document-download", args=[document.pk])).status_code == 404

    def test_an_out_of_date_pdf_offers_to_make_it_again(
        self, client_as, caseworker, assessment, ready_profile
    ):
        from assessments import services as assessment_services

        assessment_services.override_record(
            assessment.recommendations.current().get(),
            by=caseworker,
            tier="specialist",
            band=None,
            reason="A reason",
            provision="",
        )
        page = client_as(caseworker).get(reverse("document-detail", args=[ready_profile.pk]))
        assert "The information has changed since this PDF was made" in page.content.decode()


class TestDownloading:
    def test_sends_the_stored_pdf_as_an_attachment(self, client_as, panel_member, ready_profile):
        response = client_as(panel_member).get(
            reverse("document-download", args=[ready_profile.pk])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="needs-profile-{ready_profile.subject_id}.pdf"'
        )
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF-1.7")
        assert "Needs profile: Amy Jones" in pdf_text(body)
        # The download is in the audit log as a read of the child's information.
        (read,) = AuditEvent.objects.filter(action=Action.READ, user_id=panel_member.pk)
        assert (read.object_type, read.object_id) == ("documents.document", str(ready_profile.pk))
        assert read.child_id == Assessment.objects.get(pk=ready_profile.subject_id).child_id
        assert read.description == "Downloaded a document: Needs profile"

    def test_a_zip_of_a_school_is_for_managers_only(
        self, client_as, manager, caseworker, oakfield, assessment
    ):
        document = Document.objects.create(
            authority=oakfield.authority,
            kind=DocumentKind.SCHOOL_PROFILES,
            subject_id=oakfield.pk,
            title="Needs profiles of children at Oakfield Primary School",
            filename="needs-profiles.zip",
            content_type="application/zip",
            requested_by=manager,
        )
        for url in (
            reverse("document-detail", args=[document.pk]),
            reverse("document-download", args=[document.pk]),
        ):
            assert client_as(caseworker).get(url).status_code == 403
        assert (
            client_as(manager).get(reverse("document-detail", args=[document.pk])).status_code
            == 200
        )


class TestTryingAgain:
    def test_queues_a_failed_document_again(
        self, client_as, caseworker, assessment, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(
            rendering, "html_to_pdf", lambda html, **kw: (_ for _ in ()).throw(OSError("disk"))
        )
        client = client_as(caseworker)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_create_url("profile", assessment.pk))
        document = Document.objects.get()
        assert document.status == DocumentStatus.FAILED
        monkeypatch.undo()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("document-retry", args=[document.pk]))
        assert response.url == reverse("document-detail", args=[document.pk])
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY
        assert document.status_changes.filter(
            from_status="failed", to_status="queued", by=caseworker
        ).exists()

    def test_a_ready_document_is_not_made_again(self, client_as, caseworker, stored_document):
        client = client_as(caseworker)
        response = client.post(reverse("document-retry", args=[stored_document.pk]), follow=True)
        assert "so it cannot become waiting to start" in response.content.decode()
        stored_document.refresh_from_db()
        assert stored_document.status == DocumentStatus.READY


@pytest.mark.parametrize(
    ("name", "method", "wrong_method"),
    [
        ("document-detail", "get", "post"),
        ("document-download", "get", "post"),
        ("document-retry", "post", "get"),
    ],
)
def test_wrong_method_and_another_authoritys_document(
    client_as, caseworker, caseworker_b, stored_document, name, method, wrong_method
):
    url = reverse(name, args=[stored_document.pk])
    assert getattr(client_as(caseworker), wrong_method)(url).status_code == 405
    assert getattr(client_as(caseworker_b), method)(url).status_code == 404
    stored_document.refresh_from_db()
    assert stored_document.status == DocumentStatus.READY


class TestZipOfASchool:
    def test_a_manager_gets_every_profile_with_progress(
        self, client_as, manager, oakfield, assessment, django_capture_on_commit_callbacks
    ):
        client = client_as(manager)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("document-bundle", args=["school_profiles", oakfield.pk])
            )
        bundle = Document.objects.get(kind=DocumentKind.SCHOOL_PROFILES)
        assert response.url == reverse("document-detail", args=[bundle.pk])
        assert bundle.requested_by == manager
        page = client.get(response.url).content.decode()
        assert "The zip is ready" in page and "1 PDF" in page
        download = client.get(reverse("document-download", args=[bundle.pk]))
        assert download["Content-Type"] == "application/zip"
        assert b"jones-amy-needs-profile" in b"".join(download.streaming_content)
        (read,) = AuditEvent.objects.filter(action=Action.READ, user_id=manager.pk)
        # A read of each child whose profile is in it (here one).
        assert (read.object_id, read.child_id) == (str(bundle.pk), assessment.child_id)

    def test_progress_is_shown_while_it_is_built(self, client_as, manager, oakfield, monkeypatch):
        monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
        client = client_as(manager)
        client.post(reverse("document-bundle", args=["school_profiles", oakfield.pk]))
        bundle = Document.objects.get()
        Document.objects.filter(pk=bundle.pk).update(status="rendering", total=40, processed=10)
        page = client.get(reverse("document-detail", args=[bundle.pk])).content.decode()
        assert "Being made: 10 of 40 PDFs made" in page
        assert 'value="25"' in page

    def test_a_caseworker_may_not(self, client_as, caseworker, oakfield):
        response = client_as(caseworker).post(
            reverse("document-bundle", args=["school_profiles", oakfield.pk])
        )
        assert response.status_code == 403
        assert not Document.objects.exists()

    def test_get_is_not_allowed(self, client_as, manager, oakfield):
        response = client_as(manager).get(
            reverse("document-bundle", args=["school_profiles", oakfield.pk])
        )
        assert response.status_code == 405

    def test_another_authoritys_setting_is_not_found(self, client_as, manager, authority_b):
        from tests.factories import SettingFactory

        theirs = SettingFactory(authority=authority_b)
        response = client_as(manager).post(
            reverse("document-bundle", args=["school_profiles", theirs.pk])
        )
        assert response.status_code == 404


class TestButtonsOnPages:
    def test_the_needs_profile_and_family_view_offer_the_pdfs(
        self, client_as, caseworker, assessment
    ):
        client = client_as(caseworker)
        summary = client.get(reverse("assessment-summary", args=[assessment.pk])).content.decode()
        assert _create_url("profile", assessment.pk) in summary
        assert _create_url("family_profile", assessment.pk) in summary
        family = client.get(reverse("family-view", args=[assessment.pk])).content.decode()
        assert _create_url("family_profile", assessment.pk) in family
        assert _create_url("profile", assessment.pk) not in family

    def test_the_setting_page_offers_managers_the_zip(
        self, client_as, manager, caseworker, oakfield, framework
    ):
        url = reverse("document-bundle", args=["school_profiles", oakfield.pk])
        setting_page = reverse("setting-detail", args=[oakfield.pk])
        assert url in client_as(manager).get(setting_page).content.decode()
        assert url not in client_as(caseworker).get(setting_page).content.decode()
