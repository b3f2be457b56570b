"""Fail when a view module reaches case data without going through the user's authority.

Views must fetch children, assessments and other case data through ``request.authority``
(e.g. ``get_or_404(request.authority.children, pk=pk)``), so another authority's record is a
404. ``Child.objects`` or ``get_object_or_404`` in a view module bypasses that scope.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE_MODELS = (
    "Child",
    "Assessment",
    "DomainRating",
    "Recommendation",
    "Override",
    "ReplayRun",
    "PanelCase",
    "Contribution",
    "Decision",
    "Meeting",
    "Membership",
    "Setting",
    "SettingCapability",
    "RuleSet",
)
FORBIDDEN = re.compile(r"\b(?:" + "|".join(CASE_MODELS) + r")\.objects\b|\bget_object_or_404\(")


def view_modules():
    for app in ("assessments", "panels", "valuing_send"):
        base = ROOT / app
        yield from base.rglob("views.py")
        yield from base.rglob("views_*.py")
        for folder in base.rglob("views"):
            if folder.is_dir():
                yield from folder.rglob("*.py")


def main() -> int:
    problems = []
    for path in sorted(set(view_modules())):
        if "tests" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if FORBIDDEN.search(line):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    if problems:
        print("Views must reach case data through request.authority (see scripts/lint_tenancy.py):")
        print("\n".join(problems))
        return 1
    print("Tenancy lint: every view reaches case data through the current authority.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
