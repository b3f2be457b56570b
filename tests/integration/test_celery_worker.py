"""A real Celery worker, as a subprocess, consuming from the real Redis the test script started,
against the test database: what production does, end to end."""

import time
from pathlib import Path

import pytest
from django.urls import reverse

from valuing_send.authorities.models import Role

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


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
