"""Documents: how long a worker takes to make a child's needs profile PDF, per document and per
page, and how many it makes in an hour; and where the time goes.

Run from the repository root against the bench database (scripts/bench.sh sets it up):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.documents

The profile is the latest of the bench child with ten assessments (``bench._dataset``): a
real profile with a previous one to compare, its recommendation and trace. **End to end** is
what the worker does for one document: build the HTML from the presenters (the database
reads and the template), render it with WeasyPrint as PDF/UA-1, store the file and record the
status rows (``documents.services.document_render``). The **floor**, measured in the same run,
is WeasyPrint rendering the same HTML with no stylesheet at all (its own defaults), so the
ratio says what our print stylesheet and the rest of the path cost on top of WeasyPrint's own
work. Every timed figure is the median of ``BENCH_DOCUMENT_ROUNDS`` rounds (default 7), the
variants interleaved round by round so a busy machine slows them alike. Times are **CPU time**
of the process (``time.process_time``): what a worker with a core to itself takes, and steady
on a machine shared with other work, where wall-clock time mostly measures the queue for the
CPU (the end to end figure is also given as wall-clock time; it includes the database's
time, which CPU time of this process does not).

"Where the time goes" renders the same profile with one choice undone each: automatic table
layout (every cell's text laid out twice to measure its column), the trace in two columns
(WeasyPrint balances columns by laying them out again and again), a new font configuration
per render, GOV.UK Frontend's thousands of selectors matched against every element, and no
radar chart (what its SVG costs: WeasyPrint lays SVG text out a letter at a time); and, as
the issue's trial did, the web page's own HTML with the GOV.UK stylesheet.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench import _dataset
from bench._report import Metric, write_report

ROUNDS = int(os.environ.get("BENCH_DOCUMENT_ROUNDS", "7"))
PROFILE_TARGET_MS = 1000
FLOOR_LABEL = "WeasyPrint, same HTML, no stylesheet"
ROOT = Path(__file__).resolve().parent.parent


def _timed(function) -> tuple[float, float]:
    """(CPU, wall) milliseconds of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    function()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def interleaved(variants: dict, rounds: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median CPU and wall milliseconds of each variant, run once each per round."""
    cpu = {name: [] for name in variants}
    wall = {name: [] for name in variants}
    for _ in range(rounds):
        for name, function in variants.items():
            spent, elapsed = _timed(function)
            cpu[name].append(spent)
            wall[name].append(elapsed)
    return (
        {name: statistics.median(values) for name, values in cpu.items()},
        {name: statistics.median(values) for name, values in wall.items()},
    )


def web_page_html(authority, assessment) -> str:
    """The needs profile web page's HTML, as the view renders it (what the issue's trial put
    through WeasyPrint with the GOV.UK stylesheet)."""
    from django.template.loader import render_to_string

    from assessments import presenters

    context = {
        "assessment": assessment,
        "child": assessment.child,
        "history": list(assessment.child.assessments.all()),
        "status_changes": list(assessment.status_changes.select_related("by")),
    }
    context.update(presenters.profile_context(authority, assessment))
    context.update(presenters.recommendation_context(authority, assessment))
    return render_to_string("assessments/assessment_summary.html", context)


def cut_variants(html: str, web_html: str) -> dict:
    """Renders of the same profile with one choice undone each: where the time goes."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    from valuing_send.documents import rendering

    fetcher = rendering._fetcher()
    css = rendering.PRINT_CSS_PATH.read_text()
    fonts = rendering._fonts()

    def sheet(extra):
        return weasyprint.CSS(string=css + extra, url_fetcher=fetcher, font_config=fonts)

    def render(source, stylesheets, font_config=None):
        def run():
            document = weasyprint.HTML(string=source, url_fetcher=fetcher).render(
                font_config=font_config or fonts,
                stylesheets=stylesheets,
                pdf_variant=rendering.PDF_VARIANT,
            )
            document.write_pdf(pdf_variant=rendering.PDF_VARIANT)

        return run

    print_css = rendering._stylesheet()
    # GOV.UK's stylesheet names its fonts and images by relative URL: with no base URL they
    # are not fetched (a warning each), as in the trial render the issue describes.
    govuk = weasyprint.CSS(
        filename=str(ROOT / "static/vendor/govuk/govuk-frontend.min.css"),
        url_fetcher=URLFetcher(allowed_protocols=()),
        font_config=fonts,
    )
    no_chart = re.sub(r'<figure class="app-radar">.*?</figure>', "", html, flags=re.S)
    return {
        "automatic table layout": render(html, [sheet("\ntable { table-layout: auto; }")]),
        "the trace in two columns": render(html, [sheet("\n.trace { columns: 2; }")]),
        "a new font configuration per render": lambda: render(
            html, [print_css], FontConfiguration()
        )(),
        "GOV.UK Frontend's selectors as well": render(html, [govuk, print_css]),
        "no radar chart (what the SVG costs)": render(no_chart, [print_css]),
        "the web page with GOV.UK Frontend": render(web_html, [govuk]),
    }


def end_to_end(authority, assessment, user):
    """One document as the worker makes it, from nothing stored: returns its row (kept until
    the caller removes it)."""
    from valuing_send.documents import kinds, services
    from valuing_send.documents.models import DocumentKind
    from valuing_send.documents.stylesheet import data_hash

    source = kinds.profile_build(authority, assessment)
    document, _ = services._new_document(
        authority, DocumentKind.PROFILE, assessment.pk, source, data_hash(source.html), by=user
    )
    return services.document_render(document.pk)


def main() -> None:
    _dataset.django_setup()
    import logging

    from django.conf import settings

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # GOV.UK's unfetched fonts
    started = time.perf_counter()
    from valuing_send.documents import rendering  # WeasyPrint's import, once per worker

    import_ms = (time.perf_counter() - started) * 1000
    from valuing_send.documents import kinds, services
    from valuing_send.documents.models import Document

    folder = tempfile.mkdtemp(prefix="bench-documents-")
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder, "base_url": None},
        },
    }
    from django.core.files.storage import storages

    storages._storages = {}
    storages._backends = None

    authority = _dataset.bench_authority()
    user = _dataset.bench_caseworker(authority)
    _, assessment = _dataset.child_with_history(authority, user)
    html = kinds.profile_build(authority, assessment).html
    web_html = web_page_html(authority, assessment)
    first_ms = _timed(lambda: rendering.html_to_pdf(html))[1]  # fonts and caches set up
    styled = rendering.html_to_pdf(html)
    plain = rendering.html_to_pdf(html, stylesheet=False)
    (ROOT / "bench/results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench/results/profile.pdf").write_bytes(styled.pdf)

    def whole_path():
        document = end_to_end(authority, assessment, user)
        assert document.is_ready, document.error
        services.storage().delete(document.file_name)
        Document.objects.filter(pk=document.pk).delete()

    whole_path()  # warm
    variants = {
        "end to end": whole_path,
        "build HTML": lambda: kinds.profile_build(authority, assessment),
        "render": lambda: rendering.html_to_pdf(html),
        "floor": lambda: rendering.html_to_pdf(html, stylesheet=False),
    }
    cuts = cut_variants(html, web_html)
    medians, walls = interleaved({**variants, **cuts}, ROUNDS)

    floor_ms = medians["floor"]
    render_ms = medians["render"]
    metrics = [
        Metric(
            "profile end to end",
            medians["end to end"],
            "ms",
            floor_ms,
            FLOOR_LABEL,
            target=PROFILE_TARGET_MS,
            higher_is_better=False,
        ),
        Metric(
            "profile end to end, wall clock",
            walls["end to end"],
            "ms",
            walls["floor"],
            FLOOR_LABEL,
            higher_is_better=False,
        ),
        Metric("profile build HTML", medians["build HTML"], "ms", higher_is_better=False),
        Metric("profile render", render_ms, "ms", floor_ms, FLOOR_LABEL, higher_is_better=False),
        Metric(
            "profile render per page",
            render_ms / styled.pages,
            "ms",
            floor_ms / plain.pages,
            f"{FLOOR_LABEL}, per page",
            higher_is_better=False,
        ),
        Metric("profile pages", styled.pages, "pages", plain.pages, "pages with no stylesheet"),
        Metric("profile size", len(styled.pdf) / 1024, "KB", higher_is_better=False),
        Metric(
            "profile PDFs per hour per worker",
            3_600_000 / medians["end to end"],
            "PDFs/h",
            3_600_000 / floor_ms,
            FLOOR_LABEL,
        ),
        Metric("first render in a worker", first_ms, "ms", higher_is_better=False),
        Metric("WeasyPrint import", import_ms, "ms", higher_is_better=False),
    ]
    for name in cuts:
        metrics.append(
            Metric(
                f"with {name}",
                medians[name],
                "ms",
                render_ms,
                "the profile as rendered",
                higher_is_better=False,
            )
        )
    write_report(
        "documents",
        metrics,
        {**_dataset.context(authority), "rounds": ROUNDS, "assessment": assessment.pk},
    )


if __name__ == "__main__":
    main()
