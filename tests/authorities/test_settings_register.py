import pytest
from django.urls import reverse

from assessments.rules.codes import NEEDS_DOMAIN_CODES
from tests.factories import SettingFactory
from valuing_send.authorities.models import Setting, SettingCapability

pytestmark = pytest.mark.django_db

DOMAINS = NEEDS_DOMAIN_CODES


def setting_data(**overrides):
    return {
        "name": "Oakfield School",
        "urn": "900001",
        "ukprn": "",
        "phase": "primary",
        "setting_type": "mainstream",
        "capacity": "420",
        "is_active": "on",
        **overrides,
    }


def capability_data(version, **levels):
    return {"version": str(version), **{code: str(levels.get(code, 1)) for code in DOMAINS}}


def test_register_lists_settings_with_readiness_for_every_role(
    request, client_as, oakfield, framework, authority_b
):
    SettingFactory(authority=authority_b, name="Elsewhere School")
    for persona in ("caseworker", "panel_member", "manager", "admin"):
        html = (
            client_as(request.getfixturevalue(persona))
            .get(reverse("setting-list"))
            .content.decode()
        )
        assert "Oakfield Primary School" in html
        assert "Elsewhere School" not in html
        assert "50%" in html  # level 2 in all 12 domains: 24 / 48


def test_register_search_and_type_filter(client_as, caseworker, oakfield, framework, authority_a):
    SettingFactory(
        authority=authority_a,
        name="Riverside Special School",
        setting_type="state_special",
        phase="all_through",
    )
    client = client_as(caseworker)
    html = client.get(reverse("setting-list"), {"type": "state_special"}).content.decode()
    assert "Riverside Special School" in html and "Oakfield Primary School" not in html
    html = client.get(reverse("setting-list"), {"q": "oak"}).content.decode()
    assert "Oakfield Primary School" in html and "Riverside" not in html


def test_setting_page_shows_capabilities_readiness_and_children(
    client_as, caseworker, oakfield, child, framework
):
    SettingCapability.objects.filter(setting=oakfield, domain="hearing").update(level=4)
    html = client_as(caseworker).get(reverse("setting-detail", args=[oakfield.pk])).content.decode()
    # (11 × 2 + 4) / 48 = 26/48 = 54.2% → 54%
    assert '<p class="govuk-body app-figure__value">54%</p>' in html
    assert '<p class="govuk-body app-figure__value">1 of 12</p>' in html
    assert '<p class="govuk-body app-figure__value">1</p>' in html  # Amy is placed here
    assert "Change what it can meet" not in html  # caseworkers only look


def test_admin_adds_a_setting_then_its_capabilities(client_as, admin, framework, authority_a):
    client = client_as(admin)
    response = client.post(
        reverse("setting-create"),
        {
            "name": "Meadow Academy",
            "urn": "145678",
            "ukprn": "",
            "phase": "secondary",
            "setting_type": "resourced",
            "capacity": "900",
            "is_active": "on",
        },
    )
    setting = Setting.objects.get(name="Meadow Academy")
    assert setting.authority == authority_a
    assert response.url == reverse("setting-capabilities", args=[setting.pk])
    response = client.post(
        reverse("setting-capabilities", args=[setting.pk]),
        capability_data(setting.version, hearing=3),
    )
    assert response.status_code == 302
    assert setting.capability_map()["hearing"] == 3
    assert setting.capability_map()["vision"] == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"urn": "12345"}, "urn", "Enter the 6-digit unique reference number (URN)"),
        ({"urn": "900001"}, "urn", "Another setting in the register already has this URN"),
        (
            {"ukprn": "2000000"},
            "ukprn",
            "Enter the 8-digit UK provider reference number, starting with 1",
        ),
        ({"name": ""}, "name", "Enter the setting"),
        ({"phase": "nursery"}, "phase_0", "Select the phase"),
        ({"capacity": "lots"}, "capacity", "Capacity must be a whole number, like 420"),
    ],
)
def test_bad_setting_details_are_explained(
    client_as, admin, oakfield, framework, data, field, message
):
    base = {
        "name": "New School",
        "urn": "",
        "ukprn": "",
        "phase": "primary",
        "setting_type": "mainstream",
        "capacity": "",
        "is_active": "on",
    }
    response = client_as(admin).post(reverse("setting-create"), {**base, **data})
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert f'<a href="#id_{field}">{message}' in html
    assert not Setting.objects.filter(name="New School").exists()


def test_capabilities_need_every_domain(client_as, admin, oakfield, framework):
    data = capability_data(oakfield.version)
    del data["vision"]
    response = client_as(admin).post(reverse("setting-capabilities", args=[oakfield.pk]), data)
    assert response.status_code == 400
    assert (
        '<a href="#id_vision_0">Select the highest level of vision need the setting meets</a>'
        in response.content.decode()
    )
    assert oakfield.capability_map()["hearing"] == 2


def test_concurrent_capability_edits_show_both_and_save_nothing(
    client_as, admin, oakfield, framework
):
    stale_version = oakfield.version
    SettingCapability.objects.filter(setting=oakfield, domain="hearing").update(level=4)
    Setting.objects.filter(pk=oakfield.pk).update(version=stale_version + 1)
    response = client_as(admin).post(
        reverse("setting-capabilities", args=[oakfield.pk]),
        capability_data(stale_version, hearing=1),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved these levels while you were editing" in html
    assert (
        '<th scope="row" class="govuk-table__header">Hearing</th><td class="govuk-table__cell">Up to level 4</td><td class="govuk-table__cell">Up to level 1</td>'
        in html
    )
    assert oakfield.capability_map()["hearing"] == 4
    assert f'name="version" value="{stale_version + 1}"' in html


def test_only_admins_maintain_the_register(client_as, caseworker, manager, oakfield, framework):
    for user in (caseworker, manager):
        client = client_as(user)
        assert client.get(reverse("setting-create")).status_code == 403
        assert (
            client.post(
                reverse("setting-capabilities", args=[oakfield.pk]), capability_data(1)
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("setting-edit", args=[oakfield.pk]), {"name": "Renamed"}
            ).status_code
            == 403
        )
    oakfield.refresh_from_db()
    assert oakfield.name == "Oakfield Primary School"


def test_another_authoritys_setting_is_not_found(client_as, admin, authority_b, framework):
    foreign = SettingFactory(authority=authority_b)
    client = client_as(admin)
    assert client.get(reverse("setting-detail", args=[foreign.pk])).status_code == 404
    assert (
        client.post(
            reverse("setting-capabilities", args=[foreign.pk]), capability_data(1)
        ).status_code
        == 404
    )


def test_edit_conflict_keeps_the_admins_input(client_as, admin, oakfield, framework):
    Setting.objects.filter(pk=oakfield.pk).update(name="Oakfield Primary Academy", version=9)
    response = client_as(admin).post(
        reverse("setting-edit", args=[oakfield.pk]), setting_data(version="1")
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "The setting is now called Oakfield Primary Academy" in html
    assert 'value="Oakfield School"' in html
    oakfield.refresh_from_db()
    assert oakfield.name == "Oakfield Primary Academy"


@pytest.mark.parametrize("version", ["²", "abc", "-1", "", None])
def test_edit_with_a_missing_or_malformed_version_is_explained_and_saves_nothing(
    client_as, admin, oakfield, framework, version
):
    data = setting_data()
    if version is not None:
        data["version"] = version
    response = client_as(admin).post(reverse("setting-edit", args=[oakfield.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<a href="#main-content">This page is out of date or was not sent in full. '
        "Reload the page and try again</a>" in html
    )
    assert 'value="Oakfield School"' in html
    oakfield.refresh_from_db()
    assert oakfield.name == "Oakfield Primary School" and oakfield.version == 1


def test_edit_saves_with_the_version_from_the_page(client_as, admin, oakfield, framework):
    client = client_as(admin)
    page = client.get(reverse("setting-edit", args=[oakfield.pk])).content.decode()
    assert '<input type="hidden" name="version" value="1" id="id_version">' in page
    response = client.post(reverse("setting-edit", args=[oakfield.pk]), setting_data(version="1"))
    assert response.status_code == 302
    oakfield.refresh_from_db()
    assert oakfield.name == "Oakfield School" and oakfield.version == 2


def test_a_huge_capacity_is_explained_not_a_crash(client_as, admin, oakfield, framework):
    response = client_as(admin).post(
        reverse("setting-edit", args=[oakfield.pk]),
        setting_data(version="1", capacity="99999999999999999999"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_capacity">Capacity must be 100,000 places or fewer</a>' in html
    assert '<h1 class="govuk-heading-l">Change Oakfield Primary School</h1>' in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"q": "a\x00b"},
            "q",
            "The search must not include control characters or text-direction overrides",
        ),
        ({"q": "o" * 150}, "q", "The search must be 100 characters or fewer"),
        ({"type": "castle"}, "type", "Select the type from the list"),
    ],
)
def test_invalid_register_filters_are_explained_and_list_nothing(
    client_as, caseworker, oakfield, framework, params, field, message
):
    response = client_as(caseworker).get(reverse("setting-list"), params)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="#id_{field}">{message}</a>' in html
    assert "Oakfield Primary School" not in html
    assert "No settings are listed until the search and filters are corrected" in html
