import re

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, AssessmentStatus, DomainRating
from assessments.services import assessment_start

pytestmark = pytest.mark.django_db

AREAS = ["communication_interaction", "cognition_learning", "semh", "sensory_physical", "wider"]


def area_data(assessment, area, levels=None, **extra):
    """A full, valid answer for every domain of ``area``; ``levels`` overrides some levels."""
    levels = levels or {}
    data = {}
    for domain in assessment.framework.definition.area(area).domains:
        rating = assessment.ratings.filter(domain=domain.code).first()
        if rating is None:
            continue
        data.update(
            {
                f"{domain.code}-level": str(levels.get(domain.code, 1)),
                f"{domain.code}-evidence": "Observed in class; SENCo report",
                f"{domain.code}-source": "school",
                f"{domain.code}-setting_ability": "2",
                f"{domain.code}-family_capacity": "3",
                f"{domain.code}-version": str(rating.version),
            }
        )
    data.update(extra)
    return data


def _page_load_of(response) -> str:
    match = re.search(r'name="page_load" value="([0-9a-f]{32})"', response.content.decode())
    assert match, "the question page carries its page-load token"
    return match.group(1)


def complete(client, assessment, levels=None):
    client.post(
        reverse("assessment-about", args=[assessment.pk]),
        {"request": "none", "seen": assessment.request},
    )
    for area in AREAS:
        response = client.post(
            reverse("assessment-area", args=[assessment.pk, area]),
            area_data(assessment, area, levels),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    assessment.refresh_from_db()
    response = client.post(
        reverse("assessment-complete", args=[assessment.pk]), {"version": assessment.version}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def draft(child, caseworker, framework):
    return assessment_start(child, by=caseworker)[0]


class TestStart:
    def test_start_creates_a_draft_with_a_rating_per_domain_for_the_childs_age(
        self, client_as, caseworker, child, framework
    ):
        response = client_as(caseworker).post(reverse("assessment-start", args=[child.pk]))
        assessment = Assessment.objects.get()
        assert response.status_code == 302 and response.url == reverse(
            "assessment-continue", args=[assessment.pk]
        )
        assert assessment.status == AssessmentStatus.DRAFT
        assert assessment.setting == child.current_setting
        domains = set(assessment.ratings.values_list("domain", flat=True))
        assert (
            len(domains) == 11 and "preparing_for_adulthood" not in domains
        )  # the child is under 14
        change = assessment.status_changes.get()
        assert (change.from_status, change.to_status, change.by) == ("", "draft", caseworker)

    def test_starting_again_returns_the_open_draft(self, client_as, caseworker, child, draft):
        client_as(caseworker).post(reverse("assessment-start", args=[child.pk]))
        assert Assessment.objects.count() == 1

    def test_a_new_assessment_starts_as_a_copy_of_the_latest(
        self, client_as, caseworker, child, draft
    ):
        client = client_as(caseworker)
        first = complete(client, draft, {"speech_language": 3})
        client.post(reverse("assessment-start", args=[child.pk]))
        second = Assessment.objects.get(status=AssessmentStatus.DRAFT)
        assert second.copied_from == first
        copied = second.ratings.get(domain="speech_language")
        assert (copied.level, copied.evidence, copied.source) == (
            3,
            "Observed in class; SENCo report",
            "school",
        )

    def test_panel_member_cannot_start(self, client_as, panel_member, child, framework):
        assert (
            client_as(panel_member).post(reverse("assessment-start", args=[child.pk])).status_code
            == 403
        )
        assert not Assessment.objects.exists()

    def test_start_needs_post(self, client_as, caseworker, child, framework):
        assert (
            client_as(caseworker).get(reverse("assessment-start", args=[child.pk])).status_code
            == 405
        )

    def test_another_authoritys_child(self, client_as, caseworker, child_b, framework):
        assert (
            client_as(caseworker).post(reverse("assessment-start", args=[child_b.pk])).status_code
            == 404
        )


class TestAreaPages:
    def test_area_page_shows_each_domain_with_descriptors_for_the_childs_age(
        self, client_as, caseworker, draft
    ):
        html = (
            client_as(caseworker)
            .get(reverse("assessment-area", args=[draft.pk, "communication_interaction"]))
            .content.decode()
        )
        assert '<h1 class="govuk-heading-l">Communication and interaction</h1>' in html
        assert (
            "Speech, language and communication" in html
            and "Social communication and interaction" in html
        )
        assert "How well can Oakfield Primary School meet this need now?" in html
        assert "For example:" in html
        assert 'hx-post="' in html and 'hx-vals=\'{"autosave": "speech_language"}\'' in html

    def test_save_and_continue_moves_to_the_next_area_and_keeps_the_place(
        self, client_as, caseworker, draft
    ):
        client = client_as(caseworker)
        response = client.post(
            reverse("assessment-area", args=[draft.pk, "communication_interaction"]),
            area_data(draft, "communication_interaction", {"speech_language": 3}),
        )
        assert response.url == reverse("assessment-area", args=[draft.pk, "cognition_learning"])
        rating = draft.ratings.get(domain="speech_language")
        assert (
            rating.level,
            rating.setting_ability,
            rating.family_capacity,
            rating.updated_by,
        ) == (3, 2, 3, caseworker)
        assert rating.version == 2
        # Coming back later resumes where the user was going next.
        assert client.get(reverse("assessment-continue", args=[draft.pk])).url == reverse(
            "assessment-area", args=[draft.pk, "cognition_learning"]
        )

    def test_save_and_come_back_later_returns_to_the_child(self, client_as, caseworker, draft):
        client = client_as(caseworker)
        response = client.post(
            reverse("assessment-area", args=[draft.pk, "semh"]), area_data(draft, "semh", later="1")
        )
        assert response.url == reverse("child-detail", args=[draft.child_id])
        assert client.get(reverse("assessment-continue", args=[draft.pk])).url == reverse(
            "assessment-area", args=[draft.pk, "semh"]
        )

    def test_htmx_autosave_saves_one_domain_and_returns_the_new_version(
        self, client_as, caseworker, draft
    ):
        data = area_data(
            draft, "communication_interaction", {"speech_language": 4, "social_communication": 2}
        )
        data["autosave"] = "speech_language"
        response = client_as(caseworker).post(
            reverse("assessment-area", args=[draft.pk, "communication_interaction"]),
            data,
            headers={"HX-Request": "true"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert html.startswith("Saved at ")
        assert (
            '<input type="hidden" name="speech_language-version" id="id_speech_language-version" value="2" hx-swap-oob="true">'
            in html
        )
        assert draft.ratings.get(domain="speech_language").level == 4
        assert (
            draft.ratings.get(domain="social_communication").level is None
        )  # only the named domain

    def test_invalid_answers_are_shown_and_nothing_saved(self, client_as, caseworker, draft):
        data = area_data(draft, "communication_interaction", {"speech_language": 7})
        response = client_as(caseworker).post(
            reverse("assessment-area", args=[draft.pk, "communication_interaction"]), data
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert (
            '<a href="#id_speech_language-level_0">Select a level of need from 0 to 4 for speech, language and communication</a>'
            in html
        )
        assert draft.ratings.get(domain="social_communication").level is None

    def test_unknown_area_is_not_found(self, client_as, caseworker, draft):
        assert (
            client_as(caseworker)
            .get(reverse("assessment-area", args=[draft.pk, "astrology"]))
            .status_code
            == 404
        )

    def test_another_authoritys_assessment_is_not_found(self, client_as, caseworker_b, draft):
        client = client_as(caseworker_b)
        assert client.get(reverse("assessment-area", args=[draft.pk, "semh"])).status_code == 404
        assert (
            client.post(
                reverse("assessment-area", args=[draft.pk, "semh"]), area_data(draft, "semh")
            ).status_code
            == 404
        )
        assert client.get(reverse("assessment-summary", args=[draft.pk])).status_code == 404

    def test_manager_cannot_edit_answers(self, client_as, manager, draft):
        response = client_as(manager).post(
            reverse("assessment-area", args=[draft.pk, "semh"]), area_data(draft, "semh")
        )
        assert response.status_code == 403


class TestConcurrentEdits:
    def test_second_editor_sees_both_answers_and_nothing_is_overwritten(
        self, client, caseworker, draft, authority_a
    ):
        from tests.conftest import _member
        from valuing_send.authorities.models import Role

        colleague = _member(authority_a, Role.CASEWORKER, "sky@northshire.example", "Sky Colleague")
        # Both open the page at version 1; the colleague saves level 2 first.
        stale = area_data(draft, "communication_interaction", {"speech_language": 3})
        client.force_login(colleague)
        client.post(
            reverse("assessment-area", args=[draft.pk, "communication_interaction"]),
            area_data(draft, "communication_interaction", {"speech_language": 2}),
        )
        client.force_login(caseworker)
        response = client.post(
            reverse("assessment-area", args=[draft.pk, "communication_interaction"]), stale
        )
        html = response.content.decode()
        assert response.status_code == 409
        assert "Someone else saved answers on this page while you were working" in html
        assert "Speech, language and communication: changed by Sky Colleague" in html
        assert (
            '<td class="govuk-table__cell">2 – Targeted SEN support</td><td class="govuk-table__cell">3 – Significant needs needing specialist input</td>'
            in html
        )
        assert re.search(
            r'name="speech_language-level" value="3"[^>]*checked', html
        )  # this user's answer stays
        assert draft.ratings.get(domain="speech_language").level == 2
        # Saving again from the conflict page (which carries the new version) is deliberate and wins.
        resubmit = {
            **stale,
            "speech_language-version": str(draft.ratings.get(domain="speech_language").version),
        }
        resubmit["social_communication-version"] = str(
            draft.ratings.get(domain="social_communication").version
        )
        assert (
            client.post(
                reverse("assessment-area", args=[draft.pk, "communication_interaction"]), resubmit
            ).status_code
            == 302
        )
        assert draft.ratings.get(domain="speech_language").level == 3

    def test_autosave_conflict_is_reported_in_the_status(
        self, client_as, caseworker, manager, draft
    ):
        DomainRating.objects.filter(assessment=draft, domain="hearing").update(
            level=2, version=5, updated_by=manager
        )
        data = area_data(draft, "sensory_physical", {"hearing": 3})
        data["hearing-version"] = "1"
        data["autosave"] = "hearing"
        response = client_as(caseworker).post(
            reverse("assessment-area", args=[draft.pk, "sensory_physical"]),
            data,
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 409
        assert "Not saved:" in response.content.decode()
        assert draft.ratings.get(domain="hearing").level == 2

    def test_quick_successive_saves_from_one_page_never_conflict(
        self, client_as, caseworker, draft
    ):
        url = reverse("assessment-area", args=[draft.pk, "semh"])
        client = client_as(caseworker)
        page_load = _page_load_of(client.get(url))
        first = area_data(
            draft,
            "semh",
            {"emotional_wellbeing": 2},
            autosave="emotional_wellbeing",
            page_load=page_load,
        )
        second = {
            **first,
            "emotional_wellbeing-setting_ability": "0",
        }  # sent before the first came back, so with the version the page loaded with
        assert client.post(url, first, headers={"HX-Request": "true"}).status_code == 200
        assert client.post(url, second, headers={"HX-Request": "true"}).status_code == 200
        rating = draft.ratings.get(domain="emotional_wellbeing")
        assert (rating.level, rating.setting_ability, rating.version) == (2, 0, 3)

    def test_saving_from_a_copy_read_before_other_domains_were_saved_works(self, caseworker, draft):
        stale = Assessment.objects.get(pk=draft.pk)  # read before either save below
        before = stale.version
        services.assessment_save_ratings(
            draft,
            {"hearing": ({**draft.ratings.get(domain="hearing").values(), "level": 2}, 1)},
            by=caseworker,
        )
        vision = stale.ratings.get(domain="vision")
        written = services.assessment_save_ratings(
            stale, {"vision": ({**vision.values(), "level": 3}, vision.version)}, by=caseworker
        )
        assert written == ["vision"]
        assert stale.version == Assessment.objects.get(pk=draft.pk).version == before + 2

    def test_two_tabs_of_the_same_person_conflict_like_two_people(
        self, client_as, caseworker, draft
    ):
        url = reverse("assessment-area", args=[draft.pk, "semh"])
        client = client_as(caseworker)
        first_tab = _page_load_of(client.get(url))
        second_tab = _page_load_of(client.get(url))
        assert first_tab != second_tab
        in_first = area_data(draft, "semh", {"emotional_wellbeing": 3}, page_load=first_tab)
        in_second = area_data(draft, "semh", {"emotional_wellbeing": 1}, page_load=second_tab)
        assert client.post(url, in_first).status_code == 302
        response = client.post(url, in_second)
        assert response.status_code == 409
        assert "Saved by Casey Worker" in response.content.decode()
        assert draft.ratings.get(domain="emotional_wellbeing").level == 3

    def test_identical_answers_never_conflict(self, client_as, caseworker, draft):
        DomainRating.objects.filter(assessment=draft, domain="vision").update(
            level=1,
            evidence="Observed in class; SENCo report",
            source="school",
            setting_ability=2,
            family_capacity=3,
            version=4,
        )
        data = area_data(draft, "sensory_physical")
        data["vision-version"] = "1"
        assert (
            client_as(caseworker)
            .post(reverse("assessment-area", args=[draft.pk, "sensory_physical"]), data)
            .status_code
            == 302
        )


class TestCheckAndComplete:
    def test_missing_answers_are_listed_with_links_to_the_question(
        self, client_as, caseworker, draft
    ):
        client = client_as(caseworker)
        client.post(
            reverse("assessment-area", args=[draft.pk, "communication_interaction"]),
            area_data(
                draft,
                "communication_interaction",
                {"speech_language": 3},
                **{"speech_language-evidence": ""},
            ),
        )
        draft.refresh_from_db()
        response = client.post(
            reverse("assessment-complete", args=[draft.pk]), {"version": draft.version}
        )
        html = response.content.decode()
        assert response.status_code == 400
        area_url = reverse("assessment-area", args=[draft.pk, "communication_interaction"])
        assert (
            f'<a href="{area_url}#id_speech_language-evidence">Enter the evidence for the speech, language and communication level</a>'
            in html
        )
        assert "Select the level of need for hearing" in html
        draft.refresh_from_db()
        assert draft.status == AssessmentStatus.DRAFT

    def test_completing_makes_it_read_only_and_supersedes_the_previous(
        self, client_as, caseworker, child, draft
    ):
        client = client_as(caseworker)
        first = complete(client, draft, {"speech_language": 2})
        assert first.status == AssessmentStatus.COMPLETE
        assert first.need_vector == "21111111111-"
        assert first.completed_by == caseworker
        client.post(reverse("assessment-start", args=[child.pk]))
        second = complete(
            client, Assessment.objects.get(status="draft"), {"speech_language": 3, "hearing": 2}
        )
        first.refresh_from_db()
        assert first.status == AssessmentStatus.SUPERSEDED
        assert [c.to_status for c in first.status_changes.all()] == [
            "draft",
            "complete",
            "superseded",
        ]
        # A completed assessment never changes.
        response = client.post(
            reverse("assessment-area", args=[second.pk, "semh"]),
            area_data(second, "semh", {"emotional_wellbeing": 4}),
            follow=True,
        )
        assert "This assessment is complete and cannot be changed" in response.content.decode()
        assert second.ratings.get(domain="emotional_wellbeing").level == 1

    def test_completing_from_a_stale_check_page_is_refused(self, client_as, caseworker, draft):
        client = client_as(caseworker)
        for area in AREAS:
            client.post(reverse("assessment-area", args=[draft.pk, area]), area_data(draft, area))
        draft.refresh_from_db()
        response = client.post(
            reverse("assessment-complete", args=[draft.pk]), {"version": draft.version - 1}
        )
        assert response.status_code == 409
        assert "The answers changed while you were checking them" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == AssessmentStatus.DRAFT

    def test_check_page_lists_every_answer_with_change_links(self, client_as, caseworker, draft):
        client = client_as(caseworker)
        client.post(
            reverse("assessment-area", args=[draft.pk, "semh"]),
            area_data(draft, "semh", {"emotional_wellbeing": 3}),
        )
        html = client.get(reverse("assessment-check", args=[draft.pk])).content.decode()
        assert "Level 3: Significant needs needing specialist input" in html
        assert (
            f'href="{reverse("assessment-area", args=[draft.pk, "semh"])}#emotional_wellbeing"'
            in html
        )


class TestSummary:
    def test_summary_has_accessible_radar_table_readiness_shortfalls_and_comparison(
        self, client_as, caseworker, child, draft
    ):
        client = client_as(caseworker)
        complete(client, draft, {"speech_language": 2})
        client.post(reverse("assessment-start", args=[child.pk]))
        second = complete(
            client, Assessment.objects.get(status="draft"), {"speech_language": 4, "hearing": 0}
        )
        html = (
            client_as(caseworker)
            .get(reverse("assessment-summary", args=[second.pk]))
            .content.decode()
        )
        assert 'role="img" aria-labelledby="radar-title-' in html
        assert '<title id="radar-title-' in html and "Needs profile of Amy Jones</title>" in html
        assert "Needs above it in: Speech, language and communication." in html
        assert 'class="app-radar__capability"' in html
        # readiness: needs 4 + 9×1 = 13 (hearing 0); the setting covers min(2,4) + 9 = 11 → 11/13 = 84.6% → 85%
        assert '<p class="govuk-body app-figure__value">85%</p>' in html
        assert "Speech, language and communication: need level 4, setting meets up to 2" in html
        assert "Speech, language and communication rose from level 2 to 4" in html
        assert "Hearing fell from level 1 to 0" in html
        assert (
            '<th scope="row" class="govuk-table__header">Speech, language and communication</th>'
            in html
        )

    def test_child_page_and_summary_run_the_same_queries_with_2_or_10_assessments(
        self, client_as, caseworker, child, draft, authority_a
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from assessments.models import Override
        from tests.panels.factories import open_case

        client = client_as(caseworker)

        def queries():
            latest = child.assessments.get(status="complete")
            counts = {}
            for name, url in (
                ("child", reverse("child-detail", args=[child.pk])),
                ("summary", reverse("assessment-summary", args=[latest.pk])),
            ):
                client.get(url)
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                assert response.status_code == 200
                counts[name] = len(captured)
            return counts, response.content.decode()

        def overrule(times):
            recommendation = child.assessments.get(status="complete").recommendations.get()
            for _ in range(times):
                Override.objects.create(
                    authority=authority_a,
                    recommendation=recommendation,
                    tier="sen_support",
                    reason="Panel decided otherwise",
                    by=caseworker,
                )

        complete(client, draft)
        client.post(reverse("assessment-start", args=[child.pk]))
        complete(client, Assessment.objects.get(status="draft"))
        overrule(1)
        open_case(child, "assessment_request", by=caseworker)
        small, _ = queries()
        for _ in range(8):
            client.post(reverse("assessment-start", args=[child.pk]))
            complete(client, Assessment.objects.get(status="draft"))
        overrule(3)
        open_case(child, "annual_review", by=caseworker)
        open_case(child, "phase_transfer", by=caseworker)
        large, html = queries()
        assert large == small
        # Session, user, membership; the child; its assessments; the ratings of the profile
        # and the one before it; the rule set; the recommendation; its overrides with who
        # made them; the child's panel cases (the summary has its status changes instead);
        # and the audit log's record of the read. The setting's capabilities are read once
        # per version of the setting (the first view above), not on every view. Before this
        # they were 16 and 15 (with no audit), and grew with the overrides.
        assert large == {"child": 11, "summary": 11}
        assert "Needs profile of Amy Jones" in html
        child_html = client.get(reverse("child-detail", args=[child.pk])).content.decode()
        assert child_html.count('govuk-tag--grey">Superseded') == 9
        assert "See the full needs profile" in child_html
        assert child_html.count('href="/cases/') >= 3

    def test_the_child_page_reads_the_child_s_cases_only_for_a_role_that_may_see_them(
        self, client_as, caseworker, admin, child
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.panels.factories import open_case

        case = open_case(child, "assessment_request", by=caseworker)
        url = reverse("child-detail", args=[child.pk])
        html = client_as(caseworker).get(url).content.decode()
        assert '<h2 class="govuk-heading-m">Cases</h2>' in html
        assert f'href="/cases/{case.pk}/">{case.reference}</a>' in html
        admin_client = client_as(admin)
        admin_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            html = admin_client.get(url).content.decode()
        # An administrator may see the child but not their cases: no heading, no reference,
        # and the cases are not read at all (the view decides, not the template).
        assert "Jones" in html and "Cases</h2>" not in html and case.reference not in html
        assert not any("panels_panelcase" in query["sql"] for query in captured)

    def test_a_change_to_the_setting_s_capabilities_shows_on_the_next_view(
        self, client_as, caseworker, admin, child, draft, django_assert_num_queries
    ):
        from valuing_send.register.services import setting_set_capabilities

        client = client_as(caseworker)
        latest = complete(client, draft, {"speech_language": 4})
        url = reverse("assessment-summary", args=[latest.pk])
        setting = latest.setting
        levels = setting.capability_map()
        assert levels["speech_language"] == 2  # the factory's setting
        before = client.get(url).content.decode()
        assert "Speech, language and communication: need level 4, setting meets up to 2" in before
        # No overrides: the page does not look for any (one query fewer than with one).
        with django_assert_num_queries(10):
            client.get(url)
        setting_set_capabilities(
            setting, {**levels, "speech_language": 4}, expected_version=setting.version, by=admin
        )
        after = client.get(url).content.decode()
        assert "Speech, language and communication: need level 4, setting meets up to" not in after
        assert "The setting can ordinarily meet the need in every domain." in after

    def test_every_role_can_read_a_profile(self, request, client_as, draft):
        for persona in ("caseworker", "panel_member", "manager", "admin"):
            html = (
                client_as(request.getfixturevalue(persona))
                .get(reverse("assessment-summary", args=[draft.pk]))
                .content.decode()
            )
            assert "Needs profile" in html and "This assessment is a draft" in html
