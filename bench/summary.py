"""All benchmark results as one markdown table, from ``bench/results/*.json``.

    .venv/bin/python -m bench.summary                      # this run
    .venv/bin/python -m bench.summary --before OLD_DIR     # this run beside an earlier one

Prints the table and writes it to ``bench/results/summary.md``. Each row is one figure: its
median with its p95 beside it, its floor (measured in the same run over the same rounds) with
the floor's p95, the ratio (floor ÷ figure for times, figure ÷ floor for rates, so above 1
beats the floor), the rounds, and the target. Each bench's row of load says how busy the
machine was while it ran; a bench whose run was noisy (load above the number of cores, or other
processes using more than a quarter of the CPU, see ``bench/_report.py``) is marked **noisy**
on every row.

``--before`` adds a "Before" column from the JSON files of an earlier run (e.g. a copy of
``bench/results/`` taken on an older commit): rows are matched by bench and metric name, and
the names of the older format (``X p50`` and ``X p95`` as two rows) are read as ``X``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench._report import RESULTS_DIR, _number

ORDER = (
    "pages",
    "panels",
    "http",
    "worker",
    "rules_caseload",
    "rules_engine",
    "national",
    "indicators",
    "indicators_national",
    "documents",
)


def load_reports(folder: Path) -> list[dict]:
    reports = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
        if path.name != "summary.json"
    ]
    rank = {name: index for index, name in enumerate(ORDER)}
    return sorted(
        reports, key=lambda report: (rank.get(report["bench"], len(ORDER)), report["bench"])
    )


def _cell(value, unit: str) -> str:
    return "–" if value is None else f"{_number(value)} {unit}"


def _ratio(ratio: float | None) -> str:
    if ratio is None:
        return "–"
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"


def _target(metric: dict) -> str:
    if metric.get("target_text"):
        return metric["target_text"]
    if metric.get("target") is None:
        return "–"
    relation = "≥" if metric["higher_is_better"] else "≤"
    return f"{relation} {_number(metric['target'])} {metric['unit']}"


def before_values(reports: list[dict]) -> dict[tuple[str, str], dict]:
    """(bench, metric) → {"value", "p95"} from an earlier run, in either format."""
    found: dict[tuple[str, str], dict] = {}
    for report in reports:
        for metric in report["metrics"]:
            name, unit = metric["name"], metric["unit"]
            for suffix, field in ((" p50", "value"), (" p95", "p95")):
                if name.endswith(suffix) and metric.get("p95") is None:
                    key = (report["bench"], name[: -len(suffix)])
                    found.setdefault(key, {"unit": unit})[field] = metric["value"]
                    break
            else:
                found[(report["bench"], name)] = {
                    "unit": unit,
                    "value": metric["value"],
                    "p95": metric.get("p95"),
                }
    # Renamed since the older format.
    for old, new in ((("http", "children list"), ("http", "children list latency")),):
        if old in found and new not in found:
            found[new] = found.pop(old)
    return found


def _before_cell(before: dict | None) -> str:
    if not before or before.get("value") is None:
        return "–"
    text = _cell(before["value"], before["unit"])
    if before.get("p95") is not None:
        text += f" (p95 {_number(before['p95'])})"
    return text


def table(reports: list[dict], before: dict | None = None) -> str:
    columns = ["Bench", "Metric"]
    if before is not None:
        columns.append("Before")
    columns += ["Value", "p95", "Floor", "Floor p95", "Ratio", "Rounds", "Target", "Met?"]
    align = ["---", "---"] + (["---:"] if before is not None else [])
    align += ["---:"] * 6 + ["---:", ":---:"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(align) + "|"]
    for report in reports:
        bench = report["bench"] + (" (**noisy**)" if report.get("noisy") else "")
        for metric in report["metrics"]:
            unit = metric["unit"]
            met = {True: "yes", False: "**no**", None: "–"}[metric["target_met"]]
            cells = [bench, metric["name"]]
            if before is not None:
                cells.append(_before_cell(before.get((report["bench"], metric["name"]))))
            cells += [
                _cell(metric["value"], unit),
                "–" if metric.get("p95") is None else _number(metric["p95"]),
                _cell(metric["floor"], unit),
                "–" if metric.get("floor_p95") is None else _number(metric["floor_p95"]),
                _ratio(metric["ratio"]),
                "–" if metric.get("rounds") is None else str(metric["rounds"]),
                _target(metric),
                met,
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def header(reports: list[dict]) -> str:
    with_context = next((r["extra"] for r in reports if "dataset" in r.get("extra", {})), None)
    dates = sorted({r["recorded_at"][:10] for r in reports})
    lines = [f"Recorded {', '.join(dates)}."]
    if with_context:
        machine, data = with_context["machine"], with_context["dataset"]
        lines.append(
            f"Machine: {machine['cores']}-core machine ({machine['cpu']}, "
            f"{machine['memory_gb']} GB), Python {machine['python']}, "
            f"PostgreSQL {with_context['database'].get('server_version', '?').split()[0]}."
        )
        lines.append(
            f"Dataset: {data['authority']} ({data['generated_with']}): {data['children']:,} "
            f"children, {data['assessments']:,} assessments ({data['complete_assessments']:,} "
            f"current), {data['ratings']:,} domain ratings, {data['settings']:,} settings."
        )
    noisy = [r["bench"] for r in reports if r.get("noisy")]
    if noisy:
        lines.append(
            f"**Noisy run** ({', '.join(noisy)}): the machine was busy with other work, so "
            "figures and ratios are less reliable than on a quiet machine (see the load below)."
        )
    return "\n".join(lines)


def load_lines(reports: list[dict]) -> str:
    lines = ["Load while each bench ran (1-minute load average at its start → end):"]
    for report in reports:
        load = report.get("load")
        if load is None:
            average = report.get("load_average_1_5_15_min")
            if average:
                lines.append(f"- {report['bench']}: load average {average[0]} when written")
            continue
        text = (
            f"- {report['bench']}: {load['load_average_start'][0]} → "
            f"{load['load_average_end'][0]} on {load['cores']} cores over {load['seconds']:.0f} s"
        )
        if "cpu_cores_used_by_others" in load:
            text += (
                f"; CPU used by other processes {load['cpu_cores_used_by_others']:.2f} cores, "
                f"by the bench (with its PostgreSQL) {load['cpu_cores_used_by_bench']:.2f}"
            )
        if load.get("cpu_pressure_some_percent") is not None:
            text += f"; CPU pressure {load['cpu_pressure_some_percent']}%"
        if load.get("reference_ms_start") is not None:
            text += (
                f"; reference workload {load['reference_ms_start']} → {load['reference_ms_end']} ms"
            )
        text += " — **noisy**" if load.get("noisy") else " — quiet"
        lines.append(text)
    return "\n".join(lines)


def floors(reports: list[dict]) -> str:
    lines = ["Floors (measured in the same run, over the same rounds):"]
    for report in reports:
        labels = sorted({m["floor_label"] for m in report["metrics"] if m.get("floor_label")})
        extra = report.get("extra", {})
        if "dataset" not in extra and "children" in extra:
            labels.append(
                f"data: synthetic, {extra['children']:,} children and "
                f"{extra.get('settings', '?')} settings in memory (no database)"
            )
        if labels:
            lines.append(f"- {report['bench']}: {'; '.join(labels)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--before", type=Path, help="folder of an earlier run's JSON files")
    options = parser.parse_args(argv)
    reports = load_reports(options.results)
    if not reports:
        raise SystemExit(f"No results in {options.results}: run the benchmarks first (make bench)")
    before = before_values(load_reports(options.before)) if options.before else None
    text = (
        f"{header(reports)}\n\n{table(reports, before)}\n\n{load_lines(reports)}\n\n"
        f"{floors(reports)}\n"
    )
    if options.before:
        text += f"\nBefore: the results in {options.before}.\n"
    print(text)
    path = options.results / "summary.md"
    path.write_text(text, encoding="utf-8")
    print(f"Written to {path}")


if __name__ == "__main__":
    main()
