"""Who works for which local authority, in what role; and the authority's settings register."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone


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
    Role.PANEL_MEMBER: "Reviews cases and records decisions with reasons.",
    Role.MANAGER: "Sees authority-level figures and replays draft rule sets.",
    Role.ADMIN: "Manages users, the settings register, rule sets and the needs framework.",
}


class MembershipQuerySet(models.QuerySet):
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
