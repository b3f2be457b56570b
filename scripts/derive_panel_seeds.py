#!/usr/bin/env python3
"""Derive the panel-case generator's calibration from DfE's published EHC plan statistics.

Reads four files of the DfE release "Education, health and care plans", reporting year 2025
(``../shared/data/dfe/ehcp_2025``, see its README) and writes ``seeds/panels/statutory_2024.csv``:
for England and each of the 153 English local authorities, the calendar-year 2024 counts of
requests for EHC needs assessment and their outcomes and timeliness, assessments and their
outcomes, plans issued within 20 weeks (with and without exceptions) and annual reviews.
DfE's ``x`` (not available) and ``z`` (not applicable) are written as blanks: the generator
uses England's rate where an authority's is missing.

The app never reads ``../shared`` at run time, only this output, which is committed.

Usage: ``python scripts/derive_panel_seeds.py [--source ../shared/data/dfe] [--check]``.
``--check`` writes nothing and fails if the committed file differs. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "dfe"
OUTPUT = ROOT / "seeds" / "panels" / "statutory_2024.csv"
YEAR = "2024"

# (file, breakdown, {our column: DfE column})
SOURCES = [
    (
        "requests_all.csv",
        "All requests for EHC needs assessments",
        {
            "requests": "requests_received_in_year",
            "requests_assess": "requests_decided_to_assess",
            "requests_not_assess": "requests_decided_not_to_assess",
            "requests_ongoing": "requests_decision_not_made",
            "requests_withdrawn": "requests_withdrawn",
            "requests_within_6_weeks": "request_outcome_six_weeks",
            "requests_over_6_weeks": "request_outcome_over_6_weeks",
            "requests_mediation": "mediation_related_request",
            "requests_tribunal": "tribunal_related_request",
        },
    ),
    (
        "assessments_all.csv",
        "All EHC needs assessments",
        {
            "assessments": "assess_in_year",
            "assessments_issue": "assess_issued",
            "assessments_not_issue": "assess_not_issued",
            "assessments_withdrawn": "assess_withdrawn",
            "not_issue_within_16_weeks": "outcome_decision_within_time",
            "not_issue_over_16_weeks": "outcome_decision_over_time",
            "assessments_mediation": "number_assess_mediation",
            "assessments_tribunal": "number_assess_tribunal",
        },
    ),
    (
        "timeliness_20_week.csv",
        "All EHC plans issued",
        {
            "plans_issued": "plans_issued_den",
            "plans_within_20_weeks": "plans_issued_within_20_weeks",
            "plans_20_to_52_weeks": "plans_issued_gt20weeks_ltYear",
            "plans_over_52_weeks": "plans_issued_gt_1_year",
            "plans_issued_ex": "plans_issued_den_ex",
            "plans_within_20_weeks_ex": "plans_issued_20_weeks_ex",
        },
    ),
    (
        "annual_reviews_all.csv",
        "All annual reviews",
        {
            "plans": "total_ehc_plans",
            "reviews_expected": "review_expected",
            "review_decision_within_4_weeks": "number_decsion_4weeks",
            "review_decision_over_4_weeks": "number_decision_gt_4weeks",
            "review_maintain": "outcome_maintan",
            "review_amend": "outcome_amend",
            "review_cease": "outcome_cease",
        },
    ),
]
KEY_COLUMNS = ["geographic_level", "old_la_code", "new_la_code", "la_name"]


def _value(text: str) -> str:
    text = text.strip()
    return "" if text in {"x", "z", "c", "u", ""} else str(int(float(text)))


def derive(source: Path) -> str:
    rows: dict[tuple, dict] = {}
    columns = list(KEY_COLUMNS)
    for name, breakdown, wanted in SOURCES:
        columns.extend(wanted)
        with open(source / "ehcp_2025" / name, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["time_period"] != YEAR or row["breakdown"] != breakdown:
                    continue
                if row["geographic_level"] not in {"National", "Local authority"}:
                    continue
                key = (row["geographic_level"], row["old_la_code"])
                record = rows.setdefault(
                    key,
                    {
                        "geographic_level": row["geographic_level"],
                        "old_la_code": row["old_la_code"],
                        "new_la_code": row["new_la_code"],
                        "la_name": row["la_name"] or "England",
                    },
                )
                for ours, theirs in wanted.items():
                    record[ours] = _value(row[theirs])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    ordered = sorted(
        rows.values(), key=lambda r: (r["geographic_level"] != "National", r["old_la_code"])
    )
    for record in ordered:
        writer.writerow({column: record.get(column, "") for column in columns})
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = derive(args.source)
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT.relative_to(ROOT)} differs from what the published files give")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} matches the published files")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"Wrote {OUTPUT.relative_to(ROOT)} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
