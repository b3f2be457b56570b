import pytest
from django.urls import reverse

from tests.factories import MembershipFactory
from valuing_send.authorities.models import Membership, Role

pytestmark = pytest.mark.django_db


def _membership(user, authority):
    return Membership.objects.get(user=user, authority=authority)


class TestUserList:
    def test_admin_sees_their_authoritys_people_only(
        self, client_as, admin, caseworker, caseworker_b
    ):
        html = client_as(admin).get(reverse("users")).content.decode()
        assert "Casey Worker" in html and "casey@northshire.example" in html
        assert "Bo Other" not in html

    def test_caseworker_is_refused(self, client_as, caseworker):
        response = client_as(caseworker).get(reverse("users"))
        assert response.status_code == 403
        assert "You do not have permission to see this page" in response.content.decode()

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(reverse("users"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_post_is_not_allowed(self, client_as, admin):
        assert client_as(admin).post(reverse("users")).status_code == 405


class TestAddUser:
    def test_new_person_gets_membership_and_set_password_email(
        self, client_as, admin, authority_a, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as(admin).post(
                reverse("user-add"),
                {
                    "full_name": "Robin New",
                    "email": "Robin.New@Northshire.example",
                    "role": Role.PANEL_MEMBER,
                },
            )
        assert response.status_code == 302 and response.url == reverse("users")
        membership = Membership.objects.get(user__email="robin.new@northshire.example")
        assert membership.authority == authority_a
        assert membership.role == Role.PANEL_MEMBER
        assert membership.created_by == admin
        assert not membership.user.has_usable_password()
        assert len(mailoutbox) == 1
        assert mailoutbox[0].to == ["robin.new@northshire.example"]
        assert "Northshire County Council" in mailoutbox[0].subject
        assert "/password-reset/" in mailoutbox[0].body

    def test_person_from_another_authority_is_added_without_a_new_account(
        self,
        client_as,
        admin,
        caseworker_b,
        authority_a,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client_as(admin).post(
                reverse("user-add"),
                {"full_name": "Bo Other", "email": caseworker_b.email, "role": Role.MANAGER},
            )
        assert _membership(caseworker_b, authority_a).role == Role.MANAGER
        assert caseworker_b.memberships.count() == 2
        assert "/password-reset/" not in mailoutbox[0].body

    def test_duplicate_email_in_this_authority_is_an_error(self, client_as, admin, caseworker):
        response = client_as(admin).post(
            reverse("user-add"),
            {"full_name": "Casey Again", "email": caseworker.email.upper(), "role": Role.MANAGER},
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "casey@northshire.example already has access to Northshire County Council" in html
        assert 'href="#id_email"' in html
        assert (
            _membership(caseworker, caseworker.memberships.get().authority).role == Role.CASEWORKER
        )

    def test_unknown_role_and_bad_email_are_reported_and_nothing_saved(self, client_as, admin):
        response = client_as(admin).post(
            reverse("user-add"), {"full_name": "", "email": "not-an-email", "role": "wizard"}
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "<title>Error: Add a user – Valuing SEND</title>" in html
        assert '<a href="#id_full_name">Enter the person&#x27;s full name</a>' in html
        assert (
            '<a href="#id_email">Enter an email address in the correct format, like name@example.gov.uk</a>'
            in html
        )
        assert '<a href="#id_role_0">Select a role from the list</a>' in html
        assert 'value="not-an-email"' in html
        assert Membership.objects.count() == 1

    def test_caseworker_cannot_add(self, client_as, caseworker):
        response = client_as(caseworker).post(
            reverse("user-add"), {"full_name": "X", "email": "x@example.org", "role": Role.ADMIN}
        )
        assert response.status_code == 403
        assert not Membership.objects.filter(user__email="x@example.org").exists()


class TestChangeRole:
    def test_admin_changes_a_role(self, client_as, admin, caseworker, authority_a):
        membership = _membership(caseworker, authority_a)
        response = client_as(admin).post(
            reverse("user-edit", args=[membership.pk]),
            {"role": Role.MANAGER, "version": membership.version},
        )
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.role == Role.MANAGER
        assert membership.version == 2

    def test_concurrent_change_is_shown_not_overwritten(
        self, client_as, admin, caseworker, authority_a
    ):
        membership = _membership(caseworker, authority_a)
        stale_version = membership.version
        Membership.objects.filter(pk=membership.pk).update(
            role=Role.PANEL_MEMBER, version=stale_version + 1
        )
        response = client_as(admin).post(
            reverse("user-edit", args=[membership.pk]),
            {"role": Role.MANAGER, "version": stale_version},
        )
        html = response.content.decode()
        assert response.status_code == 409
        assert "Someone else changed this person&#x27;s access while you were editing" in html
        assert (
            '<th scope="row" class="govuk-table__header">Role</th>'
            '<td class="govuk-table__cell">Panel member</td>'
            '<td class="govuk-table__cell">Manager</td>'
        ) in html
        assert 'value="manager" checked' in html.replace("\n", " ") or 'value="manager"' in html
        membership.refresh_from_db()
        assert membership.role == Role.PANEL_MEMBER
        # Saving again with the version the page now carries applies the admin's choice.
        client_as(admin).post(
            reverse("user-edit", args=[membership.pk]),
            {"role": Role.MANAGER, "version": membership.version},
        )
        membership.refresh_from_db()
        assert membership.role == Role.MANAGER

    def test_last_admin_cannot_be_demoted(self, client_as, admin, authority_a):
        membership = _membership(admin, authority_a)
        response = client_as(admin).post(
            reverse("user-edit", args=[membership.pk]),
            {"role": Role.CASEWORKER, "version": membership.version},
        )
        assert response.status_code == 400
        assert "must keep at least one active authority admin" in response.content.decode()
        membership.refresh_from_db()
        assert membership.role == Role.ADMIN

    def test_another_authoritys_membership_is_not_found(
        self, client_as, admin, caseworker_b, authority_b
    ):
        membership = _membership(caseworker_b, authority_b)
        client = client_as(admin)
        assert client.get(reverse("user-edit", args=[membership.pk])).status_code == 404
        response = client.post(
            reverse("user-edit", args=[membership.pk]), {"role": Role.ADMIN, "version": 1}
        )
        assert response.status_code == 404
        membership.refresh_from_db()
        assert membership.role == Role.CASEWORKER


class TestDeactivate:
    def test_deactivated_person_is_signed_out_everywhere_on_next_request(
        self, client, admin, caseworker, authority_a
    ):
        membership = _membership(caseworker, authority_a)
        client.force_login(caseworker)
        other_device = type(client)()
        other_device.force_login(caseworker)
        assert client.get(reverse("home")).status_code == 200
        admin_client = type(client)()
        admin_client.force_login(admin)
        response = admin_client.post(
            reverse("user-deactivate", args=[membership.pk]), {"version": membership.version}
        )
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.is_active is False
        for session in (client, other_device):
            response = session.get(reverse("child-list"))
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
            assert "_auth_user_id" not in session.session
        # and back again: they sign in afresh
        admin_client.post(
            reverse("user-reactivate", args=[membership.pk]), {"version": membership.version}
        )
        caseworker.refresh_from_db()
        client.force_login(caseworker)
        assert client.get(reverse("home")).status_code == 200

    def test_admin_cannot_deactivate_themselves(self, client_as, admin, authority_a):
        membership = _membership(admin, authority_a)
        response = client_as(admin).post(
            reverse("user-deactivate", args=[membership.pk]),
            {"version": membership.version},
            follow=True,
        )
        assert "You cannot deactivate your own access" in response.content.decode()
        membership.refresh_from_db()
        assert membership.is_active

    def test_deactivate_needs_post(self, client_as, admin, caseworker, authority_a):
        membership = _membership(caseworker, authority_a)
        assert (
            client_as(admin).get(reverse("user-deactivate", args=[membership.pk])).status_code
            == 405
        )

    def test_stale_page_does_not_deactivate(self, client_as, admin, caseworker, authority_a):
        membership = _membership(caseworker, authority_a)
        Membership.objects.filter(pk=membership.pk).update(version=5)
        response = client_as(admin).post(
            reverse("user-deactivate", args=[membership.pk]), {"version": 1}, follow=True
        )
        assert "Someone else changed this person&#x27;s access" in response.content.decode()
        membership.refresh_from_db()
        assert membership.is_active


def test_admin_of_two_authorities_only_manages_the_current_one(
    client_as, admin, authority_b, caseworker_b
):
    MembershipFactory(user=admin, authority=authority_b, role=Role.CASEWORKER)
    client = client_as(admin)
    client.post(reverse("choose-authority"), {"authority": authority_b.pk})
    assert client.get(reverse("users")).status_code == 403
