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
variants interleaved round by round (``bench._report.time_rounds``) so a busy machine slows
them alike. Figures marked **CPU** are this process's CPU time (``time.process_time``): what
a worker with a core to itself takes, steadier than wall-clock time on a machine shared with
other work (where wall time mostly measures the queue for the CPU); they leave out the
database's own time, which the wall-clock end to end figure includes. PDFs per hour per worker
come from the CPU time of the whole path.

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
import tempfile
import time
from pathlib import Path

from bench import _dataset
from bench._report import Metric, Timings, rate_metric, time_rounds, timed_metric, write_report

ROUNDS = int(os.environ.get("BENCH_DOCUMENT_ROUNDS", "7"))
PROFILE_TARGET_MS = 1000
PACK_TARGET_MS = 5000
PACK_CASES = 10
FLOOR_LABEL = "WeasyPrint, same HTML, no stylesheet"
ROOT = Path(__file__).resolve().parent.parent


class CpuClock:
    """Wraps actions so that, beside the wall time ``time_rounds`` takes, each call's CPU time
    of this process is kept (``Timings`` per name)."""

    def __init__(self):
        self.samples: dict[str, list[float]] = {}

    def wrap(self, actions: dict) -> dict:
        return {name: self._wrapped(name, action) for name, action in actions.items()}

    def _wrapped(self, name, action):
        def run():
            started = time.process_time()
            result = action()
            self.samples.setdefault(name, []).append((time.process_time() - started) * 1000)
            return result

        return run

    def timings(self, rounds: int) -> dict[str, Timings]:
        # Only the timed rounds: the warm-up's calls come first.
        return {name: Timings(values[-rounds:]) for name, values in self.samples.items()}


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
    html = render_to_string("assessments/assessment_summary.html", context)
    return re.sub(r"<link[^>]*>|<script[^>]*>.*?</script>", "", html, flags=re.S)


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


def meeting_of_ten(authority, user):
    """A panel meeting with ``PACK_CASES`` cases on its agenda, each child with a completed
    needs profile (the generated caseload's open cases, first by id): made once through
    ``panels.services.meeting_create`` and reused by later runs against the same database."""
    import datetime

    from django.utils import timezone

    from assessments.models import AssessmentStatus
    from panels import services as panel_services

    location = "Bench: evidence pack of ten cases"
    meeting = authority.meetings.filter(location=location).first()
    if meeting is not None:
        return meeting
    panel = authority.panels.order_by("pk").first()
    if panel is None:
        panel = panel_services.panel_save(authority, name="Bench panel", members=[user], by=user)
    cases = list(
        authority.panel_cases.open()
        .filter(child__assessments__status=AssessmentStatus.COMPLETE)
        .select_related("child")
        .distinct()
        .order_by("pk")[:PACK_CASES]
    )
    if len(cases) < PACK_CASES:
        raise SystemExit(f"Fewer than {PACK_CASES} open cases with a needs profile")
    return panel_services.meeting_create(
        panel,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        location=location,
        cases=cases,
        by=user,
    )


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
    started = time.perf_counter()
    rendering.html_to_pdf(html)  # fonts and caches set up
    first_ms = (time.perf_counter() - started) * 1000
    styled = rendering.html_to_pdf(html)
    plain = rendering.html_to_pdf(html, stylesheet=False)
    (ROOT / "bench/results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench/results/profile.pdf").write_bytes(styled.pdf)

    def whole_path():
        document = end_to_end(authority, assessment, user)
        assert document.is_ready, document.error
        services.storage().delete(document.file_name)
        Document.objects.filter(pk=document.pk).delete()

    meeting = meeting_of_ten(authority, user)
    pack_html = kinds.evidence_pack_build(authority, meeting).html
    pack = rendering.html_to_pdf(pack_html)
    pack_plain = rendering.html_to_pdf(pack_html, stylesheet=False)
    (ROOT / "bench/results/evidence-pack.pdf").write_bytes(pack.pdf)

    variants = {
        "end to end": whole_path,
        "pack build HTML": lambda: kinds.evidence_pack_build(authority, meeting),
        "pack render": lambda: rendering.html_to_pdf(pack_html),
        "pack floor": lambda: rendering.html_to_pdf(pack_html, stylesheet=False),
        "build HTML": lambda: kinds.profile_build(authority, assessment),
        "render": lambda: rendering.html_to_pdf(html),
        "floor": lambda: rendering.html_to_pdf(html, stylesheet=False),
    }
    cuts = cut_variants(html, web_html)
    clock = CpuClock()
    wall = time_rounds(clock.wrap({**variants, **cuts}), ROUNDS, warm_up=1)
    cpu = clock.timings(ROUNDS)

    metrics = [
        timed_metric(
            "profile end to end",
            wall["end to end"],
            wall["floor"],
            FLOOR_LABEL,
            target=PROFILE_TARGET_MS,
        ),
        timed_metric(
            "profile end to end, CPU",
            cpu["end to end"],
            cpu["floor"],
            FLOOR_LABEL,
            target=PROFILE_TARGET_MS,
        ),
        timed_metric("profile build HTML", wall["build HTML"]),
        timed_metric("profile render", wall["render"], wall["floor"], FLOOR_LABEL),
        timed_metric("profile render, CPU", cpu["render"], cpu["floor"], FLOOR_LABEL),
        Metric(
            "profile render per page, CPU",
            cpu["render"].p50 / styled.pages,
            "ms",
            cpu["floor"].p50 / plain.pages,
            f"{FLOOR_LABEL}, per page",
            higher_is_better=False,
            rounds=ROUNDS,
        ),
        Metric("profile pages", styled.pages, "pages", plain.pages, "pages with no stylesheet"),
        Metric("profile size", len(styled.pdf) / 1024, "KB", higher_is_better=False),
        rate_metric(
            "profile PDFs per hour per worker, CPU",
            3600,
            cpu["end to end"],
            cpu["floor"],
            FLOOR_LABEL,
            unit="PDFs/h",
        ),
        timed_metric(
            f"evidence pack of {PACK_CASES} cases, render",
            wall["pack render"],
            wall["pack floor"],
            FLOOR_LABEL,
            target=PACK_TARGET_MS,
        ),
        timed_metric(
            f"evidence pack of {PACK_CASES} cases, render, CPU",
            cpu["pack render"],
            cpu["pack floor"],
            FLOOR_LABEL,
            target=PACK_TARGET_MS,
        ),
        timed_metric(f"evidence pack of {PACK_CASES} cases, build HTML", wall["pack build HTML"]),
        Metric(
            "evidence pack render per page, CPU",
            cpu["pack render"].p50 / pack.pages,
            "ms",
            cpu["pack floor"].p50 / pack_plain.pages,
            f"{FLOOR_LABEL}, per page",
            higher_is_better=False,
            rounds=ROUNDS,
        ),
        Metric(
            "evidence pack pages", pack.pages, "pages", pack_plain.pages, "pages with no stylesheet"
        ),
        rate_metric(
            f"evidence packs of {PACK_CASES} cases per hour per worker, CPU",
            3600,
            cpu["pack render"],
            cpu["pack floor"],
            FLOOR_LABEL,
            unit="packs/h",
        ),
        Metric("first render in a worker", first_ms, "ms", higher_is_better=False),
        Metric("WeasyPrint import", import_ms, "ms", higher_is_better=False),
    ]
    for name in cuts:
        metrics.append(
            timed_metric(f"with {name}, CPU", cpu[name], cpu["render"], "the profile as rendered")
        )
    write_report(
        "documents",
        metrics,
        {
            **_dataset.context(authority),
            "rounds": ROUNDS,
            "assessment": assessment.pk,
            "meeting": meeting.pk,
        },
    )


if __name__ == "__main__":
    main()
