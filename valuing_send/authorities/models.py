"""Who works for which local authority, in what role; and the authority's settings register."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from valuing_send import codes as rule_codes
from valuing_send.audit.queryset import AuditedQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. People sign in with their work email address."""

    email = models.EmailField("Email address", unique=True)
    full_name = models.CharField("Full name", max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Part of every session's hash: raising it ends all of the person's sessions at their next
    # request (on deactivation, a role change or a two-factor reset; see services).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def _get_session_auth_hash(self, secret=None):
        """Django ends a session whose stored hash no longer matches: a new password (Django's
        own rule) or a raised ``session_generation`` (ours) signs the person out everywhere."""
        return salted_hmac(
            "valuing_send.authorities.User.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Authority(models.Model):
    """An English local authority (the tenant). All case data hangs off one."""

    name = models.CharField(max_length=150, unique=True)
    la_code = models.CharField(
        "DfE LA code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "Enter the 3-digit DfE local authority code")],
    )
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^E\d{8}$", "Enter the 9-character ONS code, like E10000016")],
    )
    region = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    CASEWORKER = "caseworker", "Caseworker"
    PANEL_MEMBER = "panel_member", "Panel member"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Authority admin"


ROLE_DESCRIPTIONS = {
    Role.CASEWORKER: "Finds children, records needs profiles and sees the rules' recommendation.",
    Role.PANEL_MEMBER: (
        "Reads children, needs profiles and recommendations, and records decisions that differ "
        "from a recommendation, with reasons."
    ),
    # Until the indicators capability lands, managers have the home page's headline figures and
    # rule-set replays only: say so rather than promise DfE benchmarks.
    Role.MANAGER: (
        "Sees the authority's headline figures, previews rule sets and replays the caseload "
        "under them. Comparisons with published DfE statistics are not available yet."
    ),
    Role.ADMIN: (
        "Manages users, the settings register and rule sets, and checks the system status. "
        "The needs framework is the same for every authority: admins can read it."
    ),
}


class MembershipQuerySet(AuditedQuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role in one authority. A user may belong to several authorities."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: two admins changing the same person never silently overwrite.
    version = models.PositiveIntegerField(default=1)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "authority"], name="one_membership_per_authority"
            )
        ]
        ordering = ["user__full_name", "user__email"]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.authority}"


class SettingQuerySet(AuditedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_capabilities(self):
        return self.prefetch_related("capabilities")


class Setting(models.Model):
    """A school, college, early-years or alternative provision setting in the authority's
    register, with what it can ordinarily meet in each needs domain (its capabilities)."""

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="settings_register"
    )
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "URN",
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", "Enter the 6-digit unique reference number (URN)")],
        help_text="The 6-digit unique reference number from Get Information about Schools.",
    )
    ukprn = models.CharField(
        "UKPRN",
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(
                r"^1\d{7}$", "Enter the 8-digit UK provider reference number, starting with 1"
            )
        ],
        help_text="For colleges and other providers: the 8-digit UK provider reference number.",
    )
    phase = models.CharField(max_length=20, choices=rule_codes.PHASES)
    setting_type = models.CharField("Type", max_length=30, choices=rule_codes.SETTING_TYPES)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Number of places.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = SettingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "urn"],
                condition=~models.Q(urn=""),
                name="unique_urn_per_authority",
            ),
            models.UniqueConstraint(
                fields=["authority", "ukprn"],
                condition=~models.Q(ukprn=""),
                name="unique_ukprn_per_authority",
            ),
        ]
        indexes = [models.Index(fields=["authority", "name"])]

    def __str__(self):
        return self.name

    @property
    def is_mainstream(self) -> bool:
        return self.setting_type in MAINSTREAM_SETTING_TYPES

    def capability_map(self) -> dict[str, int]:
        """Domain code → highest level met (uses prefetched capabilities when present)."""
        return {c.domain: c.level for c in self.capabilities.all()}


# Setting types DfE counts as mainstream (resourced provision and SEN units are in mainstream schools).
MAINSTREAM_SETTING_TYPES = frozenset({"mainstream", "resourced", "fe", "early_years"})


class SettingCapability(models.Model):
    """The highest need level (0–4) the setting's ordinarily available and planned provision
    meets in one needs domain."""

    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="capabilities")
    domain = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField(choices=rule_codes.NEED_LEVELS)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["setting", "domain"], name="one_capability_per_domain"),
            models.CheckConstraint(
                condition=models.Q(level__lte=4), name="capability_level_0_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.setting}: {self.domain} up to level {self.level}"
