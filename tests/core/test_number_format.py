"""One number format everywhere: counts of 1,000 or more carry a thousands separator on every
page that shows them ("2,000 children" on one page and "2000" on another was a defect)."""

import re

import pytest
from django.urls import reverse

from assessments import rulesets
from assessments.models import Child, ReplayRun
from tests.factories import ChildFactory, SettingFactory, complete_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_school(authority_a, framework):
    school = SettingFactory(authority=authority_a, name="Big Academy", capacity=1500)
    Child.objects.bulk_create(
        ChildFactory.build_batch(1200, authority=authority_a, current_setting=school)
    )
    return school


def text_of(response):
    html = response.content.decode()
    return re.sub(r"<[^>]+>", " ", html[html.index("<main") : html.index("</main>")])


def test_counts_and_places_have_a_thousands_separator(client_as, admin, big_school):
    client = client_as(admin)
    children = text_of(client.get(reverse("child-list")))
    assert re.search(r"1,200\s+children", children)
    register = text_of(client.get(reverse("setting-list")))
    assert "1,500" in register and "1,200" in register
    school = text_of(client.get(reverse("setting-detail", args=[big_school.pk])))
    assert "1,500" in school and "1,200" in school
    home = text_of(client.get(reverse("home")))
    assert not re.search(r"\b1200\b", home + children + register + school)


def test_points_bands_and_replay_progress_have_a_thousands_separator(
    client_as, admin, caseworker, child, rule_sets, authority_a
):
    draft = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    draft = rulesets.ruleset_update_points(draft, [0, 100, 300, 1200, 2500], by=admin)
    rulesets.ruleset_activate(draft, by=admin)
    assessment = complete_assessment(child, caseworker, {"speech_language": 3})
    client = client_as(admin)
    detail = text_of(client.get(reverse("ruleset-detail", args=[draft.pk])))
    assert "1,200" in detail and "2,500" in detail
    summary = text_of(
        client_as(caseworker).get(reverse("assessment-summary", args=[assessment.pk]))
    )
    assert re.search(r"Points\s+1,\d{3}\b", summary)  # 1,200 for speech, more from the rest
    assert "1,200 points" in summary  # the trace
    run = ReplayRun.objects.create(
        authority=authority_a,
        draft=draft,
        baseline=rule_sets["valuing-send-default"],
        requested_by=admin,
        total=2000,
        processed=1500,
    )
    progress = text_of(client_as(admin).get(reverse("replay-detail", args=[run.pk])))
    assert "1,500 of 2,000 children" in progress
