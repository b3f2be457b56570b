"""All benchmark results as one markdown table, from ``bench/results/*.json``.

    .venv/bin/python -m bench.summary

Prints the table and writes it to ``bench/results/summary.md``. Ratio is the floor measured in
the same run against the figure, oriented so that above 1 beats the floor (for times: floor ÷
figure; for rates: figure ÷ floor), as ``bench/_report.py`` defines it.
"""

from __future__ import annotations

import json

from bench._report import RESULTS_DIR, _number

ORDER = ("pages", "rules_caseload", "rules_engine", "http")


def _load() -> list[dict]:
    reports = [json.loads(path.read_text(encoding="utf-8")) for path in RESULTS_DIR.glob("*.json")]
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


def table(reports: list[dict]) -> str:
    lines = [
        "| Bench | Metric | Value | Floor | Ratio | Target | Met? |",
        "|---|---|---:|---:|---:|---:|:---:|",
    ]
    for report in reports:
        for metric in report["metrics"]:
            unit = metric["unit"]
            relation = "≥" if metric["higher_is_better"] else "≤"
            target = (
                "–"
                if metric["target"] is None
                else f"{relation} {_number(metric['target'])} {unit}"
            )
            met = {True: "yes", False: "**no**", None: "–"}[metric["target_met"]]
            ratio = _ratio(metric["ratio"])
            lines.append(
                f"| {report['bench']} | {metric['name']} | {_cell(metric['value'], unit)} | "
                f"{_cell(metric['floor'], unit)} | {ratio} | {target} | {met} |"
            )
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
    return "\n".join(lines)


def floors(reports: list[dict]) -> str:
    lines = ["Floors (measured in the same run):"]
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


def main() -> None:
    reports = _load()
    if not reports:
        raise SystemExit(f"No results in {RESULTS_DIR}: run the benchmarks first (make bench)")
    text = f"{header(reports)}\n\n{table(reports)}\n\n{floors(reports)}\n"
    print(text)
    path = RESULTS_DIR / "summary.md"
    path.write_text(text, encoding="utf-8")
    print(f"Written to {path}")


if __name__ == "__main__":
    main()
