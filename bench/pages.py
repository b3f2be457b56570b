"""Pages on a Kent-size authority (PostgreSQL): server time and queries per request.

Run from the repository root against the bench database (scripts/bench.sh sets it up):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.pages

Each page is requested in-process with Django's test ``Client`` signed in as a caseworker of
the authority: warmed up, then timed over ``BENCH_PAGE_REQUESTS`` requests (default 200), with
the queries of a few further requests captured (``CaptureQueriesContext``) for the count and
the database time. The **floor** is the same template rendered with ``render_to_string`` from
the context of one real response, built once and kept in memory: the ratio says how much the
database and the view's own work cost on top of rendering the HTML.
"""

from __future__ import annotations

import gc
import os
import time

from bench import _dataset
from bench._report import Metric, write_report

REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "200"))
WARM_UP = 20
QUERY_SAMPLES = 5
FLOOR_LABEL = "template render from an in-memory context"


def _flat_context(response) -> dict:
    """The top-level template's context of a response (context processors included)."""
    context = response.context
    first = context[0] if isinstance(context, list) else context
    return first.flatten()


def capture_contexts(client, pages) -> dict[str, tuple[str, dict]]:
    """One real response per page with the test environment's template instrumentation on
    (only here: it slows every render, so the timed requests run without it)."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    try:
        captured = {}
        for label, url in pages:
            response = client.get(url)
            response.content  # noqa: B018 - make sure everything lazy has been rendered
            captured[label] = (response.templates[0].name, _flat_context(response))
        return captured
    finally:
        teardown_test_environment()


def time_requests(client, url: str, count: int) -> list[float]:
    for _ in range(WARM_UP):
        client.get(url)
    timings = []
    gc.collect()
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return timings


class _QueryTimer:
    """``connection.execute_wrapper`` that times each query precisely (CaptureQueriesContext
    keeps whole milliseconds)."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))


def count_queries(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, database_ms, timer = [], [], None
    for _ in range(QUERY_SAMPLES):
        timer = _QueryTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            client.get(url)
        counts.append(len(captured.captured_queries))
        database_ms.append(sum(ms for ms, _ in timer.queries))
    slowest = sorted(timer.queries, key=lambda query: -query[0])[:3]
    return {
        "queries": max(counts),
        "queries_min": min(counts),
        "database_ms_median": round(sorted(database_ms)[len(database_ms) // 2], 2),
        "slowest_queries": [{"ms": round(ms, 2), "sql": sql[:600]} for ms, sql in slowest],
    }


def time_renders(template_name: str, context: dict, count: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        for _ in range(WARM_UP):
            render_to_string(template_name, context)
    timings = []
    gc.collect()
    for _ in range(count):
        started = time.perf_counter()
        render_to_string(template_name, context)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(captured.captured_queries) // WARM_UP


def main() -> None:
    _dataset.django_setup()
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    authority = _dataset.bench_authority()
    user = _dataset.bench_caseworker(authority)
    child, latest = _dataset.child_with_history(authority, user)
    surname = (
        authority.children.values("last_name")
        .annotate(count=Count("id"))
        .order_by("-count", "last_name")
        .first()["last_name"]
    )
    children_url = reverse("child-list")
    pages = [
        ("children list", children_url),
        ("children filtered", f"{children_url}?status=E&need=ASD"),
        ("children search", f"{children_url}?q={surname}"),
        ("child (10 assessments)", reverse("child-detail", args=[child.pk])),
        ("assessment summary", reverse("assessment-summary", args=[latest.pk])),
    ]

    client = Client()
    client.force_login(user)
    contexts = capture_contexts(client, pages)

    metrics, details = [], {}
    for label, url in pages:
        print(f"  {label}: {url}", flush=True)
        timings = time_requests(client, url, REQUESTS)
        queries = count_queries(client, url)
        template_name, context = contexts[label]
        floor, floor_queries = time_renders(template_name, context, REQUESTS)
        p50, p95 = _dataset.percentile(timings, 0.5), _dataset.percentile(timings, 0.95)
        floor_p50, floor_p95 = _dataset.percentile(floor, 0.5), _dataset.percentile(floor, 0.95)
        metrics += [
            Metric(f"{label} p50", p50, "ms", floor_p50, FLOOR_LABEL, higher_is_better=False),
            Metric(f"{label} p95", p95, "ms", floor_p95, FLOOR_LABEL, higher_is_better=False),
            Metric(f"{label} queries", queries["queries"], "queries", higher_is_better=False),
        ]
        details[label] = {
            "url": url,
            "template": template_name,
            "requests": REQUESTS,
            "html_bytes": len(client.get(url).content),
            "floor_queries_per_render": floor_queries,
            **queries,
        }
    extra = _dataset.context(authority) | {
        "method": f"in-process django.test.Client, {WARM_UP} warm-up then {REQUESTS} timed "
        "requests per page; floor = render_to_string of the same template with the context of "
        "one real response",
        "search_surname": surname,
        "search_matches": authority.children.search(surname).count(),
        "history_child_assessments": child.assessments.count(),
        "pages": details,
    }
    write_report("pages", metrics, extra)
    for label, detail in details.items():
        print(
            f"  {label}: {detail['queries']} queries, {detail['database_ms_median']} ms in the "
            f"database; slowest {detail['slowest_queries'][0]['ms']} ms"
        )


if __name__ == "__main__":
    main()
