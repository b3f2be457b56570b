"""The benches' shared helpers (bench/_report.py, bench/summary.py): equal rounds for a figure
and its floor, targets, load recording and the before/after table. No timing is asserted."""

import dataclasses
import json

import pytest

from bench import _report, summary
from bench._report import Timings, time_rounds, timed_metric


def test_every_action_gets_the_same_rounds_in_turn():
    calls = []
    timings = time_rounds(
        {"page": lambda: calls.append("page"), "floor": lambda: calls.append("floor")},
        4,
        warm_up=1,
    )
    assert {name: timing.rounds for name, timing in timings.items()} == {"page": 4, "floor": 4}
    # Warm-up, then the order rotates from round to round.
    assert calls == [
        "page",
        "floor",
        "page",
        "floor",
        "floor",
        "page",
        "page",
        "floor",
        "floor",
        "page",
    ]


def test_a_figure_and_its_floor_must_have_the_same_rounds():
    with pytest.raises(ValueError, match="3 rounds for the subject, 2 for its floor"):
        timed_metric("page", Timings([1.0, 2.0, 3.0]), Timings([1.0, 2.0]), "floor")


def test_timings_median_and_nearest_rank_p95():
    timing = Timings([float(value) for value in range(1, 101)])
    assert (timing.p50, timing.p95, timing.rounds) == (50.5, 95.0, 100)


@pytest.mark.parametrize(
    ("value", "p95", "met"),
    [(4.0, 90.0, True), (4.1, 90.0, False), (4.0, 101.0, False)],
)
def test_page_target_needs_both_the_ratio_and_the_p95(value, p95, met):
    metric = timed_metric(
        "page", Timings([value, p95]), Timings([2.0, 3.0]), "floor", target_p95=100, min_ratio=0.5
    )
    metric = dataclasses.replace(metric, value=value, p95=p95, floor=2.0)
    assert metric.target_met is met
    assert metric.target_text() == "ratio ≥ 0.5×; p95 ≤ 100 ms"


def test_load_watch_records_the_load_and_says_when_it_is_noisy(monkeypatch):
    watch = _report.LoadWatch()
    result = watch.result()
    assert result["cores"] >= 1
    assert len(result["load_average_start"]) == 3
    assert result["noisy"] == (
        result["load_average_start"][0] > result["cores"]
        or result.get("cpu_cores_used_by_others", 0) > 0.25 * result["cores"]
    )
    monkeypatch.setattr(_report.os, "getloadavg", lambda: (99.0, 99.0, 99.0))
    assert _report.LoadWatch().result()["noisy"] is True


def test_load_watch_times_the_reference_workload_at_its_start_and_end(monkeypatch):
    # The same work every time: 20,000 rows of the same text.
    assert _report.reference_workload() == _report.reference_workload() > 20_000 * 20
    times = iter([11.0, 27.5])
    monkeypatch.setattr(_report, "reference_ms", lambda: next(times))
    result = _report.LoadWatch().result()
    assert (result["reference_ms_start"], result["reference_ms_end"]) == (11.0, 27.5)
    assert "reference workload 11.0 ms at the start, 27.5 ms at the end" in _report.load_text(
        result
    )
    assert "reference workload 11.0 → 27.5 ms" in summary.load_lines(
        [{"bench": "pages", "load": result}]
    )


def test_summary_reads_an_older_run_as_before(tmp_path):
    old = {
        "bench": "pages",
        "recorded_at": "2026-11-30T00:00:00+00:00",
        "metrics": [
            {"name": "children list p50", "value": 60.0, "unit": "ms"},
            {"name": "children list p95", "value": 70.0, "unit": "ms"},
        ],
    }
    (tmp_path / "pages.json").write_text(json.dumps(old))
    before = summary.before_values(summary.load_reports(tmp_path))
    assert before[("pages", "children list")] == {"unit": "ms", "value": 60.0, "p95": 70.0}
    new = {
        "bench": "pages",
        "recorded_at": "2026-12-01T00:00:00+00:00",
        "noisy": True,
        "metrics": [
            {
                **json.loads(
                    json.dumps(
                        dataclasses.asdict(
                            timed_metric(
                                "children list", Timings([5.0, 6.0]), Timings([3.0, 3.0]), "floor"
                            )
                        )
                    )
                ),
                "ratio": 0.55,
                "target_met": None,
                "target_text": None,
            }
        ],
    }
    row = summary.table([new], before).splitlines()[2]
    assert row.startswith("| pages (**noisy**) | children list | 60 ms (p95 70) | 5.5 ms | 6 |")
