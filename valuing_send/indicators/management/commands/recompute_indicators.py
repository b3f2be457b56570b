"""Work out authorities' indicators now (what the nightly Celery beat task queues), in this
process: the open period, the last census once past, and earlier Januaries the first time."""

from django.core.management.base import BaseCommand, CommandError

from valuing_send.authorities.models import Authority
from valuing_send.indicators import snapshots
from valuing_send.indicators.models import SnapshotTrigger


class Command(BaseCommand):
    help = "Recompute the indicator snapshots of one authority (--authority) or every one (--all)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--authority", help="Name or DfE LA code")
        group.add_argument("--all", action="store_true")

    def handle(self, *args, **options):
        if options["all"]:
            authorities = list(Authority.objects.order_by("name"))
        else:
            text = options["authority"]
            authorities = list(Authority.objects.filter(la_code=text)) or list(
                Authority.objects.filter(name__iexact=text)
            )
            if not authorities:
                raise CommandError(f"No authority called {text!r}")
        for authority in authorities:
            runs = snapshots.snapshot_refresh(authority, trigger=SnapshotTrigger.MANUAL)
            self.stdout.write(
                f"{authority.name}: {len(runs)} period(s), "
                f"{sum(r.rows for r in runs):,} figures in {sum(r.duration_ms for r in runs):,} ms"
            )
