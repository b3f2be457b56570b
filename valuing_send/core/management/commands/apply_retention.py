import datetime

from django.core.management.base import BaseCommand, CommandError

from valuing_send.core import retention


class Command(BaseCommand):
    help = "Remove what the data-retention policy (docs/retention.md) says is past its time."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count only; remove nothing.")
        parser.add_argument("--today", help="Apply as on this date (YYYY-MM-DD), for checking.")

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today must be a date like 2026-01-31: {error}") from None
        outcomes = retention.apply(today=day, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for outcome in outcomes:
            self.stdout.write(f"{verb} {outcome.count:,}: {outcome.rule}")
