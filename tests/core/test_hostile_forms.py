"""Hostile values posted to every form (and put in every filter) never give a server error.

Each form gets a valid submission with one field at a time replaced by a hostile value: digits
that pass str.isdigit() but are not ASCII, numbers past PostgreSQL's integer or C's int, NUL and
other control characters, text-direction overrides, very long text, a missing field. Every
answer must be a page (an error summary, a conflict, a redirect), never a 500; the test client
re-raises any exception a view lets out. The date parts, the version and the filters each had
such a 500 before."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments import replays, rulesets
from assessments.services import assessment_start
from tests.assessments.test_assessment_views import area_data
from tests.assessments.test_children_views import child_data
from tests.assessments.test_rulesets_views import scheme_data
from tests.authorities.test_settings_register import capability_data, setting_data
from tests.factories import complete_assessment
from valuing_send.authorities.models import Membership

pytestmark = pytest.mark.django_db

MISSING = object()
HOSTILE = [
    MISSING,
    "",
    "abc",
    "²",
    "-1",
    "99999999999999999999",
    "a\x00b",
    "A\u202eB",
    "\x1b[2J",
    "x" * 6000,
]


def attempts(base: dict, *, fields=None):
    """The base submission with one field at a time replaced by each hostile value."""
    for name in fields or list(base):
        for value in HOSTILE:
            data = dict(base)
            if value is MISSING:
                data.pop(name, None)
            else:
                data[name] = value
            yield name, value, data


def assert_answers_every_hostile_value(client, url, base, *, method="post", fields=None):
    sent = 0
    for name, value, data in attempts(base, fields=fields):
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (url, name, value, response.status_code)
        if response.status_code == 400 and "text/html" in response.get("Content-Type", ""):
            html = response.content.decode()
            said = ("govuk-error-summary", "There is a problem", "app-save-status--problem")
            assert any(words in html for words in said), (url, name, value)
        sent += 1
    return sent


def test_child_forms_and_the_children_filters(client_as, caseworker, child, oakfield):
    client = client_as(caseworker)
    base = child_data(current_setting=str(oakfield.pk), caseworker=str(caseworker.pk))
    for suffix in ("date_of_birth", "next_review_date", "plan_start_date"):
        base.setdefault(f"{suffix}_day", "1")
        base.setdefault(f"{suffix}_month", "9")
        base.setdefault(f"{suffix}_year", "2020")
    base["sen_status"] = "E"
    base["held_band"] = "3"
    sent = assert_answers_every_hostile_value(client, reverse("child-create"), base)
    edit = {**base, "upn": "", "version": str(child.version)}
    sent += assert_answers_every_hostile_value(
        client,
        reverse("child-edit", args=[child.pk]),
        edit,
        fields=["version", "first_name", "date_of_birth_year", "held_band", "current_setting"],
    )
    filters = {
        "q": "amy",
        "status": "K",
        "need": "SLCN",
        "phase": "primary",
        "setting": str(oakfield.pk),
        "caseworker": "me",
        "review": "overdue",
        "page": "1",
    }
    sent += assert_answers_every_hostile_value(client, reverse("child-list"), filters, method="get")
    assert sent > 300


def test_needs_assessment_pages(client_as, caseworker, child, framework):
    client = client_as(caseworker)
    draft, _ = assessment_start(child, by=caseworker)
    about = {"request": "ehc_plan", "seen": draft.request}
    assert_answers_every_hostile_value(client, reverse("assessment-about", args=[draft.pk]), about)
    area = area_data(draft, "communication_interaction")
    url = reverse("assessment-area", args=[draft.pk, "communication_interaction"])
    speech = [name for name in area if name.startswith("speech_language-")]
    assert_answers_every_hostile_value(client, url, area, fields=speech)
    assert_answers_every_hostile_value(
        client,
        url,
        {**area, "autosave": "speech_language"},
        fields=["autosave", "speech_language-level", "speech_language-version"],
    )
    draft.refresh_from_db()
    assert_answers_every_hostile_value(
        client,
        reverse("assessment-complete", args=[draft.pk]),
        {"version": str(draft.version)},
    )


def test_override_form(client_as, caseworker, child, framework):
    completed = complete_assessment(child, caseworker, {"speech_language": 3})
    recommendation = completed.recommendations.get()
    base = {
        "tier": "sen_support",
        "band": "2",
        "provision": "Small-group language work",
        "reason": "Panel judged the report out of date.",
    }
    assert_answers_every_hostile_value(
        client_as(caseworker), reverse("override-create", args=[recommendation.pk]), base
    )


def test_settings_register_forms_and_filters(client_as, admin, oakfield, framework):
    client = client_as(admin)
    new = setting_data(name="New School", urn="")
    assert_answers_every_hostile_value(client, reverse("setting-create"), new)
    oakfield.refresh_from_db()
    assert_answers_every_hostile_value(
        client,
        reverse("setting-edit", args=[oakfield.pk]),
        setting_data(version=str(oakfield.version)),
    )
    oakfield.refresh_from_db()
    capabilities = capability_data(oakfield.version, hearing=3)
    assert_answers_every_hostile_value(
        client,
        reverse("setting-capabilities", args=[oakfield.pk]),
        capabilities,
        fields=["version", "hearing", "speech_language"],
    )
    assert_answers_every_hostile_value(
        client,
        reverse("setting-list"),
        {"q": "oak", "type": "mainstream", "page": "1"},
        method="get",
    )


def test_user_forms(client_as, admin, caseworker, authority_a):
    client = client_as(admin)
    base = {"full_name": "Sam New", "email": "sam.new@northshire.example", "role": "caseworker"}
    assert_answers_every_hostile_value(client, reverse("user-add"), base)
    membership = Membership.objects.get(user=caseworker, authority=authority_a)
    edit = {"role": "panel_member", "version": str(membership.version)}
    assert_answers_every_hostile_value(client, reverse("user-edit", args=[membership.pk]), edit)
    membership.refresh_from_db()
    for name in ("user-deactivate", "user-reactivate"):
        assert_answers_every_hostile_value(
            client, reverse(name, args=[membership.pk]), {"version": str(membership.version)}
        )


def test_rule_set_forms_and_the_replay_filter(client_as, admin, manager, rule_sets, authority_a):
    client = client_as(admin)
    draft = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    assert_answers_every_hostile_value(
        client,
        reverse("ruleset-edit-scheme", args=[draft.pk]),
        scheme_data(draft),
        fields=[
            "row_version",
            "band_count",
            "per",
            "terms_per_year",
            "points_3",
            "band_1_name",
            "band_1_min",
            "band_6_max",
            "band_6_amount",
        ],
    )
    assert_answers_every_hostile_value(
        client,
        reverse("ruleset-new"),
        {"yaml_text": rulesets.template_text().replace("my-council-banding", "hostile")},
    )
    assert_answers_every_hostile_value(
        client,
        reverse("ruleset-check", args=[draft.pk]),
        {
            "p0_speech_language": "2",
            "p0_setting_type": "mainstream",
            "p0_age": "9",
            "p0_hours": "15",
        },
        method="get",
    )
    draft.refresh_from_db()
    text = draft.yaml_text
    yaml_base = {"row_version": str(draft.row_version), "yaml_text": text}
    assert_answers_every_hostile_value(
        client, reverse("ruleset-edit-yaml", args=[draft.pk]), yaml_base
    )
    for broken in (
        re.sub(r"effective_from: \S+", "effective_from: 2025-02-31", text),
        re.sub(r"effective_from: \S+", "effective_from: 99999-12-31", text),
        text + "\nx: &a [1]\ny: *a\n",
        text.replace("min_points: 15", "min_points: 99999999999999999999"),
        "\x00",
        "[" * 3000,
    ):
        response = client.post(
            reverse("ruleset-edit-yaml", args=[draft.pk]),
            {"row_version": str(draft.row_version), "yaml_text": broken},
        )
        assert response.status_code == 400
    run = replays.replay_start(authority_a, draft, by=manager)
    replays.replay_execute(run.pk)
    assert_answers_every_hostile_value(
        client_as(manager),
        reverse("replay-changes", args=[run.pk]),
        {"from": "sen_support", "to": "targeted_plus", "page": "1"},
        method="get",
    )


def test_sign_in_password_reset_and_choosing_an_authority(client, caseworker, authority_b):
    assert_answers_every_hostile_value(
        client, reverse("login"), {"username": caseworker.email, "password": "wrong-password"}
    )
    assert_answers_every_hostile_value(
        client, reverse("password_reset"), {"email": caseworker.email}
    )
    from tests.factories import MembershipFactory

    MembershipFactory(user=caseworker, authority=authority_b)
    client.force_login(caseworker)
    assert_answers_every_hostile_value(
        client,
        reverse("choose-authority"),
        {"authority": str(authority_b.pk), "next": "/children/"},
    )


def test_a_date_this_far_out_is_refused_not_overflowed(client_as, caseworker):
    # Year 9999 is the largest Python date; one day past it must be an error, not a crash.
    response = client_as(caseworker).post(
        reverse("child-create"),
        child_data(
            next_review_date_day="31", next_review_date_month="12", next_review_date_year="10000"
        ),
    )
    assert response.status_code == 400
    assert "Next review due must be a real date" in response.content.decode()
    assert datetime.MAXYEAR == 9999
