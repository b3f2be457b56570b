"""The work tray and a case timeline on a Kent-size authority (PostgreSQL): server time and
queries per page, against a floor measured in the same rounds.

Run from the repository root against the bench database (scripts/bench.sh sets it up, with
the panel cases the generator makes calibrated to Kent's published figures):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.panels

Each page is requested in-process with Django's test ``Client``, signed in as a real user of
the authority (the caseworker with the most open cases, or a manager for the team tray), and
timed against the same floors as ``bench.pages`` over the same interleaved rounds
(``bench.pages.measure_page``): the **pre-rendered floor** (the page's own HTML as bytes,
served through the same middleware, session and ``@requires``) and the render-only figure.
Target, as for every staff page: the median within 2× of the pre-rendered floor and p95 under
100 ms; and the same number of queries for a caseworker's tray (tens of cases) and the team's
(thousands).
"""

from __future__ import annotations

import os

from bench import _dataset
from bench._report import write_report
from bench.pages import ROUNDS, WARM_UP, measure_page, signed_in_client


def _people(authority):
    from django.db.models import Count

    from valuing_send.authorities.models import Membership, Role, User

    busiest = (
        authority.panel_cases.open()
        .exclude(caseworker=None)
        .values("caseworker")
        .annotate(n=Count("pk"))
        .order_by("-n", "caseworker")
        .first()
    )
    if busiest is None:
        raise SystemExit("No open panel cases: generate_demo makes them (panels.demo_data)")
    caseworker = User.objects.get(pk=busiest["caseworker"])
    manager = User.objects.filter(email="bench.manager@valuing-send.test").first()
    if manager is None:
        manager = User.objects.create_user(
            email="bench.manager@valuing-send.test",
            password=_dataset.CASEWORKER_PASSWORD,
            full_name="Bench Manager",
        )
    Membership.objects.get_or_create(
        user=manager, authority=authority, defaults={"role": Role.MANAGER}
    )
    return caseworker, busiest["n"], manager


def _long_case(authority):
    """A closed assessment with the longest history: status rows, advice, decisions."""
    from django.db.models import Count

    return (
        authority.panel_cases.filter(kind="issue_decision")
        .annotate(rows=Count("status_changes"))
        .order_by("-rows", "pk")
        .first()
    )


def main() -> None:
    _dataset.django_setup()
    from django.test.utils import override_settings
    from django.urls import reverse

    authority = _dataset.bench_authority()
    caseworker, caseworker_cases, manager = _people(authority)
    case = _long_case(authority)
    open_cases = authority.panel_cases.open().count()
    tray = reverse("case-tray")
    pages = [
        ("tray (caseworker)", caseworker, tray),
        ("tray (team)", manager, f"{tray}?view=team"),
        (
            "tray (team, overdue assessments)",
            manager,
            f"{tray}?view=team&kind=issue_decision&due=overdue",
        ),
        ("case timeline", caseworker, reverse("case-detail", args=[case.pk])),
    ]
    load_before = os.getloadavg()
    metrics, details = [], {}
    with override_settings(ROOT_URLCONF="bench.prerendered"):
        for label, user, url in pages:
            slug = label.replace(" ", "-").replace("(", "").replace(")", "").replace(",", "")
            page_metrics, details[label] = measure_page(
                signed_in_client(user), label=label, slug=slug, url=url
            )
            metrics += page_metrics
    load_after = os.getloadavg()
    same_queries = details["tray (caseworker)"]["queries"] == details["tray (team)"]["queries"]
    extra = _dataset.context(authority) | {
        "method": f"in-process django.test.Client, {WARM_UP} warm-up rounds then {ROUNDS} "
        "rounds per page, each timing in turn the page, its pre-rendered floor (same "
        "middleware, session and @requires, the page's HTML as bytes) and its render-only "
        "floor (bench.pages.measure_page)",
        "open_cases": open_cases,
        "caseworker_open_cases": caseworker_cases,
        "caseworkers_with_open_cases": authority.panel_cases.open()
        .exclude(caseworker=None)
        .values("caseworker")
        .distinct()
        .count(),
        "timeline_case_status_rows": case.status_changes.count(),
        "tray_queries_same_for_caseworker_and_team": same_queries,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "pages": details,
    }
    write_report("panels", metrics, extra)
    print(
        f"  {open_cases:,} open cases; the caseworker has {caseworker_cases}; "
        f"tray queries the same for both: {same_queries}; load {load_before[0]:.2f} → "
        f"{load_after[0]:.2f}"
    )
    for label, detail in details.items():
        print(
            f"  {label}: {detail['queries']} queries, {detail['database_ms_median']} ms in the "
            f"database; {detail['html_bytes']:,} bytes"
        )


if __name__ == "__main__":
    main()
