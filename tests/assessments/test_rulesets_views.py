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


def scheme_data(draft, **changes):
    """The guided form as the page fills it in, with ``changes`` on top."""
    scheme = rulesets.scheme_of(draft)
    data = {
        "row_version": str(draft.row_version),
        "band_count": str(len(scheme["bands"])),
        "per": scheme["per"],
        "terms_per_year": str(scheme["terms_per_year"] or ""),
    }
    data.update({f"points_{level}": str(points) for level, points in enumerate(scheme["points"])})
    for n, band in enumerate(scheme["bands"]):
        data[f"band_{n}_name"] = band["name"]
        data[f"band_{n}_was"] = band["name"]
        data[f"band_{n}_description"] = band["description"]
        data[f"band_{n}_min"] = str(band["min_points"])
        data[f"band_{n}_max"] = str(band["max_points"])
        if not band["funded"]:
            data[f"band_{n}_no_top_up"] = "on"
        for hours, amount in band["amounts"].items():
            key = f"band_{n}_amount" if hours is None else f"band_{n}_amount_{hours}"
            data[key] = "" if amount is None else str(amount)
    data.update({key: str(value) for key, value in changes.items()})
    return data


def test_managers_and_admins_see_rule_sets_and_what_is_active(request, client_as, rule_sets):
    for persona in ("manager", "admin"):
        html = (
            client_as(request.getfixturevalue(persona))
            .get(reverse("ruleset-list"))
            .content.decode()
        )
        assert "uses <strong>Valuing SEND default, version 2025.3</strong> (as shipped)" in html
        assert "Islington Top-Up Funding Matrix" in html
        assert "Herefordshire High Needs Matrix (early years tariffs)" in html


def test_each_role_is_told_what_it_can_do_with_rule_sets(
    client_as, manager, admin, caseworker, rule_sets, authority_a
):
    manager_page = client_as(manager).get(reverse("ruleset-list")).content.decode()
    assert "copy a version into a draft" not in manager_page.lower()
    assert "Copy a shipped version below" not in manager_page
    assert (
        "An authority admin writes a new scheme, or copies a version into a draft" in manager_page
    )
    assert "You can preview any version on recent cases and replay the whole caseload" in (
        manager_page
    )
    assert "ask an authority admin to copy one" in manager_page
    admin_page = client_as(admin).get(reverse("ruleset-list")).content.decode()
    assert "To change the rules, write a new scheme or copy a version into a draft" in admin_page
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
        'Band 3</th><td class="govuk-table__cell">15–20 points</td><td class="govuk-table__cell">'
        "£5,500 a year in every type of setting" in html
    )
    assert "<li>State-funded special school: £12,500 a year</li>" in html
    assert (
        "Above 64 points: above the scheme&#x27;s range: exceptional funding agreed individually; "
        "refer to panel." in html
    )
    assert "Copy to a new draft" not in html  # managers look; admins copy


def test_detail_of_a_published_scheme_shows_its_source_terms_hours_and_left_out_domains(
    client_as, manager, rule_sets
):
    herefordshire = client_as(manager).get(
        reverse("ruleset-detail", args=[rule_sets["herefordshire-early-years"].pk])
    )
    html = herefordshire.content.decode()
    assert "Amounts are published a term (3 terms a year), for 15 and 30 hours a week" in html
    assert (
        'C4</th><td class="govuk-table__cell">45–49 points</td><td class="govuk-table__cell">'
        "£2,126 a term at 30 hours a week, £1,063 at 15 hours (£6,378 and £3,189 a year) in "
        "every type of setting" in html
    )
    assert (
        'Local Offer</th><td class="govuk-table__cell">0–9 points</td><td class="govuk-table__cell">No top-up'
        in html
    )
    assert "What we assumed" in html and "Herefordshire Council" in html
    assert "This scheme sets no support tiers" in html
    islington = client_as(manager).get(
        reverse("ruleset-detail", args=[rule_sets["eleven-domain-tariffs"].pk])
    )
    assert "This scheme does not score Preparing for adulthood" in islington.content.decode()


def test_admin_copies_a_shipped_version_into_a_draft(client_as, admin, rule_sets, authority_a):
    response = client_as(admin).post(
        reverse("ruleset-copy", args=[rule_sets["valuing-send-default"].pk])
    )
    draft = RuleSetVersion.objects.get(authority=authority_a)
    assert response.url == reverse("ruleset-detail", args=[draft.pk])
    assert (draft.status, draft.version, draft.based_on) == (
        "draft",
        "2025.3-draft-1",
        rule_sets["valuing-send-default"],
    )
    assert draft.created_by == admin


def test_copying_a_schema_1_version_writes_schema_2_with_the_same_results(
    admin, authority_a, framework
):
    from assessments.rule_files import REPO_ROOT

    text = (REPO_ROOT / "tests" / "rules" / "schema1-default-2025.1.yaml").read_text()
    old = RuleSetVersion.objects.create(
        ruleset_id="valuing-send-default",
        version="2025.1",
        name="Valuing SEND default",
        effective_from="2025-09-01",
        yaml_text=text,
        checksum=rulesets.checksum(text),
        status=RuleSetStatus.SHIPPED,
    )

    draft = rulesets.ruleset_copy(old, authority_a, by=admin)

    assert yaml.safe_load(draft.yaml_text)["schema_version"] == 2
    # The open top band now ends at the most the scheme can give (92): nothing is above it.
    assert draft.ruleset.top_band.points_range() == "46–92 points"
    assert draft.ruleset.top_up == old.ruleset.top_up
    assert draft.ruleset.base_funding == old.ruleset.base_funding


def test_guided_form_changes_points_and_band_money(client_as, admin, draft):
    response = client_as(admin).post(
        reverse("ruleset-edit-scheme", args=[draft.pk]),
        scheme_data(draft, points_3=8, band_0_amount="2000.50", band_0_name="Band A"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    ruleset = draft.ruleset
    assert ruleset.points[0] == (0, 1, 3, 8, 10)
    assert ruleset.bands[0].label == "Band A"
    assert str(ruleset.top_up[1]["mainstream"]) == "2000.50"
    # The band's exceptions per setting type are kept.
    assert str(ruleset.top_up[1]["state_special"]) == "7000.00"
    assert draft.row_version == 2


def test_guided_form_adds_removes_and_renames_bands_and_sets_terms(client_as, admin, draft):
    client = client_as(admin)
    added = client.post(
        reverse("ruleset-edit-scheme", args=[draft.pk]), {**scheme_data(draft), "add_band": "1"}
    )
    html = added.content.decode()
    assert added.status_code == 200
    assert "A new band has been added at the end" in html
    assert 'name="band_7_name"' in html and 'value="Band 7"' in html  # answers kept
    data = scheme_data(
        draft,
        band_count=8,
        per="term",
        terms_per_year=3,
        band_6_max=55,
        band_7_name="Band 8",
        band_7_description="Exceptional",
        band_7_min=56,
        band_7_max=70,
        band_7_amount="9000",
        band_0_remove="on",
        band_1_min=0,
    )
    response = client.post(reverse("ruleset-edit-scheme", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()
    draft.refresh_from_db()
    ruleset = draft.ruleset
    assert [band.label for band in ruleset.bands] == [
        "Band 2",
        "Band 3",
        "Band 4",
        "Band 5",
        "Band 6",
        "Band 7",
        "Band 8 – Exceptional",
    ]
    assert (ruleset.funding.period.per, ruleset.funding.period.per_year) == ("term", 3)
    # £9,000 a term is £27,000 a year.
    assert str(ruleset.top_up[7]["mainstream"]) == "27000.00"
    assert ruleset.top_band.max_points == 70


def test_guided_form_errors_name_the_bands_and_nothing_is_saved(client_as, admin, draft):
    before = draft.yaml_text
    response = client_as(admin).post(
        reverse("ruleset-edit-scheme", args=[draft.pk]), scheme_data(draft, band_1_min=8)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Band 1 (6–9) overlaps Band 2 (8–14)" in html
    draft.refresh_from_db()
    assert draft.yaml_text == before


def test_guided_form_asks_for_each_amount(client_as, admin, draft):
    response = client_as(admin).post(
        reverse("ruleset-edit-scheme", args=[draft.pk]),
        scheme_data(draft, band_2_amount="", band_3_amount="12.345"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter band 3&#x27;s amount, or tick that it has no top-up" in html
    assert "Enter pounds and pence, with at most 2 decimal places" in html


def test_guided_form_wrong_method_and_role(client_as, admin, manager, draft):
    assert client_as(admin).put(reverse("ruleset-edit-scheme", args=[draft.pk])).status_code == 405
    assert (
        client_as(manager).get(reverse("ruleset-edit-scheme", args=[draft.pk])).status_code == 403
    )


def test_yaml_problems_are_all_listed_and_nothing_saved(client_as, admin, draft):
    response = client_as(admin).post(
        reverse("ruleset-edit-yaml", args=[draft.pk]),
        {
            "row_version": draft.row_version,
            "yaml_text": "schema_version: 2\nid: valuing-send-default\nbands: 7\n",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem: nothing was saved" in html
    for key in ("name: ", "version: ", "effective_from: "):
        assert f'<a href="#id_yaml_text">{key}' in html
    assert '<a href="#id_yaml_text">Line 3 (bands): must be a list' in html
    draft.refresh_from_db()
    assert draft.version == "2025.3-draft-1"


def test_yaml_parser_problems_are_plain_english_with_the_line(client_as, admin, draft):
    text = draft.yaml_text.replace("\nname: ", "\n   name: ", 1)
    response = client_as(admin).post(
        reverse("ruleset-edit-yaml", args=[draft.pk]),
        {"row_version": draft.row_version, "yaml_text": text},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'<a href="#id_yaml_text">Line \d+: ', html)
    assert "expected &lt;block end&gt;" not in html and "expected <block end>" not in html
    assert "indent" in html


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
    client.post(reverse("ruleset-activate", args=[draft.pk]), {"row_version": draft.row_version})
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.ACTIVE and draft.activated_by == admin
    second = rulesets.ruleset_copy(draft, authority_a, by=admin)
    client.post(reverse("ruleset-activate", args=[second.pk]), {"row_version": second.row_version})
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.RETIRED
    complete_assessment(child, caseworker)  # uses the active version: second
    response = client.get(reverse("ruleset-edit-yaml", args=[second.pk]), follow=True)
    assert "This version cannot change because it is in use" in response.content.decode()
    assert rulesets.is_used(second)


def test_activating_a_draft_changed_since_the_page_was_opened_is_refused(
    client_as, admin, manager, draft
):
    seen = draft.row_version
    rulesets.ruleset_update_points(draft, [0, 1, 3, 30, 40], by=manager)  # someone else saves
    client = client_as(admin)
    page = client.get(reverse("ruleset-detail", args=[draft.pk])).content.decode()
    assert 'name="row_version"' in page
    response = client.post(
        reverse("ruleset-activate", args=[draft.pk]), {"row_version": seen}, follow=True
    )
    assert "Someone changed this draft since you opened it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT
    stale = client.post(reverse("ruleset-activate", args=[draft.pk]), {}, follow=True)
    assert "The page was out of date" in stale.content.decode()
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT


def test_preview_compares_recent_cases(client_as, manager, caseworker, draft, child):
    complete_assessment(child, caseworker, {"speech_language": 3})
    rulesets.ruleset_update_points(draft, [0, 1, 3, 30, 40], by=manager)
    html = client_as(manager).get(reverse("ruleset-preview", args=[draft.pk])).content.decode()
    assert "Amy Jones" in html
    # 16 points → 40 points: Band 3 → Band 6, £5,500 → £16,000 a year at Oakfield.
    assert "Band 3 → Band 6" in html
    assert "£5,500 a year → <strong>£16,000 a year</strong>" in html


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
    assert re.search(r'<a href="#id_yaml_text">Line \d+: ', html)
    assert message in html
    draft.refresh_from_db()
    assert draft.yaml_text == before


def test_an_admin_writes_a_new_scheme_from_the_template_with_its_own_id(
    client_as, admin, authority_a, rule_sets
):
    client = client_as(admin)
    page = client.get(reverse("ruleset-new"))
    assert page.status_code == 200
    assert "my-council-banding" in page.content.decode()  # the template, ready to change
    text = rulesets.template_text().replace("my-council-banding", "northshire-2026")
    response = client.post(reverse("ruleset-new"), {"yaml_text": text})
    draft = authority_a.rule_sets.get(ruleset_id="northshire-2026")
    assert response.url == reverse("ruleset-detail", args=[draft.pk])
    assert (draft.status, draft.name, draft.version, draft.based_on) == (
        "draft",
        "My council's banding scheme",
        "2026-27",
        None,
    )
    assert draft.status_changes.get().reason == "Written as a new scheme"


def test_a_new_scheme_from_an_upload(client_as, admin, authority_a, rule_sets):
    text = (rule_sets["devon-banding"].yaml_text).replace("id: devon-banding", "id: our-devon")
    upload = SimpleUploadedFile("ours.yaml", text.encode(), content_type="text/yaml")
    response = client_as(admin).post(reverse("ruleset-new"), {"yaml_text": "", "upload": upload})
    assert response.status_code == 302
    assert authority_a.rule_sets.get().ruleset_id == "our-devon"


def test_a_new_scheme_with_a_misspelt_domain_is_refused_with_a_suggestion(
    client_as, admin, authority_a, rule_sets
):
    text = rulesets.template_text().replace("{code: hearing,", "{code: heering,")
    response = client_as(admin).post(reverse("ruleset-new"), {"yaml_text": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "(domains[6].code): &#x27;heering&#x27; is not a domain of the needs framework: did "
        "you mean &#x27;hearing&#x27; (Hearing)?" in html
    )
    assert not authority_a.rule_sets.exists()


def test_framework_domains_a_new_scheme_leaves_out_are_confirmed_first(
    client_as, admin, authority_a, rule_sets
):
    client = client_as(admin)
    text = "\n".join(
        line for line in rulesets.template_text().splitlines() if "code: vision" not in line
    )
    asked = client.post(reverse("ruleset-new"), {"yaml_text": text})
    html = asked.content.decode()
    assert asked.status_code == 400
    assert "This scheme does not score Vision" in html
    assert 'name="confirm_left_out" value="vision"' in html
    assert not authority_a.rule_sets.exists()

    confirmed = client.post(
        reverse("ruleset-new"), {"yaml_text": text, "confirm_left_out": ["vision"]}
    )
    assert confirmed.status_code == 302
    draft = authority_a.rule_sets.get()
    assert draft.status_changes.get().reason == (
        "Written as a new scheme; leaves out vision (confirmed)"
    )


def test_the_id_of_a_new_scheme_and_version_must_be_new(client_as, admin, draft):
    text = draft.yaml_text
    response = client_as(admin).post(reverse("ruleset-new"), {"yaml_text": text})
    assert response.status_code == 400
    assert "valuing-send-default version 2025.3-draft-1 already exists" in response.content.decode()


def test_writing_schemes_is_for_admins(client_as, manager, admin, rule_sets):
    assert client_as(manager).get(reverse("ruleset-new")).status_code == 403
    assert client_as(admin).put(reverse("ruleset-new")).status_code == 405


def test_an_upload_may_give_a_draft_its_own_id(client_as, admin, draft):
    text = draft.yaml_text.replace("id: valuing-send-default", "id: northshire")
    upload = SimpleUploadedFile("rules.yaml", text.encode(), content_type="text/yaml")
    response = client_as(admin).post(
        reverse("ruleset-edit-yaml", args=[draft.pk]),
        {"row_version": draft.row_version, "yaml_text": "", "upload": upload},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.ruleset_id == "northshire"


def test_the_template_downloads_as_a_commented_yaml_file(client_as, manager, rule_sets):
    response = client_as(manager).get(reverse("ruleset-template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="banding-scheme-template.yaml"'
    )
    text = response.content.decode()
    assert text.startswith("# A banding scheme for Valuing SEND")
    assert "top_up is one of:" in text
    assert client_as(manager).post(reverse("ruleset-template")).status_code == 405


def test_the_template_is_a_valid_scheme_over_the_framework(framework):
    ruleset = rulesets.checked(rulesets.template_text(), "template")
    assert ruleset.bands[0].label == "Local Offer" and not ruleset.tiers_from_scheme


def test_check_this_scheme_shows_points_band_and_amount(client_as, admin, rule_sets):
    version = rule_sets["herefordshire-early-years"]
    query = {
        # Profile 1: speech 2 + social 2 = 10 points: A1, £251 a term at 30 hours.
        "p0_speech_language": "2",
        "p0_social_communication": "2",
        "p0_setting_type": "early_years",
        "p0_age": "3",
        # Profile 2: the same at 15 hours.
        "p1_speech_language": "2",
        "p1_social_communication": "2",
        "p1_setting_type": "early_years",
        "p1_hours": "15",
        # Profile 3: nine domains at 4 and one at 1: 110 points, above the range.
        **{f"p2_{code}": "4" for code in (
            "speech_language", "social_communication", "general_learning", "specific_learning",
            "emotional_wellbeing", "behaviour_regulation", "hearing", "vision",
            "physical_mobility",
        )},
        "p2_medical_health": "1",
    }  # fmt: skip
    response = client_as(admin).get(reverse("ruleset-check", args=[version.pk]), query)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A1 (10–14 points)" in html
    assert "£251 a term at 30 hours a week (3 terms a year: £753 a year)" in html
    assert "£125.50 a term at 15 hours a week (3 terms a year: £376.50 a year)" in html
    assert "<strong>Above the scheme's range</strong>" in html
    assert "Above the High Needs Matrix&#x27;s range (more than 109 points)" in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">110</td>' in html


def test_check_this_scheme_explains_bad_answers(client_as, manager, rule_sets):
    version = rule_sets["valuing-send-default"]
    response = client_as(manager).get(
        reverse("ruleset-check", args=[version.pk]), {"p0_hearing": "9", "p0_hours": "lots"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert "Enter the hours a week as a number, like 30" in html


def test_check_this_scheme_roles_and_methods(client_as, caseworker, manager, draft, authority_b):
    from tests.conftest import _member
    from valuing_send.authorities.models import Role

    url = reverse("ruleset-check", args=[draft.pk])
    assert client_as(caseworker).get(url).status_code == 403
    assert client_as(manager).post(url).status_code == 405
    other = _member(authority_b, Role.ADMIN, "ash@southshire.example", "Ash Other")
    assert client_as(other).get(url).status_code == 404
