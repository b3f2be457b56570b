"""Actions on users and memberships. Every write takes the acting user."""

from django.db import transaction
from django.db.models import F

from valuing_send.celery import enqueue_on_commit
from valuing_send.core.locking import save_versioned

from . import choices
from .models import Authority, Membership, Role, User


class MembershipError(Exception):
    """A request that cannot be done, with a message to show the admin."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def membership_add(
    authority: Authority, *, email: str, full_name: str, role: str, by: User
) -> Membership:
    """Give a person access to the authority. New people get an email to set their password."""
    if role not in Role.values:
        raise MembershipError("Select a role from the list", field="role")
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, full_name=full_name.strip())
    elif Membership.objects.filter(user=user, authority=authority).exists():
        raise MembershipError(f"{email} already has access to {authority.name}", field="email")
    membership = Membership.objects.create(user=user, authority=authority, role=role, created_by=by)
    from .tasks import send_account_email

    enqueue_on_commit(send_account_email, membership.pk, "new" if created else "added")
    return membership


def _ensure_an_admin_remains(membership: Membership) -> None:
    other_admins = (
        Membership.objects.active()
        .filter(authority=membership.authority_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if membership.role == Role.ADMIN and not other_admins.exists():
        raise MembershipError(
            f"{membership.authority.name} must keep at least one active authority admin",
            field="role",
        )


@transaction.atomic
def membership_change_role(
    membership: Membership, *, role: str, expected_version: int, by: User
) -> Membership:
    if role not in Role.values:
        raise MembershipError("Select a role from the list", field="role")
    if role != Role.ADMIN:
        _ensure_an_admin_remains(membership)
    changed = role != membership.role
    membership = save_versioned(membership, expected_version, role=role)
    choices.forget_caseworkers(membership.authority_id)
    if changed:
        sessions_end(membership.user)
    return membership


@transaction.atomic
def membership_set_active(
    membership: Membership, *, active: bool, expected_version: int, by: User
) -> Membership:
    """Deactivating takes effect on the person's next request: every view re-reads memberships."""
    if not active:
        if membership.user_id == by.pk:
            raise MembershipError("You cannot deactivate your own access")
        _ensure_an_admin_remains(membership)
    membership = save_versioned(membership, expected_version, is_active=active)
    choices.forget_caseworkers(membership.authority_id)
    if not active:
        sessions_end(membership.user)
    return membership


def sessions_end(user: User) -> None:
    """End every session the person has, on every device, from their next request (the
    session hash includes ``session_generation``; see ``User._get_session_auth_hash``)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def two_factor_reset(membership: Membership, *, expected_version: int, by: User) -> Membership:
    """Remove the person's authenticator and recovery codes: they set it up again at their next
    sign-in. Their sessions end. The version check stops a reset from a stale page."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if membership.user_id == by.pk:
        raise MembershipError("You cannot reset your own two-factor sign-in: ask another admin")
    membership = save_versioned(membership, expected_version)
    TOTPDevice.objects.filter(user_id=membership.user_id).delete()
    StaticDevice.objects.filter(user_id=membership.user_id).delete()
    sessions_end(membership.user)
    return membership
