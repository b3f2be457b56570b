"""The PDFs themselves: made from factories through the real services, then read back (text with
pypdf, the structure tree with pikepdf) to check the figures, names and tagging."""

import pytest

from valuing_send.core.templatetags.govuk import pounds
from valuing_send.documents import services
from valuing_send.documents.models import DocumentKind, DocumentStatus

from .conftest import Structure, page_count, pdf_text, stored_pdf


@pytest.fixture
def made(authority_a, caseworker, django_capture_on_commit_callbacks):
    """``made(kind, subject)``: ask for the document and let the (eager) worker make it."""

    def make(kind, subject):
        with django_capture_on_commit_callbacks(execute=True):
            document = services.document_request(authority_a, kind, subject, by=caseworker)
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        return document, stored_pdf(document)

    return make


def test_the_needs_profile_pdf_shows_the_profile_recommendation_and_trace(made, assessment):
    document, pdf = made(DocumentKind.PROFILE, assessment)
    text = " ".join(pdf_text(pdf).split())
    stored = assessment.recommendations.current().get()
    assert "Needs profile: Amy Jones" in text
    assert "Northshire County Council" in text
    assert "B801200005001" in text  # the UPN
    assert "Oakfield Primary School" in text
    assert "Speech, language and communication" in text
    assert "3 above" in text  # level 3 where Oakfield meets up to 2
    assert "93%" in text  # setting readiness
    assert f"Points {stored.total_points}" in text
    assert stored.result["tier_name"] in text
    assert f"{pounds(stored.top_up)} a year at the current setting" in text  # as published
    assert "How this was worked out" in text
    assert stored.result["trace"][0] in text
    assert "Seen in class; specialist report" in text  # evidence
    assert "OFFICIAL-SENSITIVE" in text
    assert document.pages == page_count(pdf) >= 2
    assert document.filename == f"needs-profile-{assessment.pk}.pdf"
    assert "Jones" not in document.filename


def test_the_needs_profile_pdf_is_tagged_with_headings_tables_and_a_described_chart(
    made, assessment
):
    _, pdf = made(DocumentKind.PROFILE, assessment)
    structure = Structure(pdf)
    assert structure.marked and structure.display_title
    assert structure.lang == "en-GB"
    assert structure.title == structure.xmp_title == "Needs profile: Amy Jones"
    assert structure.pdfua_part == "1"
    assert structure.count("H1") == 1
    assert structure.count("H2") == 2  # needs and readiness; recommendation
    assert structure.count("H3") >= 3  # readiness, where it falls short, how it was worked out
    assert structure.count("Table") >= 3 and structure.count("TH") >= 10
    assert structure.count("Caption") >= 3
    assert structure.cells and structure.cells_without_headers == 0
    assert structure.count("L") >= 2  # shortfalls, the trace
    assert structure.figure_alts == [
        "Needs profile of Amy Jones. Need levels from 0 to 4 in 11 domains for Amy Jones. "
        "Dashed line: what Oakfield Primary School can ordinarily meet. "
        "Needs above it in: Speech, language and communication."
    ]


def test_the_family_version_is_in_plain_words_without_money_or_codes(made, assessment):
    document, pdf = made(DocumentKind.FAMILY_PROFILE, assessment)
    text = " ".join(pdf_text(pdf).split())
    stored = assessment.recommendations.current().get()
    assert "What we understand about Amy's needs" in text
    assert "Significant needs, with specialist advice and support" in text  # level 3
    assert "Needs some extra, planned help" in text  # level 2
    # Lines break inside words like "speech-to-text", and pages inside paragraphs.
    squashed = "".join(text.split())
    for paragraph in stored.result["for_parents"]:
        assert "".join(paragraph.split(". ")[0].split()) in squashed
    assert "£" not in text
    assert "SLCN" not in text and "Points" not in text
    assert "OFFICIAL-SENSITIVE" not in text  # it is the family's own copy
    structure = Structure(pdf)
    assert structure.lang == "en-GB"
    assert structure.title == "What we understand about Amy's needs"
    assert structure.count("H1") == 1 and structure.count("H2") >= 2
    assert len(structure.figure_alts) == 1 and "Amy Jones" in structure.figure_alts[0]
    assert document.filename == f"needs-profile-for-the-family-{assessment.pk}.pdf"


def test_a_render_fetches_nothing_from_outside():
    from valuing_send.documents import rendering

    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head><body>'
        '<img src="http://example.org/tracker.png" alt="x"></body></html>'
    )
    with pytest.raises(rendering.RenderError, match="refused 'http://example.org/tracker.png'"):
        rendering.html_to_pdf(html)


def test_rendering_without_the_stylesheet_is_the_benchmark_floor(assessment, authority_a):
    from valuing_send.documents import kinds, rendering

    html = kinds.profile_build(authority_a, assessment).html
    plain = rendering.html_to_pdf(html, stylesheet=False)
    styled = rendering.html_to_pdf(html)
    assert plain.pdf.startswith(b"%PDF-1.7") and styled.pdf.startswith(b"%PDF-1.7")
    assert "Amy Jones" in pdf_text(plain.pdf)


def test_request_paths_never_import_weasyprint():
    """Every view module loads (through the URLs) without WeasyPrint, which only workers need."""
    import os
    import subprocess
    import sys

    code = (
        "import sys, django; django.setup(); import valuing_send.urls; "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "from valuing_send.documents import services, views, kinds, tasks; "
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "valuing_send.settings"},
        check=True,
    )
    assert result.stdout.strip() == "False"
