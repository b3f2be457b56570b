import re

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import rulesets
from assessments.models import RuleSetStatus, RuleSetVersion
from tests.factories import complete_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(rule_sets, authority_a, admin):
    return rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)


def numbers_data(draft, **changes):
    numbers = rulesets.numbers_of(draft)
    data = {"row_version": str(draft.row_version)}
    data.update({f"points_{level}": str(points) for level, points in enumerate(numbers["points"])})
    for band in numbers["bands"]:
        data[f"band_{band['number']}_min"] = str(band["min_points"])
        data[f"band_{band['number']}_top_up"] = str(numbers["top_up"][band["number"]]["mainstream"])
    data.update({key: str(value) for key, value in changes.items()})
    return data


def test_managers_and_admins_see_rule_sets_and_what_is_active(request, client_as, rule_sets):
    for persona in ("manager", "admin"):
        html = (
            client_as(request.getfixturevalue(persona))
            .get(reverse("ruleset-list"))
            .content.decode()
        )
        assert "uses <strong>Valuing SEND default, version 2025.2</strong> (as shipped)" in html
        assert "Eleven-domain" in html or "eleven" in html.lower()


def test_each_role_is_told_what_it_can_do_with_rule_sets(
    client_as, manager, admin, caseworker, rule_sets, authority_a
):
    manager_page = client_as(manager).get(reverse("ruleset-list")).content.decode()
    assert "copy a version into a draft" not in manager_page.lower()
    assert "Copy a shipped version below" not in manager_page
    assert "An authority admin copies a version into a draft and edits it" in manager_page
    assert "You can preview any version on recent cases and replay the whole caseload" in (
        manager_page
    )
    assert "ask an authority admin to copy one" in manager_page
    admin_page = client_as(admin).get(reverse("ruleset-list")).content.decode()
    assert "To change the rules, copy a version into a draft, edit it" in admin_page
    assert "Copy a shipped version below to make a draft" in admin_page

    used = rule_sets["valuing-send-default"]
    from tests.factories import ChildFactory, complete_assessment

    complete_assessment(ChildFactory(authority=authority_a), caseworker, {"hearing": 2})
    manager_detail = client_as(manager).get(reverse("ruleset-detail", args=[used.pk]))
    manager_detail = manager_detail.content.decode()
    assert "so it can no longer change" in manager_detail
    assert "Copy it to make a new draft" not in manager_detail
    assert "An authority admin can copy it to make a new draft" in manager_detail
    admin_detail = client_as(admin).get(reverse("ruleset-detail", args=[used.pk])).content.decode()
    assert "Copy it to make a new draft" in admin_detail


def test_role_hints_promise_only_what_each_role_can_do():
    from valuing_send.authorities.models import ROLE_DESCRIPTIONS, Role

    admin = ROLE_DESCRIPTIONS[Role.ADMIN]
    assert "and the needs framework" not in admin
    assert "admins can read it" in admin
    assert "not available yet" in ROLE_DESCRIPTIONS[Role.MANAGER]
    assert "DfE" in ROLE_DESCRIPTIONS[Role.MANAGER]


def test_caseworkers_do_not_manage_rules(client_as, caseworker, rule_sets):
    assert client_as(caseworker).get(reverse("ruleset-list")).status_code == 403


def test_detail_shows_points_bands_tiers_in_words(client_as, manager, rule_sets):
    html = (
        client_as(manager)
        .get(reverse("ruleset-detail", args=[rule_sets["valuing-send-default"].pk]))
        .content.decode()
    )
    assert (
        "<strong>Specialist</strong>: any domain at level 4 or above and no local mainstream setting meets every need"
        in html
    )
    assert (
        'Band 3</th><td class="govuk-table__cell">15–20 points</td><td class="govuk-table__cell govuk-table__cell--numeric">£5,500</td>'
        in html
    )
    assert "Copy to a new draft" not in html  # managers look; admins copy


def test_admin_copies_a_shipped_version_into_a_draft(client_as, admin, rule_sets, authority_a):
    response = client_as(admin).post(
        reverse("ruleset-copy", args=[rule_sets["valuing-send-default"].pk])
    )
    draft = RuleSetVersion.objects.get(authority=authority_a)
    assert response.url == reverse("ruleset-detail", args=[draft.pk])
    assert (draft.status, draft.version, draft.based_on) == (
        "draft",
        "2025.2-draft-1",
        rule_sets["valuing-send-default"],
    )
    assert draft.created_by == admin


def test_numbers_form_changes_points_and_bands(client_as, admin, draft):
    response = client_as(admin).post(
        reverse("ruleset-edit-numbers", args=[draft.pk]),
        numbers_data(draft, points_3=8, band_1_top_up=2000),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.ruleset.points[0] == (0, 1, 3, 8, 10)
    assert draft.ruleset.top_up[1]["mainstream"] == 2000
    assert draft.row_version == 2


def test_numbers_that_break_the_rules_are_refused_with_the_key(client_as, admin, draft):
    before = draft.yaml_text
    response = client_as(admin).post(
        reverse("ruleset-edit-numbers", args=[draft.pk]), numbers_data(draft, band_2_min=1000)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "bands[2].min_points: must be greater than bands[1].min_points (1000)" in html
    draft.refresh_from_db()
    assert draft.yaml_text == before


def test_yaml_problems_are_all_listed_and_nothing_saved(client_as, admin, draft):
    response = client_as(admin).post(
        reverse("ruleset-edit-yaml", args=[draft.pk]),
        {
            "row_version": draft.row_version,
            "yaml_text": "schema_version: 1\nid: valuing-send-default\nbands: 7\n",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem: nothing was saved" in html
    for key in ("name: ", "version: ", "effective_from: ", "bands: "):
        assert f'<a href="#id_yaml_text">{key}' in html
    draft.refresh_from_db()
    assert draft.version == "2025.2-draft-1"


def test_an_uploaded_yaml_file_replaces_the_rules(client_as, admin, draft):
    data = yaml.safe_load(draft.yaml_text)
    data["version"] = "2027.1"
    data["name"] = "Northshire banding 2027"
    upload = SimpleUploadedFile(
        "rules.yaml", yaml.safe_dump(data).encode(), content_type="text/yaml"
    )
    response = client_as(admin).post(
        reverse("ruleset-edit-yaml", args=[draft.pk]),
        {"row_version": draft.row_version, "yaml_text": "", "upload": upload},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.version, draft.name) == ("2027.1", "Northshire banding 2027")


def test_upload_that_is_not_text_is_refused(client_as, admin, draft):
    upload = SimpleUploadedFile(
        "rules.yaml", b"\xff\xfe\x00binary", content_type="application/octet-stream"
    )
    response = client_as(admin).post(
        reverse("ruleset-edit-yaml", args=[draft.pk]),
        {"row_version": draft.row_version, "upload": upload},
    )
    assert "The file must be UTF-8 text (a YAML file)" in response.content.decode()


def test_stale_edit_is_a_conflict(client_as, admin, draft):
    response = client_as(admin).post(
        reverse("ruleset-edit-yaml", args=[draft.pk]),
        {"row_version": str(draft.row_version - 1 or 99), "yaml_text": draft.yaml_text},
    )
    assert response.status_code == 409
    assert "Someone else saved this draft while you were editing" in response.content.decode()


def test_activating_retires_the_previous_and_a_used_version_is_immutable(
    client_as, admin, caseworker, draft, child, authority_a, rule_sets
):
    client = client_as(admin)
    client.post(reverse("ruleset-activate", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.ACTIVE and draft.activated_by == admin
    second = rulesets.ruleset_copy(draft, authority_a, by=admin)
    client.post(reverse("ruleset-activate", args=[second.pk]))
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.RETIRED
    complete_assessment(child, caseworker)  # uses the active version: second
    response = client.get(reverse("ruleset-edit-yaml", args=[second.pk]), follow=True)
    assert "This version cannot change because it is in use" in response.content.decode()
    assert rulesets.is_used(second)


def test_preview_compares_recent_cases(client_as, manager, caseworker, draft, child):
    complete_assessment(child, caseworker, {"speech_language": 3})
    rulesets.ruleset_update_points(draft, [0, 1, 3, 30, 40], by=manager)
    html = client_as(manager).get(reverse("ruleset-preview", args=[draft.pk])).content.decode()
    assert "Amy Jones" in html
    assert re.search(r"3 → <strong>6</strong>", html)  # 16 points → 40 points: band 3 → band 6


def test_another_authoritys_draft_is_not_found(client_as, draft, authority_b):
    from tests.conftest import _member
    from valuing_send.authorities.models import Role

    other_admin = _member(authority_b, Role.ADMIN, "ash@southshire.example", "Ash Other")
    client = client_as(other_admin)
    assert client.get(reverse("ruleset-detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("ruleset-activate", args=[draft.pk])).status_code == 404
    assert client.post(reverse("replay-start", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("how", ["typed", "uploaded"])
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda text: re.sub(r"effective_from: \S+", "effective_from: 2025-02-31", text),
            "is not a real date: 2025-02-31",
        ),
        (
            lambda text: text + "\nnotes: &a [1, 2]\nmore: [*a, *a]\n",
            "anchors and aliases (&amp; and *) are not allowed",
        ),
    ],
)
def test_impossible_dates_and_aliases_are_explained_not_a_crash(
    client_as, admin, draft, how, change, message
):
    before = draft.yaml_text
    assert "effective_from: " in before
    text = change(before)
    data = {"row_version": draft.row_version, "yaml_text": text if how == "typed" else ""}
    if how == "uploaded":
        data["upload"] = SimpleUploadedFile("rules.yaml", text.encode(), content_type="text/yaml")
    response = client_as(admin).post(reverse("ruleset-edit-yaml", args=[draft.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert re.search(r'<a href="#id_yaml_text">line \d+: ', html)
    assert message in html
    draft.refresh_from_db()
    assert draft.yaml_text == before
