"""Documents are stored in a folder of the test's own; assessments come from the real services
(``tests.factories.complete_assessment``), so each PDF is made from what the app stores."""

import io

import pytest

from tests.factories import complete_assessment


@pytest.fixture(autouse=True)
def documents_folder(settings, tmp_path):
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder, "base_url": None},
        },
    }
    return folder


@pytest.fixture
def assessment(child, caseworker, framework, oakfield):
    """Amy Jones's complete needs profile: speech and language at 3 (above what Oakfield
    meets), social communication at 2, the rest at 1."""
    return complete_assessment(
        child, caseworker, {"speech_language": 3, "social_communication": 2}, request="ehc_plan"
    )


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def stored_pdf(document) -> bytes:
    from valuing_send.documents.services import storage

    with storage().open(document.file_name, "rb") as handle:
        return handle.read()


class Structure:
    """What a tagged PDF's structure tree holds, read with pikepdf: the tags in document order,
    each figure's alternative text, and whether table cells point at their headers."""

    def __init__(self, data: bytes):
        import pikepdf

        pdf = pikepdf.open(io.BytesIO(data))
        root = pdf.Root
        self.lang = str(root.get("/Lang", ""))
        self.marked = bool(root.get("/MarkInfo", {}).get("/Marked", False))
        self.display_title = bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"))
        self.title = str(pdf.docinfo.get("/Title", ""))
        with pdf.open_metadata() as meta:
            self.xmp_title = meta.get("dc:title", "")
            self.pdfua_part = meta.get("pdfuaid:part", "")
        self.tags: list[str] = []
        self.figure_alts: list[str] = []
        self.cells_without_headers = 0
        self.cells = 0
        tree = root.get("/StructTreeRoot")
        if tree is not None:
            self._walk(tree.K, pikepdf)

    def _walk(self, node, pikepdf):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                self._walk(kid, pikepdf)
            return
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        tag = str(node.S)[1:]
        self.tags.append(tag)
        if tag == "Figure":
            self.figure_alts.append(str(node.get("/Alt", "")))
        if tag == "TD":
            self.cells += 1
            headers = node.get("/A", {}).get("/Headers")
            if not headers:
                self.cells_without_headers += 1
        if "/K" in node:
            self._walk(node.K, pikepdf)

    def count(self, tag: str) -> int:
        return self.tags.count(tag)


@pytest.fixture(scope="session")
def small_pdf() -> bytes:
    from valuing_send.documents import rendering

    html = '<!DOCTYPE html><html lang="en-GB"><head><title>Small</title></head><body><h1>Small</h1></body></html>'
    return rendering.html_to_pdf(html).pdf


@pytest.fixture
def stored_document(authority_a, assessment, caseworker, small_pdf):
    """A ready needs profile document made without rendering (its file is a small real PDF):
    for the tests about who may see what, which need a document, not its content."""
    from django.core.files.base import ContentFile

    from valuing_send.core.workflow import record_start
    from valuing_send.documents import services
    from valuing_send.documents.models import Document, DocumentKind

    name = services.storage().save("stored/small.pdf", ContentFile(small_pdf))
    document = Document.objects.create(
        authority=authority_a,
        kind=DocumentKind.PROFILE,
        subject_id=assessment.pk,
        data_hash="0" * 64,
        title="Needs profile: Amy Jones",
        filename=f"needs-profile-{assessment.pk}.pdf",
        status="ready",
        file_name=name,
        size=len(small_pdf),
        pages=1,
        requested_by=caseworker,
    )
    record_start(document, by=caseworker)
    return document
