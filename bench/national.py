"""The national run: every English authority generated on one PostgreSQL, then each one's
caseload replayed under a draft rule set by 1, then 2, then 4 Celery workers.

Run by ``scripts/national_run.sh`` (which starts PostgreSQL and Redis); writes
``bench/results/national.json``. About 30 minutes on a quiet 2-core machine; not part of
``make bench``.

Scale-out is shown, not assumed: for each worker count the bench starts that many real workers
(``celery worker --pool=solo``, one task at a time each), queues the 153 replays at once, and
times the whole until the last is done. The **floor** of a run with N workers is the 1-worker
run's time divided by N (perfect scale-out), so the ratio is the **efficiency** against the
1-worker run, and the speed-up is the 1-worker time over this one. Each run records the peak
memory of its workers. With 4 workers on 2 cores (and PostgreSQL on the same cores) the run
shows where contention starts.
"""

import io
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuing_send.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from assessments import replays, rulesets  # noqa: E402
from assessments.models import (  # noqa: E402
    Assessment,
    Child,
    DomainRating,
    Recommendation,
    ReplayRun,
    RuleSetVersion,
)
from bench._report import LoadWatch, Metric, write_report  # noqa: E402
from bench.worker import CeleryWorker, purge_queue  # noqa: E402
from valuing_send.authorities.models import Authority, User  # noqa: E402

DRAFT_POINTS = [0, 1, 3, 7, 12]
WORKER_COUNTS = [int(n) for n in os.environ.get("NATIONAL_WORKERS", "1 2 4").split()]


def database_size() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        return cursor.fetchone()


def drafts_for_every_authority(by) -> dict[int, RuleSetVersion]:
    shipped = RuleSetVersion.objects.get(
        authority__isnull=True, ruleset_id=rulesets.DEFAULT_RULESET_ID
    )
    drafts = {}
    for authority in Authority.objects.order_by("pk"):
        draft = authority.rule_sets.filter(created_by=by, status="draft").first()
        if draft is None:
            draft = rulesets.ruleset_copy(shipped, authority, by=by)
            draft = rulesets.ruleset_update_points(draft, DRAFT_POINTS, by=by)
        drafts[authority.pk] = draft
    return drafts


def replay_everything(workers: int, drafts, runner) -> dict:
    """Every authority's replay queued at once and done by ``workers`` workers."""
    purge_queue()
    with LoadWatch() as load:
        pools = [CeleryWorker(f"national{workers}-{index}") for index in range(workers)]
        for pool in pools:
            pool.__enter__()
        try:
            started = time.perf_counter()
            with transaction.atomic():  # every replay is queued when this commits
                runs = [
                    replays.replay_start(authority, drafts[authority.pk], by=runner).pk
                    for authority in Authority.objects.order_by("pk")
                ]
            while ReplayRun.objects.filter(pk__in=runs).exclude(status__in=["done", "failed"]):
                time.sleep(0.5)
            wall = time.perf_counter() - started
            peak_rss = max(pool.peak_rss_mb() for pool in pools)
        finally:
            for pool in pools:
                pool.__exit__(None, None, None)
    finished = list(ReplayRun.objects.filter(pk__in=runs))
    done = [run for run in finished if run.status == "done"]
    durations = [run.summary["timings_ms"]["total"] / 1000 for run in done]
    children = sum(run.summary.get("children", 0) for run in done)
    return {
        "workers": workers,
        "wall_s": round(wall, 2),
        "children": children,
        "children_per_s": round(children / wall),
        "failed": len(finished) - len(done),
        "slowest_replay_s": round(max(durations), 2),
        "median_replay_s": round(statistics.median(durations), 3),
        "sum_of_replays_s": round(sum(durations), 1),
        "worker_peak_rss_mb": round(peak_rss, 1),
        "load": load.result(),
    }


def main() -> None:
    generation = LoadWatch()
    output = io.StringIO()
    started = time.perf_counter()
    if not Authority.objects.filter(children__isnull=False).exists():
        only = os.environ.get("NATIONAL_ONLY")  # e.g. "886,887" to try the run on two
        call_command("generate_demo", national=True, seed=1, only=only, stdout=output)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    generation_s = time.perf_counter() - started
    generation_load = generation.result()
    print(output.getvalue()[-3000:])
    size_bytes, size_text = database_size()
    counts = {
        "authorities": Authority.objects.count(),
        "children": Child.objects.count(),
        "ehc_plans": Child.objects.filter(sen_status="E").count(),
        "assessments": Assessment.objects.count(),
        "ratings": DomainRating.objects.count(),
        "recommendations": Recommendation.objects.count(),
    }
    print(f"Generated in {generation_s:.0f} s: {counts}; database {size_text}", flush=True)

    runner, _ = User.objects.get_or_create(
        email="national-bench@valuing-send.test", defaults={"full_name": "National bench"}
    )
    drafts = drafts_for_every_authority(runner)
    results = []
    for workers in WORKER_COUNTS:
        result = replay_everything(workers, drafts, runner)
        results.append(result)
        print(
            f"{workers} worker(s): {result['children']:,} children in {result['wall_s']} s "
            f"({result['children_per_s']:,}/s), {result['failed']} failed; worker peak RSS "
            f"{result['worker_peak_rss_mb']} MiB; load {result['load']['load_average_start']}"
            f" → {result['load']['load_average_end']}",
            flush=True,
        )

    baseline = next((r for r in results if r["workers"] == 1), results[0])
    metrics = [
        Metric("generation (all 153 authorities)", generation_s, "s", higher_is_better=False),
        Metric("database size", size_bytes / 2**30, "GiB", higher_is_better=False),
    ]
    for result in results:
        workers = result["workers"]
        speed_up = baseline["wall_s"] / result["wall_s"]
        result["speed_up"] = round(speed_up, 2)
        result["efficiency"] = round(speed_up / workers * baseline["workers"], 2)
        metrics += [
            Metric(
                f"replay of every caseload, {workers} worker{'s' if workers > 1 else ''}",
                result["wall_s"],
                "s",
                floor=baseline["wall_s"] * baseline["workers"] / workers,
                floor_label="the 1-worker run's time ÷ workers (perfect scale-out; "
                "the ratio is the efficiency)",
                higher_is_better=False,
            ),
            Metric(f"throughput, {workers} workers", result["children_per_s"], "children/s"),
            Metric(f"speed-up, {workers} workers", speed_up, "×"),
            Metric(
                f"worker peak RSS, {workers} workers",
                result["worker_peak_rss_mb"],
                "MiB",
                higher_is_better=False,
            ),
        ]
    write_report(
        "national",
        metrics,
        extra={
            **counts,
            "database_size": size_text,
            "generation_load": generation_load,
            "runs": results,
            "cores": os.cpu_count(),
        },
    )


if __name__ == "__main__":
    main()
