"""The work tray and a case timeline on a Kent-size authority (PostgreSQL): server time and
queries per page, against a floor measured in the same rounds.

Run from the repository root against the bench database (scripts/bench.sh sets it up, with
the panel cases the generator makes calibrated to Kent's published figures):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.panels

Each page is requested in-process with Django's test ``Client``, signed in as a real user of
the authority (the caseworker with the most open cases, or a manager for the team tray).
**Floor**, per page and per round: one indexed range query over the same open cases (the
tray's first page by next deadline; for the timeline, the case's status rows) plus
``render_to_string`` of the same template from the context of one real response kept in
memory. Request and floor alternate round by round, so both see the same machine; the report
gives p50 and p95 of each, their ratio, and the load average before and after.
Target: the tray's p95 under 100 ms and within 2× its floor, with the same number of queries
for a caseworker's tray (tens of cases) and the team's (thousands).
"""

from __future__ import annotations

import gc
import os
import time

from bench import _dataset
from bench._report import Metric, write_report
from bench.pages import WARM_UP, capture_contexts, count_queries

ROUNDS = int(os.environ.get("BENCH_PAGE_REQUESTS", "200"))
FLOOR_LABEL = "one indexed range query + template render from an in-memory context"
TRAY_TARGET_MS = 100.0


def _people(authority):
    from django.db.models import Count

    from valuing_send.authorities.models import Membership, Role, User

    busiest = (
        authority.panel_cases.open()
        .exclude(caseworker=None)
        .values("caseworker")
        .annotate(n=Count("pk"))
        .order_by("-n", "caseworker")
        .first()
    )
    if busiest is None:
        raise SystemExit("No open panel cases: generate_demo makes them (panels.demo_data)")
    caseworker = User.objects.get(pk=busiest["caseworker"])
    manager = User.objects.filter(email="bench.manager@valuing-send.test").first()
    if manager is None:
        manager = User.objects.create_user(
            email="bench.manager@valuing-send.test",
            password=_dataset.CASEWORKER_PASSWORD,
            full_name="Bench Manager",
        )
    Membership.objects.get_or_create(
        user=manager, authority=authority, defaults={"role": Role.MANAGER}
    )
    return caseworker, busiest["n"], manager


def _long_case(authority):
    """A closed assessment with the longest history: status rows, advice, decisions."""
    from django.db.models import Count

    return (
        authority.panel_cases.filter(kind="issue_decision")
        .annotate(rows=Count("status_changes"))
        .order_by("-rows", "pk")
        .first()
    )


def floor_query(page: str, authority, user, case):
    """The one indexed range query a page of its kind cannot do without."""
    if page.startswith("tray"):
        cases = authority.panel_cases.open()
        if page == "tray (caseworker)":
            cases = cases.filter(caseworker=user)
        return lambda: list(cases.order_by("next_due", "pk").values_list("pk", "next_due")[:50])
    return lambda: list(case.status_changes.order_by("at", "pk").values_list("pk", "at"))


def alternate(client, url, query, template_name, context, rounds):
    """Round by round: one request, then one floor (query + render)."""
    from django.template.loader import render_to_string

    for _ in range(WARM_UP):
        client.get(url)
        query()
        render_to_string(template_name, context)
    requests, floors = [], []
    gc.collect()
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        requests.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        started = time.perf_counter()
        query()
        render_to_string(template_name, context)
        floors.append((time.perf_counter() - started) * 1000)
    return requests, floors


def main() -> None:
    _dataset.django_setup()
    from django.test import Client
    from django.urls import reverse

    authority = _dataset.bench_authority()
    caseworker, caseworker_cases, manager = _people(authority)
    case = _long_case(authority)
    open_cases = authority.panel_cases.open().count()
    tray = reverse("case-tray")
    pages = [
        ("tray (caseworker)", caseworker, tray),
        ("tray (team)", manager, f"{tray}?view=team"),
        (
            "tray (team, overdue assessments)",
            manager,
            f"{tray}?view=team&kind=issue_decision&due=overdue",
        ),
        ("case timeline", caseworker, reverse("case-detail", args=[case.pk])),
    ]
    load_before = os.getloadavg()
    metrics, details = [], {}
    for label, user, url in pages:
        print(f"  {label}: {url}", flush=True)
        client = Client()
        client.force_login(user)
        template_name, context = capture_contexts(client, [(label, url)])[label]
        requests, floors = alternate(
            client,
            url,
            floor_query(label, authority, user, case),
            template_name,
            context,
            ROUNDS,
        )
        queries = count_queries(client, url)
        p50, p95 = _dataset.percentile(requests, 0.5), _dataset.percentile(requests, 0.95)
        f50, f95 = _dataset.percentile(floors, 0.5), _dataset.percentile(floors, 0.95)
        is_tray = label.startswith("tray")
        metrics += [
            Metric(f"{label} p50", p50, "ms", f50, FLOOR_LABEL, higher_is_better=False),
            Metric(
                f"{label} p95",
                p95,
                "ms",
                f95,
                FLOOR_LABEL,
                target=TRAY_TARGET_MS if is_tray else None,
                higher_is_better=False,
            ),
            Metric(f"{label} queries", queries["queries"], "queries", higher_is_better=False),
        ]
        details[label] = {
            "url": url,
            "template": template_name,
            "rounds": ROUNDS,
            "html_bytes": len(client.get(url).content),
            "within_2x_floor_p95": p95 <= 2 * f95,
            "floor_p50_ms": round(f50, 2),
            "floor_p95_ms": round(f95, 2),
            **queries,
        }
    load_after = os.getloadavg()
    same_queries = details["tray (caseworker)"]["queries"] == details["tray (team)"]["queries"]
    extra = _dataset.context(authority) | {
        "method": f"in-process django.test.Client, {WARM_UP} warm-up rounds then {ROUNDS} "
        "rounds per page, each one request then one floor (indexed range query + "
        "render_to_string of the same template with the context of one real response)",
        "open_cases": open_cases,
        "caseworker_open_cases": caseworker_cases,
        "caseworkers_with_open_cases": authority.panel_cases.open()
        .exclude(caseworker=None)
        .values("caseworker")
        .distinct()
        .count(),
        "timeline_case_status_rows": case.status_changes.count(),
        "tray_queries_same_for_caseworker_and_team": same_queries,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "pages": details,
    }
    write_report("panels", metrics, extra)
    print(
        f"  {open_cases:,} open cases; the caseworker has {caseworker_cases}; "
        f"tray queries the same for both: {same_queries}; load {load_before[0]:.2f} → "
        f"{load_after[0]:.2f}"
    )
    for label, detail in details.items():
        print(
            f"  {label}: {detail['queries']} queries, {detail['database_ms_median']} ms in the "
            f"database; within 2× floor at p95: {detail['within_2x_floor_p95']}"
        )


if __name__ == "__main__":
    main()
