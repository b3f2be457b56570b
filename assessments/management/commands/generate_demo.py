"""Generate realistic synthetic data: a settings register, caseworkers, children and their
needs profiles, calibrated to published DfE statistics for January 2025.

    manage.py generate_demo --authority "Kent" --scale kent [--seed 1]
    manage.py generate_demo --authority "Northshire" --scale demo
    manage.py generate_demo --national [--seed 1]

Scales: ``demo`` (about 2,000 children), ``median`` (the median authority's 3,267 EHC plans
plus SEN support at England's ratio), ``kent`` (Kent's 20,635 EHC plans and 46,606 SEN
support), ``published`` (the named authority's own figures). ``--national`` generates all 153
English authorities from their own figures, skipping any that already have children.
An authority that already has children is refused (nothing is duplicated).

Dates are relative to ``--as-of`` (default today): the same seed and date give the same data.
On PostgreSQL, ``--reference-checks per-table`` (the default with ``--national``; needs a
superuser) checks foreign keys once per table instead of once per row: about twice as fast.
``--national --only 886,887`` generates just those authorities.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from assessments.demo_data.calibration import SCALES, published_authorities
from assessments.demo_data.pipeline import AlreadyPopulated, populate_named, populate_national
from assessments.models import NeedsFramework, RuleSetVersion


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date like 2026-01-15, not {text!r}") from None


class Command(BaseCommand):
    help = "Generate synthetic children, settings and needs profiles for one or all authorities."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--authority", help="authority name (a real English LA or any other)")
        target.add_argument("--national", action="store_true", help="all 153 English authorities")
        parser.add_argument("--scale", choices=SCALES, default="demo")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as-of", type=_date, help="reference date (default today)")
        parser.add_argument(
            "--only", help="with --national: comma-separated DfE LA codes to generate"
        )
        parser.add_argument(
            "--reference-checks",
            choices=("per-row", "per-table"),
            help="PostgreSQL foreign-key checks: per row at commit (default for one authority) "
            "or once per table before commit (default for --national; needs a superuser)",
        )

    def handle(self, *args, **options):
        if (
            not NeedsFramework.objects.exists()
            or not RuleSetVersion.objects.filter(authority__isnull=True).exists()
        ):
            raise CommandError(
                "The needs framework and rule sets are not loaded: run manage.py load_seeds first"
            )
        if options["seed"] < 0:
            raise CommandError("--seed must be 0 or more")
        started = time.perf_counter()
        try:
            if options["national"]:
                self._national(options)
            else:
                self._one(options)
        except (AlreadyPopulated, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Finished in {time.perf_counter() - started:.1f} s")

    def _one(self, options):
        result, created = populate_named(
            options["authority"],
            options["scale"],
            seed=options["seed"],
            as_of=options["as_of"],
            bulk_references=options["reference_checks"] == "per-table",
        )
        authority = result.authority
        self.stdout.write(
            f"{'Created' if created else 'Using'} {authority.name} (LA {authority.la_code}"
            f"{', ' + authority.ons_code if authority.ons_code else ''}"
            f"{', ' + authority.region if authority.region else ''})"
        )
        self._report_counts(result.counts)
        self._report_timings(result.timings)

    def _national(self, options):
        only = set(options["only"].split(",")) if options["only"] else None
        if connection.vendor != "postgresql":
            self.stderr.write("The national run is meant for PostgreSQL; SQLite will be slow.")
        totals: dict[str, int] = {}
        phase_totals: dict[str, float] = {}
        count = len(only) if only else len(published_authorities())
        done = [0]

        def report(row, result):
            done[0] += 1
            if result is None:
                self.stdout.write(
                    f"[{done[0]}/{count}] {row.la_code} {row.name}: already has children, skipped"
                )
                return
            for key, value in result.counts.items():
                totals[key] = totals.get(key, 0) + value
            for key, value in result.timings.items():
                phase_totals[key] = phase_totals.get(key, 0.0) + value
            writes = sum(v for k, v in result.timings.items() if k.startswith("write:"))
            self.stdout.write(
                f"[{done[0]}/{count}] {row.la_code} {row.name}: {result.counts['children']:,} children, "
                f"{result.counts['assessments']:,} assessments in {result.total_seconds:.1f} s "
                f"(plan {result.timings['plan']:.1f}, rows {result.timings['rows']:.1f}, "
                f"write {writes:.1f}, references {result.timings.get('references', 0):.1f}, "
                f"commit {result.timings['commit']:.1f})"
            )
            self.stdout.flush()

        populate_national(
            seed=options["seed"],
            as_of=options["as_of"],
            only=only,
            report=report,
            bulk_references=options["reference_checks"] != "per-row",
        )
        self.stdout.write("All authorities:")
        self._report_counts(totals)
        self._report_timings(phase_totals)

    def _report_counts(self, counts):
        for key, value in counts.items():
            self.stdout.write(f"  {key:<16} {value:>12,}")

    def _report_timings(self, timings):
        total = sum(timings.values())
        self.stdout.write("Time by phase:")
        for key, value in timings.items():
            self.stdout.write(f"  {key:<24} {value:8.2f} s")
        self.stdout.write(f"  {'total':<24} {total:8.2f} s")
