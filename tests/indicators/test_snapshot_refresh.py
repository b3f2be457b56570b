"""Refreshing an authority's snapshots: the open period, the last census finalised once, five
earlier Januaries from the records' dates; idempotent; debounced requests."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from valuing_send.celery import app
from valuing_send.indicators import debounce, facts, snapshots
from valuing_send.indicators.ambitions import (
    IMPROVING,
    MET,
    NO_FIGURE,
    NO_TARGET,
    NOT_MET,
    status_of,
)
from valuing_send.indicators.models import IndicatorSnapshot, SnapshotRun, SnapshotTrigger

from .conftest import FINAL

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


def test_refresh_writes_the_open_period_the_last_census_and_history(hand_built, authority_a):
    runs = snapshots.snapshot_refresh(authority_a, trigger=SnapshotTrigger.NIGHTLY, today=DAY)
    assert [(r.period, r.as_at, r.trigger) for r in runs] == [
        (datetime.date(2027, 1, 21), DAY, "nightly"),
        (datetime.date(2026, 1, 15), datetime.date(2026, 1, 15), "nightly"),
        *[
            (snapshots.census_date(year), snapshots.census_date(year), "history")
            for year in (2025, 2024, 2023, 2022, 2021)
        ],
    ]
    rows = IndicatorSnapshot.objects.filter(authority=authority_a).count()
    assert rows == sum(run.rows for run in runs)
    # Again the same day: only the open period is worked out again, to the same rows.
    again = snapshots.snapshot_refresh(authority_a, trigger=SnapshotTrigger.CHANGE, today=DAY)
    assert [r.period for r in again] == [datetime.date(2027, 1, 21)]
    assert IndicatorSnapshot.objects.filter(authority=authority_a).count() == rows
    open_rows = IndicatorSnapshot.objects.filter(
        authority=authority_a, period=datetime.date(2027, 1, 21)
    )
    assert set(open_rows.values_list("run_id", flat=True)) == {again[0].pk}
    assert SnapshotRun.objects.get(pk=again[0].pk).children == 7  # Gus, born in February, too


def test_debounced_requests_queue_one_recompute(authority_a, django_capture_on_commit_callbacks):
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        debounce.recompute_started(authority_a.pk)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert debounce.request_recompute(authority_a.pk) is True
            assert debounce.request_recompute(authority_a.pk) is False
        assert len(callbacks) == 1
        debounce.recompute_started(authority_a.pk)  # the task clears the key as it starts
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert debounce.request_recompute(authority_a.pk) is True
        debounce.recompute_started(authority_a.pk)
    finally:
        app.conf.task_always_eager = previous


def test_a_change_recomputes_at_commit(authority_a, django_capture_on_commit_callbacks):
    from tests.factories import ChildFactory

    with django_capture_on_commit_callbacks(execute=True):
        ChildFactory(
            authority=authority_a, sen_status="E", plan_start_date=datetime.date(2024, 1, 1)
        )
    assert authority_a.indicator_runs.filter(trigger=SnapshotTrigger.CHANGE).exists()


@pytest.mark.parametrize(
    ("direction", "latest", "previous", "target", "expected"),
    [
        ("higher", 45, 40, 44, MET),
        ("higher", 42, 40, 44, IMPROVING),
        ("higher", 39, 40, 44, NOT_MET),
        ("lower", 5, 7, 6, MET),
        ("lower", 6.5, 7, 6, IMPROVING),
        ("lower", 8, 7, 6, NOT_MET),
        ("higher", 42, None, 44, NOT_MET),
        ("higher", None, 40, 44, NO_FIGURE),
        ("higher", 42, 40, None, NO_TARGET),
    ],
)
def test_ambition_status(direction, latest, previous, target, expected):
    assert status_of(direction, latest, previous, target) == expected


def test_in_process_one_recompute_per_transaction(authority_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert debounce.request_recompute(authority_a.pk) is True
        assert debounce.request_recompute(authority_a.pk) is False
    assert len(callbacks) == 1


def test_an_in_process_failure_does_not_fail_the_change(authority_a, monkeypatch, caplog):
    from valuing_send.indicators import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks.recompute_authority, "delay", broken)
    debounce._in_process(authority_a.pk)
    assert "Recomputing the indicators of authority" in caplog.text


def test_a_runs_figures_go_with_it(hand_built, authority_a):
    """The figures carry no database key to their run (``IndicatorSnapshot``): deleting a run
    still deletes its figures, and only its own."""
    first = snapshots.snapshot_period(authority_a, FINAL, trigger=SnapshotTrigger.MANUAL)
    other = snapshots.snapshot_period(
        authority_a, facts.Window(datetime.date(2027, 1, 21), DAY), trigger=SnapshotTrigger.MANUAL
    )
    assert first.snapshots.count() == first.rows > 0
    first.delete()
    assert not IndicatorSnapshot.objects.filter(run_id=first.pk).exists()
    assert other.snapshots.count() == other.rows > 0


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_of_a_period_at_once_leave_one_set_of_figures(hand_built, authority_a):
    """A second store of a period waits for the first to commit, then replaces its figures:
    never two runs' figures for one period, nor two current runs."""
    rows, _ = snapshots.compute(authority_a, FINAL)
    first_stored, release_first, second_done = (threading.Event() for _ in range(3))
    failures = []

    def store(before=None, after=None):
        try:
            if before:
                before.wait(10)
            with transaction.atomic():
                snapshots.store(
                    authority_a, FINAL, rows, trigger=SnapshotTrigger.MANUAL, started=timezone.now()
                )
                if after:
                    after()
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    def hold():
        first_stored.set()
        release_first.wait(10)

    first = threading.Thread(target=store, kwargs={"after": hold})
    second = threading.Thread(target=lambda: (store(before=first_stored), second_done.set()))
    first.start()
    second.start()
    assert not second_done.wait(1), "the second store did not wait for the first"
    release_first.set()
    first.join(20)
    second.join(20)
    assert failures == []
    current = SnapshotRun.objects.filter(authority=authority_a, period=FINAL.period, current=True)
    assert current.count() == 1
    figures = IndicatorSnapshot.objects.filter(authority=authority_a, period=FINAL.period)
    assert set(figures.values_list("run_id", flat=True)) == {current.get().pk}
    assert figures.count() == len(rows)
