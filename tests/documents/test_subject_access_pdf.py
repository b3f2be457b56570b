"""Everything held about a child as a PDF (subject access, issue 21 item 3): the JSON export's
content made by the one rendering service, asked for on the export page with the same
permission (admins) and reason, the export recorded in the audit log, and its download a read
of the child's information."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory, complete_assessment
from valuing_send.audit.models import Action, AuditEvent
from valuing_send.authorities.models import Role
from valuing_send.documents import held
from valuing_send.documents.models import Document, DocumentKind

from .conftest import Structure, pdf_text, stored_pdf

REASON = "SAR 2026-077 from Amy's mother"


def words(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def _export(client, child, callbacks, **data):
    url = reverse("subject-access-export", args=[child.pk])
    with callbacks(execute=True):
        return client.post(url, {"reason": REASON, "file_format": "pdf", **data})


def test_the_pdf_holds_the_childs_records_and_the_export_is_recorded(
    client_as, admin, caseworker, child, framework, django_capture_on_commit_callbacks
):
    assessment = complete_assessment(child, caseworker, {"hearing": 3})
    client_as(caseworker).get(reverse("child-detail", args=[child.pk]))  # a read, in the log
    client = client_as(admin)
    page = client.get(reverse("subject-access-export", args=[child.pk])).content.decode()
    assert "A PDF document, to read" in page and 'name="file_format"' in page

    response = _export(client, child, django_capture_on_commit_callbacks)
    document = Document.objects.get(kind=DocumentKind.SUBJECT_ACCESS)
    assert response.status_code == 302
    assert response.url == reverse("document-detail", args=[document.pk])
    assert (document.status, document.subject_id) == ("ready", child.pk)
    assert document.requested_by == admin
    assert document.filename == f"child-{child.pk}-subject-access.pdf"  # no name in it
    (export,) = AuditEvent.objects.filter(action=Action.EXPORT)
    assert (export.user_id, export.child_id, export.reason) == (admin.pk, child.pk, REASON)
    assert export.description.endswith("as a PDF")

    pdf = stored_pdf(document)
    text = words(pdf)
    assert "Everything held about Amy Jones" in text
    assert "B801200005001" in text and "Oakfield Primary School" in text  # the record
    assert f"Needs profile 1 (record number {assessment.pk})" in text
    assert "Ratings" in text and "hearing" in text
    assert "Trace" in text
    assert "Access log" in text and caseworker.email in text and REASON in text
    structure = Structure(pdf)
    assert structure.lang == "en-GB" and structure.marked and structure.display_title
    assert structure.title == document.title == "Everything held about Amy Jones"
    assert structure.count("H1") == 1 and structure.count("H2") >= 4
    assert structure.cells and structure.cells_without_headers == 0

    download = client.get(reverse("document-download", args=[document.pk]))
    assert download.status_code == 200
    b"".join(download.streaming_content)
    (read,) = AuditEvent.objects.filter(action=Action.READ, user_id=admin.pk)
    assert read.child_id == child.pk and read.object_id == str(document.pk)


def test_a_reason_is_asked_for_first(client_as, admin, child, django_capture_on_commit_callbacks):
    response = _export(client_as(admin), child, django_capture_on_commit_callbacks, reason="")
    assert response.status_code == 400
    assert "Enter why you are exporting" in response.content.decode()
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_only_admins_and_only_their_authoritys_children(
    client_as, admin, manager, caseworker, child, child_b, django_capture_on_commit_callbacks
):
    for refused in (manager, caseworker):
        response = _export(client_as(refused), child, django_capture_on_commit_callbacks)
        assert response.status_code == 403
    response = _export(client_as(admin), child_b, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    admin_b = UserFactory(email="sam@southshire.example")
    MembershipFactory(user=admin_b, authority=child_b.authority, role=Role.ADMIN)
    assert _export(client_as(admin_b), child, django_capture_on_commit_callbacks).status_code == (
        404
    )
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_pdf_is_never_asked_for_without_the_export_page(
    client_as, admin, caseworker, child, django_capture_on_commit_callbacks
):
    """document-create would skip the reason and the export's record: not for this kind."""
    url = reverse("document-create", args=["subject_access", child.pk])
    assert client_as(admin).post(url).status_code == 404
    assert client_as(caseworker).post(url).status_code == 403
    assert not Document.objects.exists()


def test_only_admins_see_a_made_one(
    client_as, admin, manager, child, django_capture_on_commit_callbacks
):
    _export(client_as(admin), child, django_capture_on_commit_callbacks)
    document = Document.objects.get(kind=DocumentKind.SUBJECT_ACCESS)
    client = client_as(manager)
    assert client.get(reverse("document-detail", args=[document.pk])).status_code == 403
    assert client.get(reverse("document-download", args=[document.pk])).status_code == 403


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "None"),
        (True, "Yes"),
        ("2026-03-04", "4 March 2026"),
        (["a", "b"], "a; b"),
        ({"tier": "SEN support"}, "Tier: SEN support"),
    ],
)
def test_values_are_written_out_for_reading(value, expected):
    assert held.text(value) == expected


def test_every_part_of_the_export_has_its_section():
    sections = held.sections(
        {
            "child": {"first_name": "Amy", "upn": "X1"},
            "needs_profiles": [{"id": 7, "ratings": [{"domain": "hearing", "level": 3}]}],
            "access_log": [{"who": "a@b.example", "action": "Viewed"}],
            "replay_results": [],
        }
    )
    child, profiles, log, replays = sections
    assert (child.heading, child.level, child.facts) == (
        "Child",
        2,
        [("First name", "Amy"), ("UPN", "X1")],
    )
    (profile,) = profiles.children
    assert (profile.heading, profile.level) == ("Needs profile 1 (record number 7)", 3)
    (ratings,) = profile.children
    assert ratings.columns == ["Domain", "Level"] and ratings.rows == [["hearing", "3"]]
    assert log.rows == [["a@b.example", "Viewed"]]
    assert replays.is_empty
