"""Each kind of document downloaded once, by the role that uses it: a caseworker the needs
profile and the family's version, a manager every profile of a school as a zip. axe on every
page on the way. (Tasks run in-process in the live server; tests/integration covers the real
worker.)"""

import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import complete_assessment

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


def test_caseworker_downloads_the_needs_profile_and_the_familys_version(
    live_server, page, check_a11y, caseworker, child, framework
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


def test_manager_downloads_every_profile_of_a_school_as_a_zip(
    live_server, page, check_a11y, manager, caseworker, child, oakfield, framework
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
