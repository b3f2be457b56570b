"""Shared reporting for benchmarks: one aligned line per metric, and a JSON file per run.

Each metric may carry a floor measured in the same run (the cost of the simplest thing that
does comparable work), so figures compare across machines as ratios rather than raw numbers.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float
    unit: str
    floor: float | None = None
    floor_label: str | None = None
    target: float | None = None
    higher_is_better: bool = True

    @property
    def ratio(self) -> float | None:
        """How many times better than the floor (above 1 beats it)."""
        if self.floor is None or self.floor == 0 or self.value == 0:
            return None
        return self.value / self.floor if self.higher_is_better else self.floor / self.value

    @property
    def target_met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _line(metric: Metric, name_width: int) -> str:
    parts = [f"{metric.name:<{name_width}}  {_number(metric.value):>12} {metric.unit:<12}"]
    if metric.floor is not None:
        label = f" ({metric.floor_label})" if metric.floor_label else ""
        parts.append(f"floor {_number(metric.floor)} {metric.unit}{label}")
        if metric.ratio is not None:
            parts.append(f"ratio {metric.ratio:.2f}×")
    if metric.target is not None:
        relation = "≥" if metric.higher_is_better else "≤"
        verdict = "met" if metric.target_met else "NOT met"
        parts.append(f"target {relation} {_number(metric.target)} {metric.unit}: {verdict}")
    return "  ".join(parts)


def write_report(bench_name: str, metrics: list[Metric], extra: dict | None = None) -> Path:
    """Print the metrics and write bench/results/<bench_name>.json; returns that path."""
    name_width = max((len(metric.name) for metric in metrics), default=0)
    print(f"{bench_name}:")
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
        "metrics": [
            {**asdict(metric), "ratio": metric.ratio, "target_met": metric.target_met}
            for metric in metrics
        ],
        "extra": extra or {},
    }
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"  written to {path}")
    return path
