"""Staff pages on a Kent-size authority (PostgreSQL): server time and queries per request,
each against two floors timed in the same rounds.

Run from the repository root against the bench database (scripts/bench.sh sets it up):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.pages

Each page is requested in-process with Django's test ``Client``, signed in as a caseworker of
the authority (with the second factor, as the sign-in pages leave a session). Per page, after a
warm-up, ``BENCH_PAGE_ROUNDS`` rounds (default 200) each time three things in turn:
- the **page**: a real request;
- the **pre-rendered floor** (the fair one, and the target's reference): the same request
  path through the same middleware, session, authentication and ``@requires`` tenancy with the
  page's own permission, answering the page's own HTML kept as bytes
  (``bench/prerendered.py``). The difference is the page's own work: queries and rendering.
  Target: the page's median within 2× of this floor, and its p95 under 100 ms;
- the **render-only floor**: the page's template rendered with ``render_to_string`` from the
  context of one real response kept in memory (what rendering alone costs).
Then a few more requests count the queries and time them in the database, and a last figure
adds up what no tuning of the Python between queries can remove: the pre-rendered floor, the
database time the page adds to the floor's, and the render alone. Its ratio to the floor is
the best the page's queries and template allow; where it is below 0.5×, meeting the target
needs fewer or faster queries, a cheaper template, or the rendered page kept.

Memory: the peak RSS of this process (one in-process "worker" that served every page) is
recorded beside the figures.
"""

from __future__ import annotations

import os
import time

from bench import _dataset
from bench._report import Metric, peak_rss_mb, time_rounds, timed_metric, write_report

ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", os.environ.get("BENCH_PAGE_REQUESTS", "200")))
WARM_UP = 20
QUERY_SAMPLES = 5
PRERENDERED_LABEL = "the same HTML pre-rendered, served through the same middleware and @requires"
RENDER_LABEL = "template render from an in-memory context"
BOUND_LABEL = (
    "the pre-rendered floor; the figure adds the page's own database time and its render alone: "
    "its ratio is the best these queries and this template allow"
)
TARGET_P95_MS = 100
TARGET_RATIO = 0.5  # the page's median within 2× of its pre-rendered floor


def _page_template(response) -> tuple[str, dict]:
    """The page's own template and its context (context processors included): the template
    that extends ``base.html`` (rendered just before it), not a partial or a field include
    rendered before the page (the children list renders its filter form first)."""
    contexts = response.context if isinstance(response.context, list) else [response.context]
    names = [template.name for template in response.templates]
    if "base.html" in names and names.index("base.html") > 0:
        index = names.index("base.html") - 1
        return names[index], contexts[index].flatten()
    return names[0], contexts[0].flatten()


def capture_contexts(client, pages) -> dict[str, tuple[str, dict]]:
    """One real response per page with the test environment's template instrumentation on
    (only here: it slows every render, so the timed requests run without it)."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    try:
        captured = {}
        for page in pages:
            response = client.get(page["url"])
            response.content  # noqa: B018 - make sure everything lazy has been rendered
            captured[page["slug"]] = _page_template(response)
        return captured
    finally:
        teardown_test_environment()


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

    counts, database_ms, timer = [], [], None
    for _ in range(QUERY_SAMPLES):
        timer = _QueryTimer()
        with connection.execute_wrapper(timer):
            client.get(url)
        counts.append(len(timer.queries))
        database_ms.append(sum(ms for ms, _ in timer.queries))
    slowest = sorted(timer.queries, key=lambda query: -query[0])[:3]
    return {
        "queries": max(counts),
        "queries_min": min(counts),
        "database_ms_median": round(sorted(database_ms)[len(database_ms) // 2], 2),
        "slowest_queries": [{"ms": round(ms, 2), "sql": sql[:600]} for ms, sql in slowest],
    }


def _getter(client, url: str):
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return len(response.content)

    return get


def _renderer(template_name: str, context: dict):
    from django.template.loader import render_to_string

    return lambda: render_to_string(template_name, context)


def signed_in_client(user):
    """A test client signed in as ``user``, with the second factor where the app asks for one."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    _dataset.second_factor_done(client, user)
    return client


def bench_pages(authority, user) -> list[dict]:
    from django.db.models import Count
    from django.urls import resolve, reverse

    child, latest = _dataset.child_with_history(authority, user)
    surname = (
        authority.children.values("last_name")
        .annotate(count=Count("id"))
        .order_by("-count", "last_name")
        .first()["last_name"]
    )
    children_url = reverse("child-list")
    pages = [
        ("children list", "children", children_url),
        ("children filtered", "children-filtered", f"{children_url}?status=E&need=ASD"),
        ("children search", "children-search", f"{children_url}?q={surname}"),
        ("child (10 assessments)", "child", reverse("child-detail", args=[child.pk])),
        ("assessment summary", "summary", reverse("assessment-summary", args=[latest.pk])),
    ]
    return [
        {
            "label": label,
            "slug": slug,
            "url": url,
            "action": resolve(url.split("?")[0]).func.required_action,
            "surname": surname,
            "child": child,
        }
        for label, slug, url in pages
    ]


def measure_page(
    client, *, label: str, slug: str, url: str, rounds: int = ROUNDS, target_p95=TARGET_P95_MS
) -> tuple[list[Metric], dict]:
    """One page against its two floors over the same interleaved rounds: the page, the same
    HTML pre-rendered behind the same middleware and ``@requires`` (the target's reference),
    and its template rendered from one real response's context; then its queries. ``client``
    is signed in and the URLconf is ``bench.prerendered`` (``override_settings``). Used by
    every bench of a page (``bench.panels``, ``bench.indicators``)."""
    from django.urls import resolve

    from bench import prerendered

    print(f"  {label}: {url}", flush=True)
    action = resolve(url.split("?")[0]).func.required_action
    template_name, context = capture_contexts(client, [{"slug": slug, "url": url}])[slug]
    body = client.get(url).content
    floor_url = prerendered.register(slug, body, action)
    if client.get(floor_url).content != body:
        raise SystemExit(f"The pre-rendered floor of {label} answers other bytes")
    timings = time_rounds(
        {
            "page": _getter(client, url),
            "prerendered": _getter(client, floor_url),
            "render": _renderer(template_name, context),
        },
        rounds,
        warm_up=WARM_UP,
    )
    queries = count_queries(client, url)
    floor_counted = count_queries(client, floor_url)
    floor_queries = floor_counted["queries"]
    # What the page would take if nothing but its own queries and its template cost anything:
    # the floor, the database time the page adds to the floor's (session, user, membership),
    # and the render alone. Its ratio is the best this page's queries and template allow
    # without keeping the rendered page: below the target's 0.5×, no tuning of the Python
    # between them can meet it.
    own_database_ms = max(0.0, queries["database_ms_median"] - floor_counted["database_ms_median"])
    bound_ms = timings["prerendered"].p50 + own_database_ms + timings["render"].p50
    metrics = [
        timed_metric(
            label,
            timings["page"],
            timings["prerendered"],
            PRERENDERED_LABEL,
            target_p95=target_p95,
            min_ratio=TARGET_RATIO,
        ),
        timed_metric(f"{label}: render only", timings["render"]),
        Metric(f"{label} queries", queries["queries"], "queries", higher_is_better=False),
        Metric(
            f"{label}: floor + own queries + render",
            bound_ms,
            "ms",
            floor=timings["prerendered"].p50,
            floor_label=BOUND_LABEL,
            higher_is_better=False,
        ),
    ]
    detail = {
        "url": url,
        "template": template_name,
        "rounds": rounds,
        "html_bytes": len(body),
        "page_ms": {"p50": timings["page"].p50, "p95": timings["page"].p95},
        "prerendered_floor_ms": {
            "p50": timings["prerendered"].p50,
            "p95": timings["prerendered"].p95,
        },
        "render_only_floor_ms": {"p50": timings["render"].p50, "p95": timings["render"].p95},
        "prerendered_floor_queries": floor_queries,
        "prerendered_floor_database_ms_median": floor_counted["database_ms_median"],
        "own_database_ms": round(own_database_ms, 2),
        "queries_and_render_bound_ms": round(bound_ms, 2),
        **queries,
    }
    return metrics, detail


def main() -> None:
    _dataset.django_setup()
    from django.test.utils import override_settings

    authority = _dataset.bench_authority()
    user = _dataset.bench_caseworker(authority)
    pages = bench_pages(authority, user)

    metrics, details = [], {}
    with override_settings(ROOT_URLCONF="bench.prerendered"):
        client = signed_in_client(user)
        for page in pages:
            page_metrics, details[page["label"]] = measure_page(
                client, label=page["label"], slug=page["slug"], url=page["url"]
            )
            metrics += page_metrics
    surname = pages[0]["surname"]
    extra = _dataset.context(authority) | {
        "method": f"in-process django.test.Client, {WARM_UP} warm-up rounds then {ROUNDS} "
        "rounds per page, each timing in turn the page, its pre-rendered floor (same "
        "middleware, session and @requires, the page's HTML as bytes) and its render-only "
        "floor (render_to_string of the same template with the context of one real response)",
        "search_surname": surname,
        "search_matches": authority.children.search(surname).count(),
        "history_child_assessments": pages[0]["child"].assessments.count(),
        "peak_rss_mb_in_process_server": round(peak_rss_mb() or 0, 1),
        "pages": details,
    }
    write_report("pages", metrics, extra)
    for label, detail in details.items():
        print(
            f"  {label}: {detail['queries']} queries ({detail['prerendered_floor_queries']} for "
            f"its floor), {detail['database_ms_median']} ms in the database; slowest "
            f"{detail['slowest_queries'][0]['ms']} ms; {detail['html_bytes']:,} bytes"
        )


if __name__ == "__main__":
    main()
