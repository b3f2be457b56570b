"""Indicators on a Kent-size authority (PostgreSQL), and the national recompute.

    .venv/bin/python -m bench.indicators             # Kent: recompute and dashboard
    .venv/bin/python -m bench.indicators --national  # every authority, through Celery workers

**Full recompute** (``snapshots.snapshot_period`` for the open period: the caseload's facts
into a temporary table, every count grouped by the five breakdowns and by setting, the rollups,
about 7,000 snapshot rows replaced in a transaction), against a floor measured in the same
run: one SQL statement computing the same counts — the same per-child facts, aggregated with
``GROUP BY GROUPING SETS`` and ``FILTER`` clauses — with no Python and no writes. Subject and
floor alternate over the same rounds; the medians are compared.

**Dashboard**: median and p95 of the dashboard page over ``BENCH_PAGE_REQUESTS`` rounds signed
in as a manager, against the same floors as ``bench.pages`` timed in the same rounds (the same
HTML pre-rendered behind the same middleware and ``@requires``; the render alone); queries per
request.

**National** (``--national``, run by ``scripts/national_run.sh`` on the database of all 153
authorities): every authority's recompute queued at once to Celery workers started here, with
1 worker and then 2; wall time from queueing to the last run finished. A first pass (not
compared) works out each authority's history; the timed passes recompute the open period.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import _dataset
from bench._report import Metric, write_report

ROUNDS = int(os.environ.get("BENCH_RECOMPUTE_ROUNDS", "9"))
REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "200"))
MANAGER_EMAIL = "bench.manager@valuing-send.test"
ROOT = Path(__file__).resolve().parent.parent


def bench_manager(authority):
    from valuing_send.authorities.models import Membership, Role, User

    user = User.objects.filter(email=MANAGER_EMAIL).first() or User.objects.create_user(
        email=MANAGER_EMAIL, password=_dataset.CASEWORKER_PASSWORD, full_name="Bench Manager"
    )
    Membership.objects.get_or_create(
        user=user, authority=authority, defaults={"role": Role.MANAGER}
    )
    return user


def floor_sql(window, authority) -> tuple[str, list]:
    """One statement: the per-child facts and every count of the recompute, grouped by the
    five breakdowns and by setting at once (GROUPING SETS)."""
    from valuing_send.indicators import facts

    base, params = facts.base_sql(facts.context_for(authority, window))
    counts = {**facts.COUNT_COLUMNS, **facts.DOMAIN_COLUMNS}
    aggregates = [f"COUNT(*) FILTER (WHERE {cond}) AS {name}" for name, cond in counts.items()]
    aggregates += [
        f"SUM({amount}) FILTER (WHERE {cond}) AS {name}"
        for name, (amount, cond) in facts.SUM_COLUMNS.items()
    ]
    dims = ", ".join(f"f.{name}" for name in facts.DIMENSION_COLUMNS)
    sql = (
        f"SELECT {dims}, f.setting_id, {', '.join(aggregates)} FROM ({base}) f "
        f"GROUP BY GROUPING SETS (({dims}), (f.setting_id, f.setting_type))"
    )
    return sql, params


def time_floor(sql, params) -> tuple[float, list]:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        started = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return (time.perf_counter() - started) * 1000, rows


def recompute_metrics(authority) -> tuple[list[Metric], dict]:
    from django.utils import timezone

    from valuing_send.indicators import facts, snapshots
    from valuing_send.indicators.models import SnapshotTrigger

    today = timezone.localdate()
    window = facts.Window(snapshots.open_period(today), today)
    sql, params = floor_sql(window, authority)
    subject, floor, rows = [], [], []
    for round_number in range(ROUNDS + 1):
        started = time.perf_counter()
        run = snapshots.snapshot_period(authority, window, trigger=SnapshotTrigger.MANUAL)
        subject_ms = (time.perf_counter() - started) * 1000
        floor_ms, rows = time_floor(sql, params)
        if round_number:  # the first round warms caches and plans
            subject.append(subject_ms)
            floor.append(floor_ms)
    # Cross-check: the floor counted the same plans as the snapshot holds.
    columns = [*facts.DIMENSION_COLUMNS, "setting_id", *facts.COUNT_COLUMNS]
    plans_at = columns.index("plans")
    floor_plans = sum(
        row[plans_at] for row in rows if row[facts.DIMENSION_COLUMNS.index("gender")] is not None
    )
    stored = authority.indicator_snapshots.get(
        period=window.period, indicator="ehc_plans", dimension=""
    )
    if stored.numerator != floor_plans:
        raise SystemExit(f"floor counted {floor_plans} plans, the recompute {stored.numerator}")
    median, floor_median = statistics.median(subject), statistics.median(floor)
    metrics = [
        Metric(
            "full recompute (Kent, one period)",
            median,
            "ms",
            floor_median,
            "one SQL pass, GROUP BY GROUPING SETS with FILTER",
            target=1000,
            higher_is_better=False,
        ),
        Metric(
            "recompute ÷ floor",
            median / floor_median,
            "×",
            target=1.5,
            higher_is_better=False,
        ),
    ]
    return metrics, {
        "rounds": ROUNDS,
        "recompute_ms": [round(v, 1) for v in subject],
        "floor_ms": [round(v, 1) for v in floor],
        "rows_written": run.rows,
        "children": run.children,
        "plans": stored.numerator,
    }


def dashboard_metrics(authority) -> tuple[list[Metric], dict]:
    """The dashboard against the same floors as every staff page (``bench.pages.measure_page``:
    the same HTML pre-rendered behind the same middleware and ``@requires``, and the render
    alone), signed in as a manager."""
    from django.test.utils import override_settings
    from django.urls import reverse

    from bench import pages

    url = reverse("indicator-dashboard")
    with override_settings(ROOT_URLCONF="bench.prerendered"):
        client = pages.signed_in_client(bench_manager(authority))
        metrics, detail = pages.measure_page(
            client, label="dashboard", slug="dashboard", url=url, rounds=REQUESTS
        )
    detail["constant_queries"] = detail["queries"] == detail["queries_min"]
    return metrics, detail


def kent() -> None:
    _dataset.django_setup()
    from valuing_send.indicators import snapshots
    from valuing_send.indicators.models import PublishedFigure

    authority = _dataset.bench_authority()
    if not PublishedFigure.objects.exists():
        raise SystemExit("No published figures: run manage.py import_published first")
    load_before = os.getloadavg()
    snapshots.snapshot_refresh(authority)  # history and the last census, once
    metrics, details = recompute_metrics(authority)
    page_metrics, page_details = dashboard_metrics(authority)
    extra = _dataset.context(authority) | {
        "recompute": details,
        "dashboard": page_details,
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
    }
    write_report("indicators", metrics + page_metrics, extra)


# ----- National --------------------------------------------------------------------------


def start_workers(count: int) -> list[subprocess.Popen]:
    from valuing_send.celery import app

    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "valuing_send",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
                f"--hostname=indicators{index}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        for index in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=0.5) or []) < count:
        if time.monotonic() > deadline:
            stop_workers(workers)
            raise SystemExit("the Celery workers did not start")
    return workers


def stop_workers(workers) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)


def national_pass(ids, workers: int) -> float:
    from django.utils import timezone

    from valuing_send.indicators.models import SnapshotRun, SnapshotTrigger
    from valuing_send.indicators.tasks import recompute_authority

    running = start_workers(workers)
    try:
        marker = timezone.now()
        started = time.perf_counter()
        for authority_id in ids:
            recompute_authority.delay(authority_id, SnapshotTrigger.MANUAL)
        while True:
            done = (
                SnapshotRun.objects.filter(started_at__gte=marker, finished_at__isnull=False)
                .values("authority_id")
                .distinct()
                .count()
            )
            if done >= len(ids):
                break
            time.sleep(0.2)
        return time.perf_counter() - started
    finally:
        stop_workers(running)


def national() -> None:
    _dataset.django_setup()
    from valuing_send.authorities.models import Authority

    ids = list(Authority.objects.order_by("pk").values_list("pk", flat=True))
    load_before = os.getloadavg()
    first = national_pass(ids, 2)  # works out history and the last census once
    one = national_pass(ids, 1)
    two = national_pass(ids, 2)
    metrics = [
        Metric("national recompute, 1 worker", one, "s", target=60, higher_is_better=False),
        Metric("national recompute, 2 workers", two, "s", target=60, higher_is_better=False),
        Metric("speed-up with 2 workers", one / two, "×"),
    ]
    from assessments.models import Child

    write_report(
        "indicators_national",
        metrics,
        {
            "authorities": len(ids),
            "children": Child.objects.count(),
            "first_pass_with_history_s": round(first, 1),
            "machine": _dataset.machine(),
            "load_average_before": [round(v, 2) for v in load_before],
        },
    )


if __name__ == "__main__":
    national() if "--national" in sys.argv else kent()
