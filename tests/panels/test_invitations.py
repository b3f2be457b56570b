"""Secure links: sending (no token stored, no name in the email), the journeys of a parent,
a child and a setting without an account, and every way a link can be refused."""

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.codes import CaseKind
from panels.invitations import FAILURES_PER_CLIENT
from panels.models import AdviceRequest, Contribution, Invitation
from tests.factories import complete_assessment
from tests.panels.factories import InvitationFactory


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(child, caseworker, framework):
    complete_assessment(
        child, caseworker, {"speech_language": 3, "specific_learning": 2}, default=0
    )
    return services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=datetime.date.today()
    )


def _link(email):
    return re.search(r"http\S+/views/([0-9a-f]{64})/", email.body).group(1)


def test_a_caseworker_sends_a_link_that_is_stored_only_as_a_hash(
    client_as, caseworker, case, django_capture_on_commit_callbacks
):
    client = client_as(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation-create", args=[case.pk]),
            {"role": "parent", "recipient_name": "Mrs Jones", "email": "mum@example.org"},
        )
    assert response.status_code == 302
    [email] = mail.outbox
    token = _link(email)
    invitation = Invitation.objects.get()
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert invitation.matches(token)
    assert email.to == ["mum@example.org"]
    assert "a request for an education, health and care (EHC) needs assessment" in email.body
    for sensitive in ("Amy", "Jones, Amy", "2016"):
        assert sensitive not in email.subject
    assert "Amy" not in email.body
    # The task is idempotent: a retry sends nothing more.
    from panels.tasks import invitation_email_send

    assert not invitation_email_send(invitation.pk)
    assert len(mail.outbox) == 1
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "Mrs Jones (parent or carer): open until" in page


def test_inviting_a_professional_during_an_assessment_starts_their_advice_clock(
    caseworker, child, framework
):
    case = services.case_open(
        child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=datetime.date.today()
    )
    invitation = services.invitation_send(
        case,
        role="professional",
        service="educational_psychology",
        recipient_name="Dr Patel",
        email="ep@example.org",
        by=caseworker,
    )
    advice = AdviceRequest.objects.get()
    assert (advice.invitation, advice.service, advice.due) == (
        invitation,
        "educational_psychology",
        datetime.date.today() + datetime.timedelta(weeks=6),
    )
    invitation.draft_answers = {"domains": {}, "advice": "See report"}
    invitation.save()
    services.invitation_submit(invitation)
    advice.refresh_from_db()
    assert advice.received_on == datetime.date.today()


def test_invitations_are_for_caseworkers_of_the_authority(
    client_as, panel_member, caseworker, case, caseworker_b, child_b
):
    assert (
        client_as(panel_member).get(reverse("invitation-create", args=[case.pk])).status_code == 403
    )
    other = services.case_open(child_b, CaseKind.PLACEMENT, by=caseworker_b)
    assert (
        client_as(caseworker).get(reverse("invitation-create", args=[other.pk])).status_code == 404
    )
    response = client_as(caseworker).post(
        reverse("invitation-create", args=[case.pk]),
        {"role": "professional", "recipient_name": "Dr P", "email": "not-an-email"},
    )
    assert response.status_code == 400
    assert "Select the professional" in response.content.decode()


def test_a_parent_gives_their_views_without_an_account(caseworker, case):
    invitation, token = InvitationFactory.issue(case, by=caseworker)
    parent = Client()
    start = parent.get(reverse("journey-start", args=[token]))
    html = start.content.decode()
    assert start.status_code == 200
    assert "What we understand about Amy's needs" in html
    assert "Significant needs, with specialist advice and support" in html
    assert "Decide whether to assess: by" in html
    need = reverse("journey-need", args=[token, 1])
    assert "Speech, language and communication" in parent.get(need).content.decode()
    missing = parent.post(need, {})
    assert missing.status_code == 400 and "Select an answer" in missing.content.decode()
    assert parent.post(need, {"level": "4", "why": "He cannot be understood at home"}).url == (
        reverse("journey-need", args=[token, 2])
    )
    # The session ends: the answers so far are kept on the invitation, not in the session.
    later = Client()
    assert later.get(need).context["form"].initial["level"] == 4
    later.post(reverse("journey-need", args=[token, 2]), {"level": "2"})
    assert later.post(
        reverse("journey-about", args=[token]),
        {"what_works": "Visual timetables", "aspirations": "Local secondary"},
    ).url == reverse("journey-check", args=[token])
    check = later.get(reverse("journey-check", args=[token])).content.decode()
    assert "He cannot be understood at home" in check and "Visual timetables" in check
    assert later.post(reverse("journey-check", args=[token])).url == reverse(
        "journey-done", args=[token]
    )
    contribution = Contribution.objects.get()
    assert contribution.invitation == invitation and contribution.entered_by is None
    assert contribution.answers["domains"]["speech_language"] == {
        "level": 4,
        "why": "He cannot be understood at home",
    }
    # One submission: the form pages now say the link is used; the parent can still see the
    # case and (later) the letter.
    again = later.post(reverse("journey-check", args=[token]))
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert (
        "You sent your views on"
        in later.get(reverse("journey-start", args=[token])).content.decode()
    )


def test_a_child_gets_easy_read_questions(caseworker, case):
    _, token = InvitationFactory.issue(case, by=caseworker, role="child")
    client = Client()
    assert (
        "Tell us what you think"
        in client.get(reverse("journey-start", args=[token])).content.decode()
    )
    page = client.get(reverse("journey-need", args=[token, 1])).content.decode()
    assert "How much help do you need with speech, language and communication?" in page
    assert "I need help all the time" in page


def test_a_settings_link_once_used_shows_a_clear_page(caseworker, case):
    invitation, token = InvitationFactory.issue(case, by=caseworker, role="setting")
    invitation.submitted_at = timezone.now()
    invitation.save()
    response = Client().get(reverse("journey-start", args=[token]))
    assert response.status_code == 410
    assert "This link has already been used" in response.content.decode()
    assert case.reference in response.content.decode()


@pytest.mark.parametrize("change", ["expire", "revoke"])
def test_an_expired_or_revoked_link_shows_a_clear_page(change, caseworker, case, client_as):
    invitation, token = InvitationFactory.issue(case, by=caseworker)
    if change == "expire":
        invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
        invitation.save()
        title = "This link has expired"
    else:
        client_as(caseworker).post(reverse("invitation-revoke", args=[case.pk, invitation.pk]))
        title = "This link has been withdrawn"
    for url in (reverse("journey-start", args=[token]), reverse("journey-check", args=[token])):
        response = Client().post(url) if "check" in url else Client().get(url)
        assert response.status_code == 410 and title in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_tampered_or_made_up_link_is_not_found_and_guessing_is_rate_limited(caseworker, case):
    _, token = InvitationFactory.issue(case, by=caseworker)
    tampered = ("0" if token[0] != "0" else "1") + token[1:]
    client = Client()
    for bad in (tampered, "not-a-token", "a" * 64):
        response = client.get(reverse("journey-start", args=[bad]))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    for _ in range(FAILURES_PER_CLIENT):
        client.get(reverse("journey-start", args=["b" * 64]))
    limited = client.get(reverse("journey-start", args=[token]))
    assert limited.status_code == 429 and "Too many attempts" in limited.content.decode()
    # Another client is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(reverse("journey-start", args=[token])).status_code == 200


def test_revoking_is_a_post_by_a_caseworker_of_the_authority(
    client_as, caseworker, panel_member, case, caseworker_b
):
    invitation, _ = InvitationFactory.issue(case, by=caseworker)
    url = reverse("invitation-revoke", args=[case.pk, invitation.pk])
    assert client_as(caseworker).get(url).status_code == 405
    assert client_as(panel_member).post(url).status_code == 403
    assert client_as(caseworker_b).post(url).status_code == 404
    assert client_as(caseworker).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "revoked" and invitation.revoked_by == caseworker
