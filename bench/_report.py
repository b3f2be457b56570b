"""What every benchmark shares: fair timing, the machine's load, peak memory, and the report.

A figure is only worth its **floor**: the cost of the simplest thing that does comparable work,
measured in the same run, on the same machine, the same way. The helpers here make "the same
way" the easy path. The API (stable: other benches import it):

Timing
- ``time_rounds({"subject": f, "floor": g, ...}, rounds, warm_up=0) -> {name: Timings}``:
  every action runs once per round, in turn (the order rotates each round), so subject and
  floor get the same number of samples and a change in the machine's load falls on both.
  ``Timings`` keeps the samples in milliseconds: ``.p50`` (the median), ``.p95``, ``.rounds``,
  ``.total_s``.
- ``median_time(action, rounds) -> (seconds, last result)`` and
  ``median_times({name: action}, rounds) -> ({name: median seconds}, {name: last result})``:
  the same, for benches that only want medians in seconds (interleaved like ``time_rounds``).
- ``timed_metric(name, subject, floor, floor_label, ...)``: one ``Metric`` from two
  ``Timings``: the subject's median with its p95 beside it, the floor's median and p95, and the
  number of rounds (which must be equal). ``rate_metric(name, work, subject, floor, ...)`` is
  its throughput twin (``work`` items per round ÷ each round's time, median over the rounds).

Targets, on a ``Metric``: ``target`` (on the median), ``target_p95`` (on the p95) and
``min_ratio`` (on floor ÷ figure, e.g. 0.5 for "within 2× of its floor"); ``target_met`` is
true when all that are set are met.

The machine
- ``LoadWatch``: started when this module is imported (so every bench has one without asking)
  or by hand around a part of a run; ``.result()`` gives the 1/5/15-minute load averages at
  its start and end, the CPU count, the CPU time the bench's own processes used (this process
  and its children, plus the throwaway PostgreSQL and Redis of ``scripts/services.sh`` when
  ``SERVICES_DIR`` is set) against what **other processes** used, the CPU pressure
  (``/proc/pressure/cpu``), and ``noisy``: the 1-minute load average at the start was above the
  number of cores, or other processes used more than a quarter of the machine's CPU meanwhile.
  ``write_report`` records it in every result and ``bench.summary`` marks noisy runs. It also
  times ``reference_workload`` at its start and end: a fixed piece of pure Python, so that two
  runs' milliseconds can be compared. On a shared virtual machine the host's speed drifts
  (here by up to 2× within seconds) without any load or stolen time showing in the guest.
- ``peak_rss_mb(pid=None)``: a process's peak resident memory (``VmHWM``), in MiB.

Reporting
- ``Metric`` and ``write_report(bench_name, metrics, extra=None, *, load=None)``: prints one
  aligned line per metric and writes ``bench/results/<bench_name>.json`` (with the load).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# Other processes using more than this share of the machine's CPU make a run noisy.
NOISY_OTHERS_SHARE = 0.25


# ----- Metrics -----


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float
    unit: str
    floor: float | None = None
    floor_label: str | None = None
    target: float | None = None
    higher_is_better: bool = True
    p95: float | None = None
    floor_p95: float | None = None
    rounds: int | None = None
    target_p95: float | None = None
    min_ratio: float | None = None

    @property
    def ratio(self) -> float | None:
        """How many times better than the floor (above 1 beats it)."""
        if self.floor is None or self.floor == 0 or self.value == 0:
            return None
        return self.value / self.floor if self.higher_is_better else self.floor / self.value

    @property
    def target_met(self) -> bool | None:
        checks = []
        if self.target is not None:
            checks.append(
                self.value >= self.target if self.higher_is_better else self.value <= self.target
            )
        if self.target_p95 is not None and self.p95 is not None:
            checks.append(self.p95 <= self.target_p95)
        if self.min_ratio is not None:
            checks.append(self.ratio is not None and self.ratio >= self.min_ratio)
        return all(checks) if checks else None

    def target_text(self) -> str | None:
        parts = []
        if self.min_ratio is not None:
            parts.append(f"ratio ≥ {self.min_ratio:g}×")
        if self.target is not None:
            relation = "≥" if self.higher_is_better else "≤"
            parts.append(f"{relation} {_number(self.target)} {self.unit}")
        if self.target_p95 is not None:
            parts.append(f"p95 ≤ {_number(self.target_p95)} {self.unit}")
        return "; ".join(parts) or None


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# ----- Timing -----


@dataclass(frozen=True)
class Timings:
    """The samples of one timed action, in milliseconds, in the order they were taken."""

    samples_ms: list[float] = field(default_factory=list)

    @property
    def rounds(self) -> int:
        return len(self.samples_ms)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 0.95)

    @property
    def total_s(self) -> float:
        return sum(self.samples_ms) / 1000


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation), e.g. 0.95 for p95."""
    import math

    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def time_rounds(
    actions: dict[str, Callable[[], object]], rounds: int, *, warm_up: int = 0, results=None
) -> dict[str, Timings]:
    """Each action once per round, in turn, ``rounds`` times after ``warm_up`` untimed rounds.
    The order rotates from round to round so that no action always follows the same one.
    ``results``, if a dict, receives each action's last result."""
    import gc

    names = list(actions)
    for _ in range(warm_up):
        for name in names:
            actions[name]()
    gc.collect()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            result = actions[name]()
            samples[name].append((time.perf_counter() - started) * 1000)
            if results is not None:
                results[name] = result
    return {name: Timings(samples[name]) for name in names}


def median_time(action: Callable[[], object], rounds: int) -> tuple[float, object]:
    """The median wall time in seconds of ``rounds`` runs of ``action``, and its last result."""
    results: dict = {}
    timings = time_rounds({"action": action}, rounds, results=results)
    return timings["action"].p50 / 1000, results["action"]


def median_times(actions: dict, rounds: int) -> tuple[dict, dict]:
    """Median wall time in seconds per named action over ``rounds`` interleaved rounds (subject,
    floor, subject, floor…), and each action's last result."""
    results: dict = {}
    timings = time_rounds(actions, rounds, results=results)
    return {name: timing.p50 / 1000 for name, timing in timings.items()}, results


def timed_metric(
    name: str,
    subject: Timings,
    floor: Timings | None = None,
    floor_label: str | None = None,
    *,
    unit: str = "ms",
    scale: float = 1.0,
    target: float | None = None,
    target_p95: float | None = None,
    min_ratio: float | None = None,
) -> Metric:
    """A time (lower is better) with its p95, against a floor timed over the same rounds.
    ``scale`` converts from milliseconds (0.001 for seconds)."""
    if floor is not None and floor.rounds != subject.rounds:
        raise ValueError(
            f"{name}: {subject.rounds} rounds for the subject, {floor.rounds} for its floor"
        )
    return Metric(
        name,
        subject.p50 * scale,
        unit,
        floor=None if floor is None else floor.p50 * scale,
        floor_label=floor_label,
        target=target,
        higher_is_better=False,
        p95=subject.p95 * scale,
        floor_p95=None if floor is None else floor.p95 * scale,
        rounds=subject.rounds,
        target_p95=target_p95,
        min_ratio=min_ratio,
    )


def rate_metric(
    name: str,
    work: float,
    subject: Timings,
    floor: Timings | None = None,
    floor_label: str | None = None,
    *,
    unit: str = "items/s",
    target: float | None = None,
    min_ratio: float | None = None,
) -> Metric:
    """A throughput (``work`` items per round) from round times: the median of the per-round
    rates, against the floor's over the same rounds. No p95 (a rate has no tail)."""
    if floor is not None and floor.rounds != subject.rounds:
        raise ValueError(
            f"{name}: {subject.rounds} rounds for the subject, {floor.rounds} for its floor"
        )

    def rate(timings):
        return statistics.median(work / (ms / 1000) for ms in timings.samples_ms if ms > 0)

    return Metric(
        name,
        rate(subject),
        unit,
        floor=None if floor is None else rate(floor),
        floor_label=floor_label,
        target=target,
        rounds=subject.rounds,
        min_ratio=min_ratio,
    )


# ----- Memory -----


def peak_rss_mb(pid: int | None = None) -> float | None:
    """Peak resident memory (``VmHWM``) of a running process, in MiB; this process by default.
    None where ``/proc`` is missing or the process has gone."""
    path = Path(f"/proc/{pid or 'self'}/status")
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    if pid is None:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return None


def children_of(pid: int) -> list[int]:
    """Direct children of a process (from ``/proc/<pid>/task/*/children``)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


# ----- The machine's load -----

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return None


def _machine_busy_ticks() -> int | None:
    text = _read("/proc/stat")
    if text is None:
        return None
    values = [int(value) for value in text.splitlines()[0].split()[1:]]
    # user nice system idle iowait irq softirq steal guest guest_nice: guests are in user.
    return sum(values[:8]) - values[3] - values[4]


def _process_ticks(pid: int) -> int:
    """CPU time of a process and of its reaped children (utime stime cutime cstime)."""
    text = _read(f"/proc/{pid}/stat")
    if text is None:
        return 0
    fields = text.rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15])


def _tree(pid: int) -> list[int]:
    seen, pending = [], [pid]
    while pending:
        current = pending.pop()
        seen.append(current)
        pending += children_of(current)
    return seen


def _service_pids() -> list[int]:
    """The throwaway PostgreSQL and Redis of scripts/services.sh, when SERVICES_DIR says where."""
    folder = os.environ.get("SERVICES_DIR")
    if not folder:
        return []
    pids = []
    for name in ("pgdata/postmaster.pid", "redis.pid"):
        text = _read(os.path.join(folder, name))
        if text and text.split()[0].isdigit():
            pids.append(int(text.split()[0]))
    return pids


def _own_ticks() -> int:
    return sum(
        _process_ticks(pid) for root in [os.getpid(), *_service_pids()] for pid in _tree(root)
    )


def _cpu_pressure_us() -> int | None:
    text = _read("/proc/pressure/cpu")
    if not text:
        return None
    for part in text.splitlines()[0].split():
        if part.startswith("total="):
            return int(part.split("=")[1])
    return None


REFERENCE_ROWS = 20_000


def reference_workload() -> int:
    """A fixed piece of pure Python like a page's (dicts built, text formatted and joined)."""
    rows = []
    for number in range(REFERENCE_ROWS):
        row = {"pk": number, "name": f"Child {number}", "level": number % 5}
        rows.append(f"<td>{row['name']}</td><td>{row['level']:d}</td>")
    return len("".join(rows))


def reference_ms(runs: int = 5) -> float:
    """The median time of ``reference_workload`` over a few runs, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        reference_workload()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


class LoadWatch:
    """How busy the machine was from ``start()`` to ``result()`` (see the module docstring)."""

    def __init__(self):
        self.start()

    def start(self) -> LoadWatch:
        self.started = time.monotonic()
        self.load_start = [round(value, 2) for value in os.getloadavg()]
        self.busy_start = _machine_busy_ticks()
        self.own_start = _own_ticks()
        self.pressure_start = _cpu_pressure_us()
        self.reference_start = reference_ms()
        return self

    def __enter__(self) -> LoadWatch:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.final = self.result()

    def result(self) -> dict:
        if getattr(self, "final", None) is not None:
            return self.final
        seconds = max(time.monotonic() - self.started, 1e-6)
        cores = os.cpu_count() or 1
        load_end = [round(value, 2) for value in os.getloadavg()]
        report = {
            "cores": cores,
            "seconds": round(seconds, 1),
            "load_average_start": self.load_start,
            "load_average_end": load_end,
            "reference_ms_start": self.reference_start,
            "reference_ms_end": reference_ms(),
        }
        busy_end = _machine_busy_ticks()
        if busy_end is not None and self.busy_start is not None:
            own = (_own_ticks() - self.own_start) / _TICKS / seconds
            machine = (busy_end - self.busy_start) / _TICKS / seconds
            report["cpu_cores_used_by_bench"] = round(own, 2)
            report["cpu_cores_used_by_others"] = round(max(0.0, machine - own), 2)
        pressure = _cpu_pressure_us()
        if pressure is not None and self.pressure_start is not None:
            report["cpu_pressure_some_percent"] = round(
                (pressure - self.pressure_start) / 1e6 / seconds * 100, 1
            )
        others = report.get("cpu_cores_used_by_others", 0.0)
        report["noisy"] = bool(self.load_start[0] > cores or others > NOISY_OTHERS_SHARE * cores)
        return report


# Started when a bench imports this module: the window of the whole bench process.
PROCESS_LOAD = LoadWatch()


def load_text(load: dict) -> str:
    parts = [
        f"load average {load['load_average_start'][0]} at the start, "
        f"{load['load_average_end'][0]} at the end on {load['cores']} cores"
    ]
    if "cpu_cores_used_by_others" in load:
        parts.append(
            f"other processes used {load['cpu_cores_used_by_others']:.2f} cores, "
            f"the bench {load['cpu_cores_used_by_bench']:.2f}"
        )
    if "reference_ms_start" in load:
        parts.append(
            f"reference workload {load['reference_ms_start']} ms at the start, "
            f"{load['reference_ms_end']} ms at the end"
        )
    if load.get("noisy"):
        parts.append("NOISY")
    return "; ".join(parts)


# ----- Reporting -----


def _line(metric: Metric, name_width: int) -> str:
    parts = [f"{metric.name:<{name_width}}  {_number(metric.value):>12} {metric.unit:<12}"]
    if metric.p95 is not None:
        parts.append(f"p95 {_number(metric.p95)}")
    if metric.floor is not None:
        label = f" ({metric.floor_label})" if metric.floor_label else ""
        floor_p95 = f", p95 {_number(metric.floor_p95)}" if metric.floor_p95 is not None else ""
        parts.append(f"floor {_number(metric.floor)} {metric.unit}{floor_p95}{label}")
        if metric.ratio is not None:
            parts.append(f"ratio {metric.ratio:.2f}×")
    if metric.rounds is not None:
        parts.append(f"{metric.rounds} rounds")
    if metric.target_met is not None:
        verdict = "met" if metric.target_met else "NOT met"
        parts.append(f"target {metric.target_text()}: {verdict}")
    return "  ".join(parts)


def write_report(
    bench_name: str, metrics: list[Metric], extra: dict | None = None, *, load: dict | None = None
) -> Path:
    """Print the metrics and write bench/results/<bench_name>.json; returns that path. ``load``
    defaults to ``PROCESS_LOAD.result()`` (the whole bench process)."""
    load = load or PROCESS_LOAD.result()
    name_width = max((len(metric.name) for metric in metrics), default=0)
    print(f"{bench_name}: ({load_text(load)})")
    for metric in metrics:
        print(f"  {_line(metric, name_width)}")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{bench_name}.json"
    report = {
        "bench": bench_name,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "cores": os.cpu_count(),
        "load_average_1_5_15_min": load["load_average_end"],
        "load": load,
        "noisy": load["noisy"],
        "metrics": [
            {
                **asdict(metric),
                "ratio": metric.ratio,
                "target_met": metric.target_met,
                "target_text": metric.target_text(),
            }
            for metric in metrics
        ],
        "extra": extra or {},
    }
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"  written to {path}")
    return path
