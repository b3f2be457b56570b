"""A Celery worker replaying the Kent caseload: time through the queue and the worker's memory.

Run from the repository root against the bench database and Redis (scripts/bench.sh sets them
up; needs ``REDIS_URL``, as production does):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.worker

Starts one real worker (``celery -A valuing_send worker --pool=solo``, as production runs it,
one task at a time) and, over ``ROUNDS`` rounds, times in turn:
- a **replay through the worker**: ``replays.replay_start`` (which queues the task when its
  transaction commits) until the run is done, as the replay page sees it;
- its **floor**: ``replays.replay_execute`` of another run of the same draft, in this process,
  without the queue: the same reads, evaluation and writes.
The difference is what the queue, the worker and polling for the result add.

Memory: the worker's peak RSS (``VmHWM``) once it is ready and idle (the floor: a worker that
has imported the app) and after the replays (what replaying Kent costs a worker).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from bench import _dataset
from bench._report import Metric, Timings, peak_rss_mb, timed_metric, write_report

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_WORKER_ROUNDS", "5"))
POLL_SECONDS = 0.05
TIMEOUT_SECONDS = 600


class CeleryWorker:
    """``celery -A valuing_send worker --pool=solo`` as a subprocess, stopped on exit."""

    def __init__(self, name: str = "bench"):
        handle, log = tempfile.mkstemp(prefix="bench-celery-", suffix=".log")
        os.close(handle)
        self.log = Path(log)
        self.command = [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "valuing_send",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--logfile={self.log}",
            "-n",
            f"{name}@%h",
        ]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> CeleryWorker:
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"The Celery worker exited: {self._log_tail()}")
            if " ready." in self.log.read_text(encoding="utf-8", errors="replace"):
                return self
            time.sleep(0.2)
        raise SystemExit(f"The Celery worker was not ready within 120 s: {self._log_tail()}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.process.pid) or 0.0

    def _log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-2000:]


def purge_queue() -> None:
    """Nothing left in the queue by an earlier run is replayed now."""
    subprocess.run(
        [str(Path(sys.executable).parent / "celery"), "-A", "valuing_send", "purge", "-f"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    _dataset.django_setup()
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("bench.worker needs REDIS_URL (a real broker), as scripts/bench.sh sets")
    from assessments import replays
    from assessments.models import ReplayRun
    from bench.rules_caseload import bench_draft

    authority = _dataset.bench_authority()
    user = _dataset.bench_caseworker(authority)
    draft = bench_draft(authority, user)
    children = authority.children.count()

    def through_worker():
        run = replays.replay_start(authority, draft, by=user)
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            status = ReplayRun.objects.filter(pk=run.pk).values_list("status", flat=True)[0]
            if status == "done":
                return run.pk
            if status == "failed":
                raise SystemExit(f"Replay {run.pk} failed in the worker")
            time.sleep(POLL_SECONDS)
        raise SystemExit(f"Replay {run.pk} not done within {TIMEOUT_SECONDS} s")

    def in_process():
        # The same run made the same way, but not queued: executed here, as the task would.
        with mock.patch.object(replays, "enqueue_on_commit", lambda *args, **kwargs: None):
            run = replays.replay_start(authority, draft, by=user)
        return replays.replay_execute(run.pk).pk

    purge_queue()
    with CeleryWorker() as worker:
        idle_rss = worker.peak_rss_mb()
        samples = {"worker": [], "floor": []}
        for number in range(ROUNDS):
            order = ("worker", "floor") if number % 2 == 0 else ("floor", "worker")
            for name in order:
                started = time.perf_counter()
                (through_worker if name == "worker" else in_process)()
                samples[name].append((time.perf_counter() - started) * 1000)
        worker_rss = worker.peak_rss_mb()

    subject, floor = Timings(samples["worker"]), Timings(samples["floor"])
    metrics = [
        timed_metric(
            "Kent replay through a Celery worker",
            subject,
            floor,
            "replay_execute in this process, no queue",
            unit="s",
            scale=0.001,
        ),
        Metric(
            "Celery worker peak RSS replaying Kent",
            worker_rss,
            "MiB",
            idle_rss,
            "the same worker ready and idle",
            higher_is_better=False,
        ),
    ]
    extra = _dataset.context(authority) | {
        "children_replayed": children,
        "worker": "celery -A valuing_send worker --pool=solo (one task at a time)",
        "rounds": ROUNDS,
        "worker_ms": [round(ms) for ms in samples["worker"]],
        "floor_ms": [round(ms) for ms in samples["floor"]],
        "worker_peak_rss_mb": round(worker_rss, 1),
        "worker_idle_rss_mb": round(idle_rss, 1),
    }
    write_report("worker", metrics, extra)


if __name__ == "__main__":
    main()
