from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Membership, User


def password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("password_reset_confirm", args=[uid, token])


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_account_email(membership_id: int, kind: str) -> None:
    """Tell someone they have been given access. ``kind`` is "new" (must set a password) or
    "added" (already has one). The email names the authority and role, nothing about children."""
    membership = (
        Membership.objects.select_related("user", "authority").filter(pk=membership_id).first()
    )
    if membership is None or not membership.is_active:
        return
    context = {
        "membership": membership,
        "link": password_link(membership.user) if kind == "new" else settings.SITE_URL,
        "kind": kind,
        "service_name": settings.SERVICE_NAME,
    }
    send_mail(
        subject=f"You have access to {settings.SERVICE_NAME} for {membership.authority.name}",
        message=render_to_string("authorities/email/account.txt", context),
        from_email=None,
        recipient_list=[membership.user.email],
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset_email(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    # Only people who can still sign in somewhere get a link; others learn nothing from the form.
    if user is None or not user.memberships.active().exists():
        return
    send_mail(
        subject=f"Reset your {settings.SERVICE_NAME} password",
        message=render_to_string(
            "authorities/email/password_reset.txt",
            {"user": user, "link": password_link(user), "service_name": settings.SERVICE_NAME},
        ),
        from_email=None,
        recipient_list=[user.email],
    )
