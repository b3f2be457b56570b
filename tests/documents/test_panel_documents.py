"""The documents that follow panels and indicators: a meeting's evidence pack, decision letters
(for staff, and for the parent through their secure link), the authority's indicator report
and a meeting's zip of needs profiles. Each PDF is made from factories through the real
services and read back: its text (pypdf) and its structure tree (pikepdf). Per view: the happy
path, another authority (404), a role that may not (403), the wrong method (405)."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from panels import clocks
from panels import services as panel_services
from panels.codes import CaseKind, CaseStatus
from panels.models import Letter, LetterDetails
from tests.factories import ChildFactory, complete_assessment
from tests.indicators.conftest import (  # noqa: F401 - fixtures
    FINAL,
    hand_built,
    published_small,
)
from tests.panels.factories import InvitationFactory
from valuing_send.audit.models import Action, AuditEvent
from valuing_send.documents import services
from valuing_send.documents.models import Document, DocumentKind, DocumentStatus
from valuing_send.indicators import snapshots
from valuing_send.indicators.models import SnapshotTrigger

from .conftest import Structure, pdf_text, stored_pdf


def words(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


@pytest.fixture
def made(authority_a, caseworker, django_capture_on_commit_callbacks):
    def make(kind, subject, *, authority=None):
        with django_capture_on_commit_callbacks(execute=True):
            document = services.document_request(
                authority or authority_a, kind, subject, by=caseworker
            )
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        return document, stored_pdf(document)

    return make


@pytest.fixture
def panel(authority_a, panel_member, manager, admin):
    return panel_services.panel_save(
        authority_a, name="EHC panel", members=[panel_member, manager], chair=manager, by=admin
    )


def _ready(child, caseworker, summary):
    case = panel_services.case_open(
        child,
        CaseKind.ASSESSMENT_REQUEST,
        by=caseworker,
        received_date=timezone.localdate() - datetime.timedelta(days=20),
        summary=summary,
    )
    panel_services.case_move(case, CaseStatus.REQUEST_READY, by=caseworker)
    case.refresh_from_db()
    return case


@pytest.fixture
def amy_case(child, caseworker, assessment):
    case = _ready(child, caseworker, "Parent asks for an assessment of communication needs")
    panel_services.contribution_enter(
        case,
        role="parent",
        answers={
            "domains": {"speech_language": {"level": 1, "why": "Understood at home with pictures"}},
            "what_works": "Pictures and a quiet room",
        },
        text="",
        contributor_name="Mrs Jones",
        by=caseworker,
    )
    return case


@pytest.fixture
def ben_case(authority_a, oakfield, caseworker, framework):
    ben = ChildFactory(
        authority=authority_a, first_name="Ben", last_name="Patel", current_setting=oakfield
    )
    complete_assessment(ben, caseworker, {"sensory_physical": 3}, request="ehc_plan")
    return _ready(ben, caseworker, "School asks for an assessment")


@pytest.fixture
def meeting(panel, amy_case, ben_case, caseworker):
    return panel_services.meeting_create(
        panel,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        location="Room 2, County Hall",
        cases=[amy_case, ben_case],
        by=caseworker,
    )


@pytest.fixture
def letter_details(authority_a):
    return LetterDetails.objects.create(
        authority=authority_a,
        team_name="Northshire SEND Team",
        address="County Hall\nNorthtown\nNT1 1AA",
        phone="01234 567890",
        email="send@northshire.example",
        signatory="Sam Senior",
        signatory_role="Head of SEND",
    )


@pytest.fixture
def letter(amy_case, panel_member, letter_details):
    panel_services.decision_record(
        amy_case,
        outcome="decline",
        reasons="Needs are met at SEN support with the provision the school describes.",
        by=panel_member,
    )
    return Letter.objects.get(case=amy_case)


@pytest.fixture
def report_data(hand_built, authority_a, published_small):  # noqa: F811 - fixtures
    snapshots.snapshot_period(authority_a, FINAL, trigger=SnapshotTrigger.MANUAL)
    return hand_built


# --- What the PDFs say and how they are tagged ----------------------------------------------


def test_the_evidence_pack_has_the_agenda_then_each_case_with_views_side_by_side(
    made, meeting, amy_case, ben_case
):
    document, pdf = made(DocumentKind.EVIDENCE_PACK, meeting)
    text = words(pdf)
    assert text.index("Agenda") < text.index(f"1. {amy_case.reference}: Amy Jones")
    assert text.index(f"1. {amy_case.reference}: Amy Jones") < text.index(
        f"2. {ben_case.reference}: Ben Patel"
    )
    assert "EHC panel" in text and "Room 2, County Hall" in text
    assert "Parent asks for an assessment of communication needs" in text
    assert "Every view, need by need" in text
    assert "Understood at home with pictures" in text  # the parent's view beside the rating
    assert "Views differ by 2 levels or more on: speech, language and communication" in text
    assert "Pictures and a quiet room" in text  # in their words
    assert f"{amy_case.next_due:%-d %B %Y}" in text  # the clock
    stored = amy_case.child.assessments.get().recommendations.current().get()
    assert stored.result["tier_name"] in text
    # The provision's total, with its items and the trace left to each child's profile PDF.
    assert "Provision that meets the needs" not in text and "How this was worked out" not in text
    assert "itemises the provision" in text
    assert document.filename == f"evidence-pack-meeting-{meeting.pk}.pdf"
    assert document.pages >= 5

    structure = Structure(pdf)
    assert structure.lang == "en-GB" and structure.marked and structure.display_title
    assert structure.title == document.title
    assert document.title.startswith("Evidence pack: EHC panel, ")
    assert structure.count("H1") == 1
    assert structure.count("H2") == 3  # the agenda, then one per case
    assert structure.count("H3") >= 8  # each case: clocks, profile, views, recommendation…
    assert structure.cells and structure.cells_without_headers == 0
    assert len(structure.figure_alts) == 2  # each child's radar chart, described
    assert structure.figure_alts[0].startswith("Needs profile of Amy Jones. ")
    assert structure.figure_alts[1].startswith("Needs profile of Ben Patel. ")


def test_a_decision_letter_is_on_the_letterhead_with_reasons_and_appeal_rights(
    made, letter, amy_case
):
    document, pdf = made(DocumentKind.LETTER, letter)
    text = words(pdf)
    assert "Northshire County Council" in text and "Northshire SEND Team" in text
    assert "County Hall, Northtown, NT1 1AA" in text
    assert "Telephone 01234 567890" in text and "send@northshire.example" in text
    assert "We will not carry out an education, health and care needs assessment" in text
    assert "Needs are met at SEN support with the provision the school describes." in text
    assert "First-tier Tribunal" in text
    assert f"{clocks.appeal_deadline(timezone.localdate()):%-d %B %Y}" in text
    assert "Sam Senior" in text and amy_case.reference in text
    assert document.filename == f"letter-{letter.pk}.pdf"

    structure = Structure(pdf)
    assert structure.lang == "en-GB"
    assert structure.title == (
        "We will not carry out an education, health and care needs assessment: Amy Jones"
    )
    assert structure.count("H1") == 1  # the letter's subject
    assert structure.count("H2") >= 3  # why; mediation and appeal; advice


def test_the_indicator_report_has_tiles_benchmarks_charts_and_the_scorecard(
    made, report_data, authority_a
):
    document, pdf = made(DocumentKind.INDICATOR_REPORT, authority_a)
    text = words(pdf)
    assert document.title.startswith("SEND indicators: Northshire County Council")
    for heading in ("Headline figures", "Benchmarks and trends", "The 10 system ambitions"):
        assert heading in text
    assert "Children with an EHC plan" in text or "EHC plans" in text
    assert "England" in text and "South East" in text  # benchmarks from DfE's figures
    assert "Statistical neighbours (mean of 2)" in text

    structure = Structure(pdf)
    assert structure.lang == "en-GB" and structure.title == document.title
    assert structure.count("H1") == 1 and structure.count("H2") == 3
    assert structure.count("Table") >= 8
    assert len(structure.figure_alts) >= 1
    assert all("chart" in alt.lower() or "no figures" in alt for alt in structure.figure_alts)


# --- Asking for them ----------------------------------------------------------------------


def _ask(client, kind, pk, callbacks):
    with callbacks(execute=True):
        return client.post(reverse("document-create", args=[kind, pk]))


@pytest.mark.parametrize(
    ("kind", "subject", "allowed", "refused"),
    [
        ("evidence_pack", "meeting", "panel_member", "admin"),
        ("letter", "letter", "caseworker", "admin"),
        ("indicator_report", "authority_a", "manager", "caseworker"),
    ],
)
def test_each_kind_for_the_roles_that_may_see_its_subject(
    request,
    client_as,
    django_capture_on_commit_callbacks,
    caseworker_b,
    letter_details,
    kind,
    subject,
    allowed,
    refused,
):
    if kind == "indicator_report":
        request.getfixturevalue("report_data")
    subject = request.getfixturevalue(subject)
    client = client_as(request.getfixturevalue(allowed))
    response = _ask(client, kind, subject.pk, django_capture_on_commit_callbacks)
    document = Document.objects.get(kind=kind)
    assert response.status_code == 302
    assert response.url == reverse("document-detail", args=[document.pk])
    assert document.status == "ready" and document.subject_id == subject.pk
    download = client.get(reverse("document-download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    refused_client = client_as(request.getfixturevalue(refused))
    assert refused_client.post(reverse("document-create", args=[kind, subject.pk])).status_code == (
        403
    )
    assert refused_client.get(reverse("document-detail", args=[document.pk])).status_code == 403
    other = client_as(caseworker_b)
    if kind != "indicator_report":  # caseworkers may not ask for it anywhere (403 first)
        assert other.post(reverse("document-create", args=[kind, subject.pk])).status_code == 404
        assert other.get(reverse("document-download", args=[document.pk])).status_code == 404
    assert client.get(reverse("document-create", args=[kind, subject.pk])).status_code == 405
    assert Document.objects.filter(kind=kind).count() == 1


def test_another_authoritys_manager_gets_404_for_this_authoritys_report(
    client_as, authority_a, authority_b, django_capture_on_commit_callbacks
):
    from tests.factories import MembershipFactory, UserFactory
    from valuing_send.authorities.models import Role

    manager_b = UserFactory(email="max@southshire.example")
    MembershipFactory(user=manager_b, authority=authority_b, role=Role.MANAGER)
    response = client_as(manager_b).post(
        reverse("document-create", args=["indicator_report", authority_a.pk])
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_the_meeting_zip_holds_each_childs_profile_for_managers_only(
    client_as, manager, panel_member, caseworker_b, meeting, django_capture_on_commit_callbacks
):
    url = reverse("document-bundle", args=["meeting_profiles", meeting.pk])
    assert client_as(panel_member).post(url).status_code == 403
    assert client_as(caseworker_b).post(url).status_code == 403
    client = client_as(manager)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    bundle = Document.objects.get(kind="meeting_profiles")
    assert response.url == reverse("document-detail", args=[bundle.pk])
    assert (bundle.status, bundle.total, bundle.processed) == ("ready", 2, 2)
    archive = zipfile.ZipFile(io.BytesIO(stored_pdf(bundle)))
    names = sorted(archive.namelist())
    assert names[0].startswith("jones-amy-needs-profile-") and names[1].startswith("patel-ben-")
    assert "Needs profile: Ben Patel" in pdf_text(archive.read(names[1]))


# --- The parent's letters through their secure link ------------------------------------------


@pytest.fixture
def parent_link(amy_case, caseworker):
    _, token = InvitationFactory.issue(amy_case, by=caseworker, role="parent")
    return token


def test_the_parent_downloads_their_childs_letter_through_their_link(
    client, parent_link, letter, django_capture_on_commit_callbacks
):
    url = reverse("family-letter", args=[parent_link, letter.pk])
    start = client.get(reverse("journey-start", args=[parent_link])).content.decode()
    assert f'href="{url}"' in start
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url)
    assert waiting.status_code == 200  # asked for now: the page follows the worker
    page = waiting.content.decode()
    assert "Your letter as a PDF" in page
    document = Document.objects.get(kind="letter", subject_id=letter.pk)
    assert document.status == "ready"
    assert document.status_changes.first().reason == "Asked for through the parent's secure link"
    assert document.requested_by == letter.created_by
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="letter-{letter.pk}.pdf"'
    body = b"".join(response.streaming_content)
    assert "Needs are met at SEN support" in words(body)
    partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "document-status"})
    assert partial.content.decode().lstrip().startswith('<div id="document-status"')
    assert client.delete(url).status_code == 405


def test_a_parents_link_reaches_only_their_childs_letters(
    client, parent_link, letter, ben_case, panel_member
):
    panel_services.decision_record(ben_case, outcome="agree", reasons="Agreed", by=panel_member)
    bens_letter = Letter.objects.get(case=ben_case)
    response = client.get(reverse("family-letter", args=[parent_link, bens_letter.pk]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    wrong = "0" * 64
    assert client.get(reverse("family-letter", args=[wrong, letter.pk])).status_code == 404
    assert not Document.objects.exists()


def test_only_a_parents_link_downloads_letters(client, amy_case, caseworker, letter):
    _, setting_token = InvitationFactory.issue(amy_case, by=caseworker, role="setting")
    response = client.get(reverse("family-letter", args=[setting_token, letter.pk]))
    assert response.status_code == 404
    assert not Document.objects.exists()


# --- Each download is a read of the children it shows (the audit log) ----------------------


def _download(client, document):
    response = client.get(reverse("document-download", args=[document.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return response


def _reads(**filters):
    return list(
        AuditEvent.objects.filter(
            action=Action.READ, object_type="documents.document", **filters
        ).order_by("pk")
    )


def test_staff_downloading_a_letter_is_a_read_of_the_letters_child(
    client_as, caseworker, letter, made
):
    document, _ = made("letter", letter)
    _download(client_as(caseworker), document)
    (read,) = _reads(user_id=caseworker.pk)
    assert read.object_id == str(document.pk)
    assert read.child_id == letter.case.child_id
    assert read.authority_id == letter.authority_id
    assert read.description == "Downloaded a document: Decision letter"
    assert read.invitation_id is None and read.actor == caseworker.email


def test_downloading_an_evidence_pack_is_a_read_of_each_child_on_the_agenda(
    client_as, panel_member, meeting, amy_case, ben_case, made
):
    document, _ = made("evidence_pack", meeting)
    _download(client_as(panel_member), document)
    reads = _reads(user_id=panel_member.pk)
    assert [r.child_id for r in reads] == [amy_case.child_id, ben_case.child_id]
    assert {r.object_id for r in reads} == {str(document.pk)}
    assert {r.description for r in reads} == {"Downloaded a document: Panel evidence pack"}


def test_downloading_a_meeting_zip_is_a_read_of_each_child_in_it(
    client_as, manager, meeting, amy_case, ben_case, django_capture_on_commit_callbacks
):
    client = client_as(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("document-bundle", args=["meeting_profiles", meeting.pk]))
    _download(client, Document.objects.get(kind="meeting_profiles"))
    reads = _reads(user_id=manager.pk)
    assert sorted(r.child_id for r in reads) == sorted([amy_case.child_id, ben_case.child_id])


def test_a_parents_letter_download_is_a_read_by_their_invitation(
    client, amy_case, parent_link, letter, django_capture_on_commit_callbacks
):
    url = reverse("family-letter", args=[parent_link, letter.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)  # asked for: made by the worker
    assert not _reads()  # nothing sent yet, nothing read
    response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    invitation = amy_case.invitations.get()
    (read,) = _reads()
    assert (read.invitation_id, read.user_id) == (invitation.pk, None)
    assert read.actor == f"invitation {invitation.pk}"
    assert read.child_id == amy_case.child_id
    assert parent_link not in read.path  # never the secure link's token
