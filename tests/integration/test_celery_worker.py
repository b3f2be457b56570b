"""A real Celery worker, as a subprocess, consuming from the real Redis the test script started,
against the test database: what production does, end to end."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from valuing_send.authorities.models import Role
from valuing_send.celery import app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


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


def wait_for_files(folder: Path, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = list(folder.glob("*.log")) if folder.exists() else []
        if files:
            return files
        time.sleep(0.2)
    return []


def test_adding_a_user_emails_them_through_redis_and_the_worker(client, admin, celery_worker):
    client.force_login(admin)
    response = client.post(
        reverse("user-add"),
        {
            "full_name": "Worker Test",
            "email": "worker.test@northshire.example",
            "role": Role.MANAGER,
        },
    )
    assert response.status_code == 302
    files = wait_for_files(celery_worker)
    assert files, "the worker did not send the email"
    message = files[0].read_text()
    assert "To: worker.test@northshire.example" in message
    assert "You have access to Valuing SEND for Northshire County Council" in message
    assert "/password-reset/" in message


def test_system_status_sees_the_worker(client, admin, celery_worker):
    client.force_login(admin)
    html = client.get(reverse("system-status")).content.decode()
    assert "PostgreSQL answered" in html
    assert "1 worker answered" in html
    assert "Not working" not in html


def test_a_caseload_replay_runs_in_the_worker_and_reports_progress(
    client, manager, admin, caseworker, child, framework, authority_a, celery_worker
):
    from assessments import rulesets
    from assessments.models import ReplayRun, RuleSetVersion
    from tests.factories import complete_assessment

    complete_assessment(child, caseworker, {"speech_language": 3})
    draft = rulesets.ruleset_copy(
        RuleSetVersion.objects.get(authority__isnull=True, ruleset_id="eleven-domain-tariffs"),
        authority_a,
        by=admin,
    )
    client.force_login(manager)
    response = client.post(reverse("replay-start", args=[draft.pk]))
    run = ReplayRun.objects.get()
    assert response.url == reverse("replay-detail", args=[run.pk])
    deadline = time.monotonic() + 30
    while not run.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == "done", run.error
    assert run.summary["children"] == 1 and run.processed == 1
    assert (
        "Children by tier" in client.get(reverse("replay-detail", args=[run.pk])).content.decode()
    )
