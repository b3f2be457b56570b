"""The national run: every English authority generated on one PostgreSQL, then each one's
caseload replayed under a draft rule set by Celery workers in parallel.

Run by ``scripts/national_run.sh`` (which starts the servers and the workers); writes
``bench/results/national.json``. About 15–20 minutes on a 2-core machine; not part of
``make bench``.
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
from bench._report import Metric, write_report  # noqa: E402
from valuing_send.authorities.models import Authority, User  # noqa: E402

DRAFT_POINTS = [0, 1, 3, 7, 12]


def database_size() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), pg_size_pretty(pg_database_size(current_database()))"
        )
        return cursor.fetchone()


def drafts_for_every_authority(by) -> dict[int, RuleSetVersion]:
    shipped = RuleSetVersion.objects.get(
        authority__isnull=True, ruleset_id=rulesets.DEFAULT_RULESET_ID
    )
    drafts = {}
    for authority in Authority.objects.order_by("pk"):
        draft = rulesets.ruleset_copy(shipped, authority, by=by)
        drafts[authority.pk] = rulesets.ruleset_update_points(draft, DRAFT_POINTS, by=by)
    return drafts


def main() -> None:
    output = io.StringIO()
    started = time.perf_counter()
    call_command("generate_demo", national=True, seed=1, stdout=output)
    generation_s = time.perf_counter() - started
    print(output.getvalue()[-3000:])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    size_bytes, size_text = database_size()
    counts = {
        "authorities": Authority.objects.count(),
        "children": Child.objects.count(),
        "ehc_plans": Child.objects.filter(sen_status="E").count(),
        "assessments": Assessment.objects.count(),
        "ratings": DomainRating.objects.count(),
        "recommendations": Recommendation.objects.count(),
    }
    print(f"Generated in {generation_s:.0f} s: {counts}; database {size_text}")

    runner, _ = User.objects.get_or_create(
        email="national-bench@valuing-send.test", defaults={"full_name": "National bench"}
    )
    drafts = drafts_for_every_authority(runner)
    replay_started = time.perf_counter()
    with transaction.atomic():  # every replay is queued when this commits
        for authority in Authority.objects.order_by("pk"):
            replays.replay_start(authority, drafts[authority.pk], by=runner)
    while ReplayRun.objects.exclude(status__in=["done", "failed"]).exists():
        time.sleep(1)
    replay_s = time.perf_counter() - replay_started
    runs = list(ReplayRun.objects.all())
    failed = [run for run in runs if run.status == "failed"]
    durations = [run.summary["timings_ms"]["total"] / 1000 for run in runs if run.status == "done"]
    children = sum(run.summary.get("children", 0) for run in runs if run.status == "done")
    changed = sum(run.summary.get("changed", 0) for run in runs if run.status == "done")
    workers = int(os.environ.get("WORKERS", "2"))
    print(
        f"Replayed {len(runs)} authorities ({children:,} children, {changed:,} change) in {replay_s:.1f} s with {workers} workers; {len(failed)} failed"
    )
    write_report(
        "national",
        [
            Metric("generation (all 153 authorities)", generation_s, "s", higher_is_better=False),
            Metric("database size", size_bytes / 2**30, "GiB", higher_is_better=False),
            Metric(
                "replay of every caseload, wall",
                replay_s,
                "s",
                floor=sum(durations) / workers,
                floor_label=f"sum of per-run times ÷ {workers} workers",
                higher_is_better=False,
            ),
            Metric("replay throughput", children / replay_s, "children/s"),
            Metric("slowest single replay", max(durations), "s", higher_is_better=False),
            Metric(
                "median single replay", statistics.median(durations), "s", higher_is_better=False
            ),
        ],
        extra={
            **counts,
            "database_size": size_text,
            "workers": workers,
            "failed_replays": len(failed),
            "changed": changed,
        },
    )


if __name__ == "__main__":
    main()
