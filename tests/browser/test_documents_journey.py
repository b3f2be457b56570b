"""Each kind of document downloaded once, by the role that uses it: a caseworker the needs
profile, the family's version and a decision letter; a panel member the evidence pack of a
meeting; a manager every profile of a school and of a meeting as zips and the indicator
report; a parent their letter through their secure link; an admin everything held about a
child (subject access) as a PDF. axe on every page on the way. (Tasks run in-process in the live server; tests/integration covers the real
worker.)"""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from panels import services as panel_services
from panels.codes import CaseKind, CaseStatus
from panels.models import Letter
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import complete_assessment
from tests.panels.factories import InvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def documents_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "documents", "base_url": None},
        },
    }


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def decided(child, caseworker, panel_member):
    """Amy's request for an assessment, declined by the panel: its letter."""
    case = _ready_case(child, caseworker)
    panel_services.decision_record(
        case, outcome="decline", reasons="Needs are met at SEN support.", by=panel_member
    )
    return Letter.objects.get(case=case)


def _ready_case(child, caseworker):
    case = panel_services.case_open(
        child,
        CaseKind.ASSESSMENT_REQUEST,
        by=caseworker,
        received_date=timezone.localdate() - datetime.timedelta(days=10),
    )
    panel_services.case_move(case, CaseStatus.REQUEST_READY, by=caseworker)
    return case


@pytest.fixture
def meeting(authority_a, admin, panel_member, manager, child, caseworker):
    panel = panel_services.panel_save(
        authority_a, name="EHC panel", members=[panel_member, manager], chair=manager, by=admin
    )
    return panel_services.meeting_create(
        panel,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        location="Room 2",
        cases=[_ready_case(child, caseworker)],
        by=caseworker,
    )


def test_caseworker_downloads_the_needs_profile_the_familys_version_and_a_letter(
    live_server, page, check_a11y, caseworker, child, framework, decided
):
    assessment = complete_assessment(child, caseworker, {"speech_language": 3})
    sign_in(page, live_server, caseworker.email, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Needs profile (PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs profile: Amy Jones")
    expect(page.get_by_role("heading", name="The PDF is ready")).to_be_visible()
    check_a11y(page, "needs profile PDF ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download needs-profile-{assessment.pk}.pdf").click()
    assert download.value.suggested_filename == f"needs-profile-{assessment.pk}.pdf"
    assert "Needs profile: Amy Jones" in _pdf_text(download.value.path())

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/family-view/")
    page.get_by_role("button", name="Plain-language version for the family (PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What we understand about Amy's needs"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download needs-profile-for-the-family").click()
    assert "What we suggest" in _pdf_text(download.value.path())

    page.goto(f"{live_server.url}/letters/{decided.pk}/")
    page.get_by_role("button", name="Download the letter (PDF)").click()
    expect(page.get_by_role("heading", name="The PDF is ready")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download letter-{decided.pk}.pdf").click()
    assert "Needs are met at SEN support." in _pdf_text(download.value.path())


def test_panel_member_downloads_the_evidence_pack_of_a_meeting(
    live_server, page, check_a11y, panel_member, caseworker, child, framework, meeting
):
    complete_assessment(child, caseworker, {"speech_language": 3})
    sign_in(page, live_server, panel_member.email, PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Evidence pack for the whole meeting (PDF)").click()
    expect(page.get_by_role("heading", name="The PDF is ready")).to_be_visible()
    check_a11y(page, "evidence pack ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download evidence-pack-meeting-{meeting.pk}.pdf").click()
    text = _pdf_text(download.value.path())
    assert "Agenda" in text and "Amy Jones" in text


def test_parent_downloads_their_letter_through_their_link(
    live_server, page, check_a11y, caseworker, child, framework, decided
):
    _, token = InvitationFactory.issue(decided.case, by=caseworker, role="parent")
    page.goto(f"{live_server.url}/views/{token}/")
    page.get_by_role("link", name="Download this letter as a PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter as a PDF")
    link = page.get_by_role("link", name="Download the letter (PDF")
    expect(link).to_be_visible()  # htmx follows the worker until it is ready
    check_a11y(page, "parent's letter ready")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"letter-{decided.pk}.pdf"
    assert "Needs are met at SEN support." in _pdf_text(download.value.path())


def test_manager_downloads_the_zips_of_a_school_and_a_meeting_and_the_indicator_report(
    live_server, page, check_a11y, manager, caseworker, child, oakfield, framework, meeting
):
    complete_assessment(child, caseworker, {"speech_language": 3})
    sign_in(page, live_server, manager.email, PASSWORD)
    page.goto(f"{live_server.url}/settings-register/{oakfield.pk}/")
    page.get_by_role("button", name="Needs profiles of children here (zip)").click()
    expect(page.get_by_role("heading", name="The zip is ready")).to_be_visible()
    check_a11y(page, "school zip ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download needs-profiles-setting-{oakfield.pk}.zip").click()
    names = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
    assert len(names) == 1 and names[0].startswith("jones-amy-needs-profile-")

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Needs profiles of the children on the agenda (zip)").click()
    expect(page.get_by_role("heading", name="The zip is ready")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download needs-profiles-meeting-{meeting.pk}.zip").click()
    names = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
    assert len(names) == 1 and names[0].startswith("jones-amy-needs-profile-")

    page.goto(f"{live_server.url}/indicators/")
    page.get_by_role("button", name="Indicator report (PDF)").click()
    expect(page.get_by_role("heading", name="The PDF is ready")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download indicator-report-").click()
    text = _pdf_text(download.value.path())
    assert "SEND indicators: Northshire County Council" in text
    assert "The 10 system ambitions" in text


def test_admin_exports_everything_held_about_a_child_as_a_pdf(
    live_server, page, check_a11y, admin, caseworker, child, framework
):
    complete_assessment(child, caseworker, {"speech_language": 3})
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server.url}/audit/children/{child.pk}/export/")
    check_a11y(page, "subject access export")
    page.get_by_label("Why are you exporting this child's information?").fill("SAR 2026-090")
    page.get_by_label("A PDF document, to read or to send to the person who asked").check()
    page.get_by_role("button", name="Export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Everything held about Amy Jones")
    expect(page.get_by_role("heading", name="The PDF is ready")).to_be_visible()
    check_a11y(page, "subject access PDF ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download child-{child.pk}-subject-access.pdf").click()
    text = _pdf_text(download.value.path())
    assert "Everything held about Amy Jones" in text and "SAR 2026-090" in text
