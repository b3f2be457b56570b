"""The real Celery worker the integration tests (and the indicators worker test) share: a
subprocess consuming from the Redis the test script started, against the test database (what production does)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from valuing_send.celery import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: run the suite with make test, which starts Redis")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        # Documents go to the test's own folder (tests set their storage to the same place),
        # and a failed attempt is tried again at once.
        "DOCUMENTS_ROOT": str(tmp_path / "documents"),
        "DOCUMENTS_RETRY_PAUSES": "0,0",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "valuing_send",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            f"--hostname=test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"Celery worker did not start:\n{worker.stdout.read().decode()}")
    yield tmp_path / "mail"
    worker.terminate()
    worker.wait(timeout=15)
