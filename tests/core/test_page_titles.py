"""Every page's <title> is unique and names what the page is about: the child, the setting,
the person, the rule set version, and for a needs profile its date. A screen reader user
moving between tabs, or anyone reading their history, can tell the pages apart."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import replays, rulesets
from assessments.models import Assessment
from assessments.services import assessment_start
from tests.factories import ChildFactory, SettingFactory, complete_assessment
from valuing_send.authorities.models import Membership

pytestmark = pytest.mark.django_db


def title_of(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
    return " ".join(title.split()).removesuffix(" – Valuing SEND")


@pytest.fixture
def seeded(authority_a, caseworker, panel_member, manager, admin, child, oakfield, rule_sets):
    """An authority with two children, two profiles of one child on different days and a draft
    of the other's, two settings, four staff, a draft rule set and a finished replay."""
    first = complete_assessment(child, caseworker, {"speech_language": 2})
    Assessment.objects.filter(pk=first.pk).update(
        completed_at=timezone.now() - datetime.timedelta(days=200)
    )
    second = complete_assessment(child, caseworker, {"speech_language": 3})
    other = ChildFactory(
        authority=authority_a, first_name="Ben", last_name="Smith", current_setting=oakfield
    )
    draft_profile, _ = assessment_start(other, by=caseworker)
    elm = SettingFactory(authority=authority_a, name="Elm Academy")
    draft = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    run = replays.replay_start(authority_a, draft, by=manager)
    replays.replay_execute(run.pk)
    return {
        "profiles": [first, second],
        "other": other,
        "draft_profile": draft_profile,
        "settings": [oakfield, elm],
        "draft": draft,
        "run": run,
    }


def test_titles_of_the_main_pages_are_unique_and_name_their_object(
    client_as, seeded, caseworker, manager, admin, child, rule_sets
):
    first, second = seeded["profiles"]
    other, draft_profile = seeded["other"], seeded["draft_profile"]
    oakfield, elm = seeded["settings"]
    titles: dict[str, str] = {}

    def visit(user, name, *args, expect=()):
        url = reverse(name, args=args)
        title = title_of(client_as(user).get(url))
        for text in expect:
            assert text in title, (url, title, text)
        titles[url] = title

    date = "{:%-d %B %Y}".format
    visit(caseworker, "home")
    visit(caseworker, "child-list")
    visit(caseworker, "child-create")
    for person in (child, other):
        visit(caseworker, "child-detail", person.pk, expect=[person.full_name])
        visit(caseworker, "child-edit", person.pk, expect=[person.full_name])
    for profile in (first, second):
        when = date(timezone.localtime(Assessment.objects.get(pk=profile.pk).completed_at))
        visit(caseworker, "assessment-summary", profile.pk, expect=["Amy Jones", when])
        visit(caseworker, "family-view", profile.pk, expect=["Amy Jones", when])
        recommendation = profile.recommendations.get()
        visit(caseworker, "override-create", recommendation.pk, expect=["Amy Jones", when])
    visit(caseworker, "assessment-about", draft_profile.pk, expect=["Ben Smith"])
    visit(
        caseworker, "assessment-area", draft_profile.pk, "cognition_learning", expect=["Ben Smith"]
    )
    visit(caseworker, "assessment-check", draft_profile.pk, expect=["Ben Smith"])
    visit(caseworker, "assessment-summary", draft_profile.pk, expect=["Ben Smith", "Draft"])
    visit(caseworker, "framework")

    visit(admin, "setting-list")
    visit(admin, "setting-create")
    for setting in (oakfield, elm):
        for name in ("setting-detail", "setting-edit", "setting-capabilities"):
            visit(admin, name, setting.pk, expect=[setting.name])
    visit(admin, "users")
    visit(admin, "user-add")
    for membership in Membership.objects.filter(authority=child.authority):
        visit(admin, "user-edit", membership.pk, expect=[membership.user.full_name])
    visit(admin, "system-status")
    visit(admin, "ruleset-list")
    draft = seeded["draft"]
    for version in (rule_sets["valuing-send-default"], draft):
        visit(admin, "ruleset-detail", version.pk, expect=[version.version])
        visit(admin, "ruleset-preview", version.pk, expect=[version.version])
    visit(admin, "ruleset-edit-scheme", draft.pk, expect=[draft.version])
    visit(admin, "ruleset-check", draft.pk, expect=[draft.version])
    visit(admin, "ruleset-new")
    visit(admin, "ruleset-edit-yaml", draft.pk, expect=[draft.version])
    run = seeded["run"]
    visit(manager, "replay-detail", run.pk, expect=[draft.version])
    visit(manager, "replay-changes", run.pk, expect=[draft.version])

    repeated = {
        title: [url for url, other_title in titles.items() if other_title == title]
        for title in titles.values()
        if list(titles.values()).count(title) > 1
    }
    assert repeated == {}
    assert len(titles) >= 40
