"""The real Celery worker the integration tests (and the indicators worker test) share: a
subprocess consuming from the Redis the test script started, against the test database (what
production does). ``start_worker`` starts as many as a test needs (the fault tests use a prefork
pool to kill its process); ``celery_worker`` is one solo worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from valuing_send.celery import app

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """``celery -A valuing_send worker`` as a subprocess; ``mail`` is where it writes email."""

    def __init__(self, mail: Path, *, pool="solo", env=None):
        db = connection.settings_dict
        self.mail = mail
        # Its output goes to a file (a pipe nobody reads would fill and stop the worker), shown
        # when a test fails.
        self.log = mail.with_suffix(".worker.log")
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "valuing_send",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(mail),
                # Documents go to the test's own folder (tests set their storage to the same
                # place), and a failed attempt is tried again at once.
                "DOCUMENTS_ROOT": str(mail.parent / "documents"),
                "DOCUMENTS_RETRY_PAUSES": "0,0",
                **(env or {}),
            },
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while not _pinged():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"Celery worker did not start:\n{self.output()}")

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def pool_processes(self) -> list[int]:
        """The worker's pool processes (children of the main process)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _pinged() -> bool:
    """Whether a worker answers (a connection to a Redis that was restarted is dropped)."""
    try:
        return bool(app.control.ping(timeout=0.5))
    except (OSError, redis.exceptions.ConnectionError):
        # Pooled connections to the Redis that stopped are dead: a new pool for the next ping.
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        return False


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: run the suite with make test, which starts Redis")
    started = []

    def start(**options) -> Worker:
        worker = Worker(tmp_path / f"mail{len(started)}", **options)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
        print(f"--- worker output ({worker.log.name}):\n{worker.output()}")  # shown on failure


@pytest.fixture
def celery_worker(start_worker):
    """A running worker; the value is the folder its email goes to (its documents go to the
    ``documents`` folder beside it)."""
    return start_worker().mail


def wait_for(predicate, timeout=30, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout} s waiting for {message}")
