"""Create the demo authority with one user per role, and print their sign-in details.

Used by ``make run``. Idempotent: running it again resets the demo passwords and the demo
two-factor key (one published key for every demo login, see ``two_factor.DEMO_TOTP_KEY_BASE32``)
and keeps data.
The first time, it also fills the demo authority with generated demo data (about 2,000
children with needs profiles, a settings register and caseworkers; see
``assessments/demo_data``); an authority that already has children is left as it is. While
the authority has no rule set of its own, the demo admin makes it a draft to replay (a copy of
the rule set in use with more points for significant and severe needs), so a manager can try
a replay straight away. Refuses to run in production.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import NeedsFramework, RuleSetVersion
from valuing_send.authorities.models import Authority, Membership, Role, User
from valuing_send.authorities.two_factor import (
    DEMO_TOTP_KEY_BASE32,
    DEMO_TOTP_KEY_HEX,
    TOTP_DEVICE_NAME,
)

DEMO_AUTHORITY = {
    "name": "Demoshire County Council",
    "la_code": "999",
    "ons_code": "E10999999",
    "region": "South East",
}
DEMO_PASSWORD = "demo-password-2026"
DEMO_DATA_SEED = 2026
# The demo draft: points per level 0-4 (the shipped default gives 0, 1, 3, 6, 10). More points
# for significant and severe needs, the kind of change an authority consults on before adopting
# it: replayed, some children move up a band and top-up spend rises.
DEMO_DRAFT_POINTS = (0, 1, 3, 7, 12)
DEMO_ADMIN = "admin@demo.valuing-send.test"
DEMO_USERS = [
    ("caseworker@demo.valuing-send.test", "Casey Worker", Role.CASEWORKER),
    ("panel@demo.valuing-send.test", "Pat Panel", Role.PANEL_MEMBER),
    ("manager@demo.valuing-send.test", "Morgan Manager", Role.MANAGER),
    (DEMO_ADMIN, "Alex Admin", Role.ADMIN),
]


class Command(BaseCommand):
    help = (
        "Create the demo authority and one user per role (local use only), and print their logins."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "setup_demo creates users with a published password: never in production."
            )
        with transaction.atomic():
            authority, _ = Authority.objects.update_or_create(
                la_code=DEMO_AUTHORITY["la_code"], defaults=DEMO_AUTHORITY
            )
            for email, name, role in DEMO_USERS:
                user, _ = User.objects.get_or_create(email=email, defaults={"full_name": name})
                user.full_name = name
                user.is_active = True
                user.set_password(DEMO_PASSWORD)
                user.save()
                Membership.objects.update_or_create(
                    user=user, authority=authority, defaults={"role": role, "is_active": True}
                )
                # Every demo login shares the published demo authenticator key.
                TOTPDevice.objects.filter(user=user).exclude(key=DEMO_TOTP_KEY_HEX).delete()
                TOTPDevice.objects.update_or_create(
                    user=user,
                    key=DEMO_TOTP_KEY_HEX,
                    defaults={"name": TOTP_DEVICE_NAME, "confirmed": True},
                )
        self._generate_demo_data(authority)
        self._draft_rule_set(authority, User.objects.get(email=DEMO_ADMIN))
        self.stdout.write(self.style.SUCCESS(f"\nDemo authority: {authority.name}"))
        self.stdout.write(
            "Sign in at http://127.0.0.1:8000/sign-in/ as any of these (password for all: "
            f"{DEMO_PASSWORD}):"
        )
        for email, _, role in DEMO_USERS:
            self.stdout.write(f"  {Role(role).label:<16} {email}")
        key = " ".join(DEMO_TOTP_KEY_BASE32[i : i + 4] for i in range(0, 32, 4))
        self.stdout.write(
            "\nThen enter the 6-digit security code from any authenticator app (Microsoft or Google\n"
            "Authenticator, a password manager) set up with the demo key, time-based, 6 digits:\n"
            f"  {key}\n"
            "All demo logins share it. It is published: production refuses to start with it.\n"
        )

    def _generate_demo_data(self, authority):
        if authority.children.exists():
            return
        if not NeedsFramework.objects.exists():
            self.stdout.write("No needs framework loaded (manage.py load_seeds): no demo data.")
            return
        from assessments.demo_data.calibration import scale_targets
        from assessments.demo_data.pipeline import populate_authority

        result = populate_authority(authority, scale_targets("demo"), seed=DEMO_DATA_SEED)
        self.stdout.write(
            f"Generated demo data for {authority.name}: {result.counts['children']:,} children, "
            f"{result.counts['assessments']:,} needs assessments and "
            f"{result.counts['settings']:,} settings in {result.total_seconds:.1f} s"
        )

    def _draft_rule_set(self, authority, admin):
        """A draft to replay, made by the demo admin through the rule-set services as an admin
        would: a copy of the version in use, with its points per level changed."""
        if authority.rule_sets.exists():
            return
        from assessments import rulesets

        try:
            in_use = rulesets.active_rule_set(authority)
        except RuleSetVersion.DoesNotExist:
            self.stdout.write("No rule sets loaded (manage.py load_seeds): no draft to replay.")
            return
        with transaction.atomic():
            draft = rulesets.ruleset_copy(in_use, authority, by=admin)
            rulesets.ruleset_update_points(draft, DEMO_DRAFT_POINTS, by=admin)
        self.stdout.write(
            f"Made a draft rule set to replay: {draft.name} {draft.version} (points per level "
            f"{', '.join(map(str, DEMO_DRAFT_POINTS))})"
        )
