"""Fail when a view module reaches case data without going through the user's authority.

Views must fetch children, assessments and other case data through ``request.authority``
(e.g. ``get_or_404(request.authority.children, pk=pk)``), so another authority's record is a
404. ``Child.objects``, ``Child._default_manager`` or ``get_object_or_404`` in a view module
bypasses that scope.

Case-data models are found, not listed: every model of this project that belongs to an
authority, directly (a foreign key to ``Authority``) or through its parent records (a rating
through its assessment), plus the authority's memberships. A model added later is covered
as soon as it points at one of them.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("assessments", "panels", "valuing_send")


def case_models() -> list[str]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuing_send.settings")
    import django

    django.setup()
    from django.apps import apps

    from valuing_send.authorities.models import Authority

    ours = [
        model
        for model in apps.get_models()
        if model.__module__.split(".")[0] in PROJECT_APPS and model is not Authority
    ]
    scoped = {Authority}
    changed = True
    while changed:  # a model is case data if any foreign key leads to case data or the authority
        changed = False
        for model in ours:
            if model in scoped:
                continue
            targets = {
                field.related_model
                for field in model._meta.get_fields()
                if field.many_to_one and field.concrete and field.related_model is not None
            }
            if targets & scoped:
                scoped.add(model)
                changed = True
    return sorted(model.__name__ for model in scoped if model is not Authority)


def view_modules():
    for app in PROJECT_APPS:
        base = ROOT / app
        if not base.exists():
            continue
        yield from base.rglob("views.py")
        yield from base.rglob("views_*.py")
        for folder in base.rglob("views"):
            if folder.is_dir():
                yield from folder.rglob("*.py")


def main() -> int:
    names = case_models()
    forbidden = re.compile(
        r"\b(?:" + "|".join(names) + r")\.(?:objects|_default_manager)\b|\bget_object_or_404\("
    )
    problems = []
    for path in sorted(set(view_modules())):
        if "tests" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if forbidden.search(line):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    if problems:
        print("Views must reach case data through request.authority (see scripts/lint_tenancy.py):")
        print("\n".join(problems))
        return 1
    print(
        f"Tenancy lint: every view reaches case data through the current authority "
        f"({len(names)} case-data models: {', '.join(names)})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
