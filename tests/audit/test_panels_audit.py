"""The audit log covers panels: every write to a panel case and what hangs off it (views,
decisions, letters, meetings) is recorded, and so is every read of a case, its evidence pack,
the views in it and its letters, by staff or through a parent's secure link."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from assessments.models import Child
from panels import services
from panels.codes import CaseKind, CaseStatus, ContributorRole
from panels.models import Contribution, Letter, PanelCase
from tests.factories import complete_assessment
from tests.panels.factories import InvitationFactory
from valuing_send.audit.models import Action, AuditEvent
from valuing_send.core import retention

pytestmark = pytest.mark.django_db


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the journey's rate limits
    yield
    cache.clear()


@pytest.fixture
def assessment(child, caseworker, framework):
    return complete_assessment(child, caseworker, {"speech_language": 3}, default=0)


@pytest.fixture
def case(child, caseworker, assessment):
    case = services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=datetime.date.today()
    )
    services.case_move(case, CaseStatus.REQUEST_READY, by=caseworker)
    return case


def test_opening_a_case_and_deciding_it_are_recorded_against_the_child(
    client_as, caseworker, panel_member, child, case
):
    (opened,) = events(action=Action.CREATE, object_type="panels.panelcase")
    assert opened.child_id == child.pk and opened.authority_id == child.authority_id
    assert opened.object_id == str(case.pk) and opened.description == "Created a panel case"
    client = client_as(panel_member)
    case.refresh_from_db()
    response = client.post(
        reverse("decision-create", args=[case.pk]),
        {"version": case.version, "outcome": "agree", "reasons": "Needs above SEN support"},
    )
    assert response.status_code == 302
    decided = events(user_id=panel_member.pk, action__in=[Action.CREATE, Action.UPDATE])
    kinds = {(e.action, e.object_type) for e in decided}
    assert {
        (Action.CREATE, "panels.decision"),
        (Action.CREATE, "panels.letter"),
        (Action.UPDATE, "panels.panelcase"),
    } <= kinds
    assert {e.child_id for e in decided if e.object_type != "panels.casestatuschange"} == {child.pk}
    assert all(e.path == reverse("decision-create", args=[case.pk]) for e in decided)


def test_reading_a_case_its_evidence_pack_views_and_letters_is_recorded(
    client_as, caseworker, panel_member, child, case, assessment
):
    services.contribution_enter(
        case,
        role=ContributorRole.PARENT,
        answers={"what_works": "Visual timetables"},
        text="",
        contributor_name="A Parent",
        by=caseworker,
    )
    services.decision_record(case, outcome="agree", reasons="Agreed", by=panel_member)
    letter = Letter.objects.get()
    contribution = Contribution.objects.get()
    AuditEvent.objects.count()  # (a test may read the log; features never do)
    client = client_as(panel_member)
    for name, pk in (
        ("case-detail", case.pk),
        ("evidence-pack", case.pk),
        ("letter-detail", letter.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200
    reads = events(action=Action.READ, user_id=panel_member.pk)
    assert [(e.object_type, e.object_id, e.description) for e in reads] == [
        ("panels.panelcase", str(case.pk), "Viewed a panel case and its timeline"),
        ("panels.panelcase", str(case.pk), "Viewed a panel case's evidence pack"),
        (
            "assessments.assessment",
            str(assessment.pk),
            "Viewed a needs profile in an evidence pack",
        ),
        ("panels.contribution", str(contribution.pk), "Viewed the view of the parent or carer"),
        ("panels.letter", str(letter.pk), f"Viewed a letter: {letter.get_kind_display()}"),
    ]
    assert {e.child_id for e in reads} == {child.pk}
    assert all(e.ip_address == "127.0.0.1" and e.request_id for e in reads)


def test_a_parents_link_records_reads_and_the_view_as_the_invitation(
    caseworker, panel_member, child, case, assessment
):
    invitation, token = InvitationFactory.issue(case, by=caseworker)
    services.decision_record(case, outcome="agree", reasons="Agreed", by=panel_member)
    letter = Letter.objects.get()
    parent = Client()
    assert parent.get(reverse("journey-start", args=[token])).status_code == 200
    reads = events(action=Action.READ, invitation_id=invitation.pk)
    assert [(e.object_type, e.object_id) for e in reads] == [
        ("panels.panelcase", str(case.pk)),
        ("assessments.assessment", str(assessment.pk)),
        ("panels.letter", str(letter.pk)),
    ]
    assert all(
        e.user_id is None and e.actor == f"invitation {invitation.pk}" and e.child_id == child.pk
        for e in reads
    )
    # Opening the link is not a change to the invitation (its reads are recorded above).
    assert not events(action=Action.UPDATE, invitation_id=invitation.pk)


def test_a_view_sent_through_a_link_is_recorded_as_created_by_the_invitation(
    caseworker, child, case
):
    invitation, token = InvitationFactory.issue(case, by=caseworker, role="setting")
    setting = Client()
    assert setting.post(
        reverse("journey-need", args=[token, 1]), {"level": "3", "why": "Needs speech therapy"}
    ).url == reverse("journey-about", args=[token])
    setting.post(reverse("journey-about", args=[token]), {"can_provide": "Speech therapy"})
    assert setting.post(reverse("journey-check", args=[token])).url == reverse(
        "journey-done", args=[token]
    )
    (created,) = events(action=Action.CREATE, object_type="panels.contribution")
    assert created.invitation_id == invitation.pk and created.user_id is None
    assert created.child_id == child.pk and created.actor == f"invitation {invitation.pk}"
    # The link's token opens the case: the log keeps the page, never the token.
    assert created.path == reverse("journey-check", args=[token]).replace(token, "[token]")
    assert not AuditEvent.objects.filter(path__contains=token).exists()


def test_a_meeting_its_agenda_and_attendance_are_recorded(
    client_as, admin, manager, panel_member, case
):
    panel = services.panel_save(
        case.authority, name="EHC panel", members=[panel_member, manager], by=admin
    )
    meeting = services.meeting_create(
        panel,
        starts_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
        location="Room 1",
        cases=[case],
        by=manager,
    )
    services.attendance_record(meeting, present=[panel_member], by=manager)
    written = {(e.action, e.object_type) for e in events()}
    assert {
        (Action.CREATE, "panels.panel"),
        (Action.CREATE, "panels.panelmembership"),
        (Action.CREATE, "panels.meeting"),
        (Action.CREATE, "panels.agendaitem"),
        (Action.CREATE, "panels.attendance"),
    } <= written
    (agenda,) = events(object_type="panels.agendaitem")
    assert agenda.child_id == case.child_id and agenda.authority_id == case.authority_id


def test_the_retention_policy_erases_a_child_with_their_panel_cases(
    settings, caseworker, panel_member, child, case
):
    services.contribution_enter(
        case,
        role=ContributorRole.SETTING,
        answers={},
        text="Can provide",
        contributor_name="Head",
        by=caseworker,
    )
    services.decision_record(case, outcome="agree", reasons="Agreed", by=panel_member)
    settings.RETENTION_CHILD_YEARS_AFTER_BIRTH = 0  # every child is past its time
    outcomes = retention.apply(today=child.date_of_birth + datetime.timedelta(days=400))
    assert any(o.count == 1 and "Children's records" in o.rule for o in outcomes)
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not PanelCase.objects.filter(pk=case.pk).exists()
    deleted = {e.object_type for e in events(action=Action.DELETE, child_id=child.pk)}
    assert {
        "assessments.child",
        "panels.panelcase",
        "panels.decision",
        "panels.letter",
        "panels.contribution",
    } <= deleted
    assert {e.actor for e in events(action=Action.DELETE)} == {"retention policy"}


def test_the_subject_access_export_holds_the_childs_panel_cases(
    client_as, admin, caseworker, panel_member, child, case
):
    invitation, _ = InvitationFactory.issue(case, by=caseworker)
    services.contribution_enter(
        case,
        role=ContributorRole.PARENT,
        answers={"what_works": "Visual timetables"},
        text="",
        contributor_name="A Parent",
        by=caseworker,
    )
    services.decision_record(
        case,
        outcome="agree",
        reasons="Needs above support",
        by=panel_member,
        members_present=[panel_member.pk],
    )
    response = client_as(admin).post(
        reverse("subject-access-export", args=[child.pk]), {"reason": "SAR 2026-050"}
    )
    assert response.status_code == 200
    cases = {held["id"]: held for held in response.json()["panel_cases"]}
    # The decision to assess opened the next case (the decision whether to issue a plan).
    assert len(cases) == 2
    held = cases[case.pk]
    assert held["kind"] == CaseKind.ASSESSMENT_REQUEST
    assert [v["answers"] for v in held["views"]] == [{"what_works": "Visual timetables"}]
    assert held["decisions"][0]["reasons"] == "Needs above support"
    assert held["decisions"][0]["members_present"] == [panel_member.pk]
    assert held["letters"] and held["letters"][0]["html"]
    assert [c["to_status"] for c in held["status_changes"]][:2] == [
        CaseStatus.REQUEST_RECEIVED,
        CaseStatus.REQUEST_READY,
    ]
    (link,) = held["invitations"]
    assert link["id"] == invitation.pk and link["recipient_name"] == "A Parent"
    assert "token_hash" not in link and "nonce" not in link
