"""Load DfE's published figures (EHC plans release, LAIT school-census percentages and the
statistical neighbours) from ``seeds/dfe/published`` or another folder holding a release with
the same file names, and report what was skipped and why."""

from django.core.management.base import BaseCommand

from valuing_send.indicators.models import PublishedImport
from valuing_send.indicators.published import DEFAULT_SOURCE, import_published, release_checksum


class Command(BaseCommand):
    help = "Import DfE's published SEND figures for England, its regions and every authority."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=str(DEFAULT_SOURCE),
            help="Folder with the release's CSV files (.csv or .csv.gz); default seeds/dfe/published",
        )
        parser.add_argument(
            "--only",
            nargs="*",
            metavar="LA_CODE",
            help="Load only these authorities (3-digit DfE codes), with England and the regions",
        )
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Do nothing if this release was already loaded in full (make run uses it)",
        )

    def handle(self, *args, **options):
        if options["if_changed"]:
            last = PublishedImport.objects.first()
            if (
                last is not None
                and last.report.get("only") is None
                and last.report.get("checksum") == release_checksum(options["source"])
            ):
                self.stdout.write("The published figures are up to date.")
                return
        record, report = import_published(options["source"], only_areas=options["only"])
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {record.figures:,} published figures for {record.areas:,} areas and "
                f"{record.neighbours:,} statistical neighbour links."
            )
        )
