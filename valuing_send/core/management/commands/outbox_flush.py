from django.core.management.base import BaseCommand

from valuing_send.core import outbox


class Command(BaseCommand):
    help = "Send background tasks that waited in the outbox (for example while Redis was down)."

    def handle(self, *args, **options):
        sent, waiting = outbox.flush(limit=10**9)
        self.stdout.write(f"Sent {sent} waiting task(s); {waiting} still waiting.")
        if waiting:
            raise SystemExit(1)
