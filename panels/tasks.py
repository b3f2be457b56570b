"""The daily email to each caseworker of what falls due. Tasks take IDs, are idempotent
(one email per caseworker, authority and day, recorded in ``DigestSent``) and carry no names
or other sensitive data: case references, kinds and dates only."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from valuing_send.authorities.models import Membership, Role
from valuing_send.celery import enqueue_on_commit

from . import clocks
from .models import DigestSent, PanelCase

# What the email lists: overdue and due within the next week.
HORIZON_DAYS = clocks.DUE_SOON_DAYS
MAX_LISTED = 25


def falling_due(authority_id: int, user_id: int, today: datetime.date):
    return (
        PanelCase.objects.open()
        .filter(
            authority_id=authority_id,
            caseworker_id=user_id,
            next_due__lt=today + datetime.timedelta(days=HORIZON_DAYS),
        )
        .order_by("next_due", "pk")
        .only("pk", "kind", "next_due", "next_clock")
    )


@shared_task
def deadline_digests_send(on: str | None = None) -> int:
    """Run by Celery beat each morning: queue one email per caseworker with something falling
    due. Returns how many were queued."""
    today = datetime.date.fromisoformat(on) if on else timezone.localdate()
    soon = today + datetime.timedelta(days=HORIZON_DAYS)
    pairs = (
        PanelCase.objects.open()
        .filter(next_due__lt=soon, caseworker__isnull=False)
        .order_by()
        .values_list("authority_id", "caseworker_id")
        .distinct()
    )
    active = set(
        Membership.objects.active()
        .filter(role=Role.CASEWORKER)
        .values_list("authority_id", "user_id")
    )
    queued = 0
    with transaction.atomic():
        for authority_id, user_id in pairs:
            if (authority_id, user_id) in active:
                enqueue_on_commit(deadline_digest_send, user_id, authority_id, today.isoformat())
                queued += 1
    return queued


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deadline_digest_send(user_id: int, authority_id: int, on: str) -> bool:
    """Email one caseworker what is overdue or due this week in one authority. Sends at most
    once per day; returns whether it sent."""
    today = datetime.date.fromisoformat(on)
    membership = (
        Membership.objects.active()
        .select_related("user", "authority")
        .filter(user_id=user_id, authority_id=authority_id, role=Role.CASEWORKER)
        .first()
    )
    if membership is None:
        return False
    cases = list(falling_due(authority_id, user_id, today))
    if not cases:
        return False
    try:
        with transaction.atomic():
            DigestSent.objects.create(
                user_id=user_id, authority_id=authority_id, on=today, cases=len(cases)
            )
            overdue = [c for c in cases if c.next_due < today]
            rows = [
                {
                    "reference": c.reference,
                    "kind": c.kind_short,
                    "what": c.next_clock_label,
                    "due": c.next_due,
                    "overdue": c.next_due < today,
                }
                for c in cases[:MAX_LISTED]
            ]
            site = settings.SITE_URL.rstrip("/")
            context = {
                "authority": membership.authority,
                "today": today,
                "rows": rows,
                "more": max(0, len(cases) - MAX_LISTED),
                "overdue": len(overdue),
                "due_this_week": len(cases) - len(overdue),
                "tray_link": f"{site}{reverse('case-tray')}",
                "service_name": settings.SERVICE_NAME,
            }
            send_mail(
                subject=f"{settings.SERVICE_NAME}: {len(overdue)} overdue, "
                f"{len(cases) - len(overdue)} due this week",
                message=render_to_string("panels/email/deadline_digest.txt", context),
                from_email=None,
                recipient_list=[membership.user.email],
            )
    except IntegrityError:
        return False  # already sent today
    return True


# What the invitation is about, in plain words, per kind of case: no names, no dates of birth.
INVITATION_ABOUT = {
    "assessment_request": "a request for an education, health and care (EHC) needs assessment",
    "issue_decision": "an education, health and care (EHC) needs assessment",
    "placement": "a request for a school place or extra funding",
    "annual_review": "the annual review of an education, health and care (EHC) plan",
    "cease": "a proposal to stop an education, health and care (EHC) plan",
    "phase_transfer": "a move to a new school or college",
}
INVITATION_ASK = {
    "parent": "your views as a parent or carer",
    "child": "your views",
    "setting": "your setting's view of the child's needs and what you can provide",
    "professional": "your professional advice",
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_email_send(invitation_id: int) -> bool:
    """Email the secure link. The token is worked out again here from the invitation's id
    (never passed through the broker); the email names no child. Sent once."""
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("case", "authority").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_usable or invitation.emailed_at is not None:
        return False
    link = settings.SITE_URL.rstrip("/") + reverse("journey-start", args=[invitation.token()])
    context = {
        "invitation": invitation,
        "authority": invitation.authority,
        "about": INVITATION_ABOUT[invitation.case.kind],
        "ask": INVITATION_ASK[invitation.role],
        "link": link,
        "expires": timezone.localtime(invitation.expires_at),
        "reference": invitation.case.reference,
        "service_name": settings.SERVICE_NAME,
    }
    with transaction.atomic():
        updated = Invitation.objects.filter(pk=invitation.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not updated:
            return False
        send_mail(
            subject=f"{invitation.authority.name} asks for {INVITATION_ASK[invitation.role]}",
            message=render_to_string("panels/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    return True
