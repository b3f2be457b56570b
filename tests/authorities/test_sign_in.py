import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import authenticator, current_code

pytestmark = pytest.mark.django_db


def test_sign_in_page_has_labelled_fields_and_reset_link(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign in – Valuing SEND</title>" in html
    assert (
        '<label class="govuk-label govuk-label--s" for="id_username">Email address</label>' in html
    )
    assert 'for="id_password">Password</label>' in html
    assert reverse("password_reset") in html


def test_wrong_password_shows_error_summary_and_keeps_email(client, caseworker):
    response = client.post(reverse("login"), {"username": caseworker.email, "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Sign in – Valuing SEND</title>" in html
    assert '<a href="#id_username">Enter a correct email address and password</a>' in html
    assert f'value="{caseworker.email}"' in html
    assert "_auth_user_id" not in client.session


def test_an_email_address_too_long_to_be_one_is_refused_not_a_server_error(client):
    """Found by the hostile-input tests: a 6,000-character "email address" reached
    authenticate(), and django-axes could not record the failed attempt (a 500)."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "x" * 6000, "password": "wrong"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_username">The email address must be 254 characters or fewer</a>' in html
    assert not AccessAttempt.objects.exists()
    # 254 characters is still an address someone may have: a wrong password, counted.
    address = "a" * 64 + "@" + "b" * 184 + ".test"
    assert len(address) == 254
    response = client.post(reverse("login"), {"username": address, "password": "wrong"})
    assert "Enter a correct email address and password" in response.content.decode()
    assert AccessAttempt.objects.get().username == address


def test_empty_form_names_each_missing_field(client):
    html = client.post(reverse("login"), {}).content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_sign_in_is_case_insensitive_on_email_and_lands_on_home(client, caseworker):
    device = authenticator(caseworker)
    response = client.post(
        reverse("login"), {"username": caseworker.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("sign-in-code")
    response = client.post(reverse("sign-in-code"), {"code": current_code(device)})
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert "Hello, Casey" in home
    assert "Northshire County Council" in home


def test_sign_out_needs_post_and_ends_the_session(client_as, caseworker):
    client = client_as(caseworker)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_home_redirects_anonymous_people_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_signed_in_user_without_membership_sees_no_access_page(client_as, db):
    from tests.factories import UserFactory

    response = client_as(UserFactory(full_name="Nobody Here")).get(reverse("home"))
    assert response.status_code == 403
    assert "You do not have access to an authority" in response.content.decode()


def test_password_reset_queues_an_email_with_a_working_link(
    client, caseworker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": caseworker.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].to == [caseworker.email]
    link = next(line for line in body.splitlines() if "/password-reset/" in line)
    path = link.split("8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-2026", "new_password2": "a-new-long-password-2026"},
    )
    assert done.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.check_password("a-new-long-password-2026")


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_reset"), {"email": "stranger@example.org"}, follow=True
        )
    assert "Check your email" in response.content.decode()
    assert mailoutbox == []


def test_used_reset_link_gets_a_clear_page(client):
    response = client.get("/password-reset/MQ/bad-token/", follow=True)
    assert response.status_code == 200
    assert "This link has expired or was already used" in response.content.decode()
