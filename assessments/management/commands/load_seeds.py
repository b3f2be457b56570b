"""Load the versioned reference data in seeds/: needs frameworks and shipped rule sets.

Idempotent: files already loaded are skipped; a changed file under a version that is already
loaded is refused with the reason, and nothing from that run is applied."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.framework import FrameworkError, shipped_framework_paths
from assessments.rules import RulesetError
from assessments.rulesets import shipped_load
from assessments.services import framework_load


class Command(BaseCommand):
    help = "Load the needs frameworks (and other reference data) from seeds/ into the database."

    def handle(self, *args, **options):
        paths = shipped_framework_paths()
        if not paths:
            raise CommandError("No needs framework found in seeds/frameworks/")
        try:
            with transaction.atomic():
                for path in paths:
                    framework, created = framework_load(path)
                    state = "loaded" if created else "already loaded"
                    self.stdout.write(f"Needs framework {framework.version} ({path.name}): {state}")
                for version, created in shipped_load():
                    state = "loaded" if created else "already loaded"
                    self.stdout.write(f"Rule set {version.ruleset_id} {version.version}: {state}")
        except (FrameworkError, RulesetError) as error:
            raise CommandError(str(error)) from None
