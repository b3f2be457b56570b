import pytest
from django.urls import reverse

from tests.factories import MembershipFactory
from valuing_send.authorities.models import Role
from valuing_send.authorities.permissions import PERMISSIONS, can

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_authority_user(caseworker, authority_b):
    MembershipFactory(user=caseworker, authority=authority_b, role=Role.ADMIN)
    return caseworker


def test_person_in_two_authorities_chooses_first(client_as, two_authority_user):
    client = client_as(two_authority_user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("choose-authority") + "?next=%2F"
    html = client.get(reverse("choose-authority")).content.decode()
    assert "Northshire County Council" in html and "Southshire Borough Council" in html


def test_choosing_switches_authority_role_and_navigation(
    client_as, two_authority_user, authority_a, authority_b
):
    client = client_as(two_authority_user)
    response = client.post(
        reverse("choose-authority"), {"authority": authority_b.pk, "next": reverse("users")}
    )
    assert response.status_code == 302 and response.url == reverse("users")
    html = client.get(reverse("home")).content.decode()
    assert "Southshire Borough Council" in html
    assert 'href="/users/"' in html  # admin there
    assert "Switch authority" in html
    client.post(reverse("choose-authority"), {"authority": authority_a.pk})
    html = client.get(reverse("home")).content.decode()
    assert "Northshire County Council" in html
    assert 'href="/users/"' not in html  # caseworker here
    assert client.get(reverse("users")).status_code == 403


def test_choosing_an_authority_you_do_not_belong_to_is_not_found(
    client_as, caseworker, authority_b
):
    response = client_as(caseworker).post(
        reverse("choose-authority"), {"authority": authority_b.pk}
    )
    assert response.status_code == 404


def test_choosing_nothing_is_an_error(client_as, two_authority_user):
    response = client_as(two_authority_user).post(reverse("choose-authority"), {"authority": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select the authority you want to work in" in html
    assert "<title>Error: Choose an authority" in html


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "²", "children", "//evil.example/", "/a\x00b", "/\x1b"]
)
def test_next_must_be_a_path_on_this_site(client_as, two_authority_user, authority_a, next_url):
    response = client_as(two_authority_user).post(
        reverse("choose-authority"), {"authority": authority_a.pk, "next": next_url}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_next_takes_you_back_to_the_page_you_were_on(client_as, two_authority_user, authority_a):
    response = client_as(two_authority_user).post(
        reverse("choose-authority"), {"authority": authority_a.pk, "next": "/children/?q=amy"}
    )
    assert response.url == "/children/?q=amy"


@pytest.mark.parametrize(
    ("persona", "sees", "does_not_see"),
    [
        ("caseworker", [], ["/users/", "/system-status/"]),
        ("panel_member", [], ["/users/", "/system-status/"]),
        ("manager", [], ["/users/", "/system-status/"]),
        ("admin", ["/users/", "/system-status/"], []),
    ],
)
def test_service_navigation_follows_the_role(request, client_as, persona, sees, does_not_see):
    html = client_as(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    nav = html[html.index('id="navigation"') : html.index("</nav>")]
    for href in sees:
        assert f'href="{href}"' in nav
    for href in does_not_see:
        assert f'href="{href}"' not in nav
    assert "Sign out" in nav


def test_permission_catalogue_rejects_unknown_actions(caseworker):
    membership = caseworker.memberships.get()
    with pytest.raises(KeyError, match="Unknown action"):
        can(membership, "child.delete-everything")
    assert all(isinstance(roles, frozenset) for roles in PERMISSIONS.values())
    membership.is_active = False
    assert not can(membership, "child.view")
