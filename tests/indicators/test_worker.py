"""Snapshot refreshes through a real Celery worker on the real Redis, as in production: a
manager's request, and debounced changes to the caseload."""

import time

import pytest
from django.urls import reverse

from tests.integration.worker import celery_worker, start_worker  # noqa: F401 - fixtures
from valuing_send.indicators import debounce
from valuing_send.indicators.models import IndicatorSnapshot, SnapshotRun, SnapshotTrigger

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker"),
]


def wait_for(query, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if query():
            return True
        time.sleep(0.3)
    return False


def test_a_recompute_runs_in_the_worker(client, manager, hand_built, authority_a, monkeypatch):
    client.force_login(manager)
    response = client.post(reverse("indicator-recompute"))
    assert response.status_code == 302
    assert wait_for(
        lambda: SnapshotRun.objects.filter(
            authority=authority_a, trigger=SnapshotTrigger.MANUAL, finished_at__isnull=False
        ).exists()
    ), "the worker did not recompute the indicators"
    assert IndicatorSnapshot.objects.filter(
        authority=authority_a, indicator="ehc_plans", dimension=""
    ).exists()
    html = client.get(reverse("indicator-dashboard")).content.decode()
    assert "EHC plans in mainstream schools" in html and "have not been worked out yet" not in html

    # Two changes a moment apart: one debounced recompute, a second later.
    monkeypatch.setattr(debounce, "DEBOUNCE_SECONDS", 1)
    debounce.recompute_started(authority_a.pk)
    amy, ben = hand_built["amy"], hand_built["ben"]
    amy.save()
    ben.save()
    assert wait_for(
        lambda: SnapshotRun.objects.filter(
            authority=authority_a, trigger=SnapshotTrigger.CHANGE
        ).exists()
    ), "no recompute followed the changes"
    time.sleep(2)
    changes = SnapshotRun.objects.filter(authority=authority_a, trigger=SnapshotTrigger.CHANGE)
    # One recompute writes the open period (and nothing else: the rest exists already).
    assert changes.values("started_at").distinct().count() == 1
