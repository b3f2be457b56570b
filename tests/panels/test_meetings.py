"""Panels, meetings with agendas, attendance, conflicts of interest and decisions made at a
meeting: per persona, another authority (404), wrong role (403), wrong method (405)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.codes import CaseKind, CaseStatus
from panels.models import Attendance, Decision, Meeting, Panel


@pytest.fixture
def panel(authority_a, panel_member, manager, admin):
    return services.panel_save(
        authority_a, name="EHC panel", members=[panel_member, manager], chair=manager, by=admin
    )


@pytest.fixture
def ready_case(child, caseworker):
    case = services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=datetime.date.today()
    )
    services.case_move(case, CaseStatus.REQUEST_READY, by=caseworker)
    return case


@pytest.fixture
def meeting(panel, ready_case, caseworker):
    return services.meeting_create(
        panel,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        location="Room 2",
        cases=[ready_case],
        by=caseworker,
    )


def test_an_admin_sets_up_a_panel(client_as, admin, panel_member, manager, authority_a):
    client = client_as(admin)
    response = client.post(reverse("panel-create"), {"name": "", "members": []})
    assert response.status_code == 400
    assert response.context["form"].errors["members"] == ["Select the panel's members"]
    response = client.post(
        reverse("panel-create"),
        {"name": "Annual review panel", "members": [panel_member.pk], "chair": manager.pk},
    )
    assert "The chair must be one of the members" in response.content.decode()
    response = client.post(
        reverse("panel-create"),
        {
            "name": "Annual review panel",
            "members": [panel_member.pk, manager.pk],
            "chair": manager.pk,
        },
    )
    assert response.status_code == 302
    panel = Panel.objects.get()
    assert set(panel.memberships.values_list("user_id", "role")) == {
        (panel_member.pk, "member"),
        (manager.pk, "chair"),
    }
    listing = client.get(reverse("panel-list")).content.decode()
    assert "Annual review panel" in listing and "Morgan Manager (chair)" in listing


def test_panel_set_up_is_for_admins_of_the_authority(
    client_as, caseworker, admin, authority_b, caseworker_b
):
    other = services.panel_save(authority_b, name="Theirs", members=[], by=caseworker_b)
    assert client_as(caseworker).get(reverse("panel-list")).status_code == 403
    assert client_as(admin).get(reverse("panel-edit", args=[other.pk])).status_code == 404
    assert client_as(admin).delete(reverse("panel-list")).status_code == 405


def test_a_caseworker_plans_a_meeting_with_the_cases_ready_for_panel(
    client_as, caseworker, panel, ready_case
):
    client = client_as(caseworker)
    page = client.get(reverse("meeting-create")).content.decode()
    assert ready_case.reference in page
    day = datetime.date.today() + datetime.timedelta(days=7)
    past = client.post(
        reverse("meeting-create"),
        {
            "panel": panel.pk,
            "date_day": "1",
            "date_month": "1",
            "date_year": "2020",
            "time": "10:00",
        },
    )
    assert "The date of the meeting must be today or in the future" in past.content.decode()
    response = client.post(
        reverse("meeting-create"),
        {
            "panel": panel.pk,
            "date_day": day.day,
            "date_month": day.month,
            "date_year": day.year,
            "time": "14:30",
            "location": "Room 2",
            "cases": [ready_case.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.url == reverse("meeting-detail", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).time() == datetime.time(14, 30)
    assert [item.case for item in meeting.agenda.all()] == [ready_case]
    # Once on a planned agenda, the case is not offered again.
    assert ready_case.reference not in client.get(reverse("meeting-create")).content.decode()


def test_panel_members_cannot_plan_meetings(client_as, panel_member):
    assert client_as(panel_member).get(reverse("meeting-create")).status_code == 403


def test_the_panel_member_runs_the_meeting(client_as, panel_member, manager, meeting, ready_case):
    client = client_as(panel_member)
    listing = client.get(reverse("meeting-list")).content.decode()
    assert "EHC panel" in listing
    detail = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert ready_case.reference in detail and "Record the decision" in detail
    response = client.post(
        reverse("meeting-attendance", args=[meeting.pk]),
        {"present": [panel_member.pk, manager.pk], "version": meeting.version},
    )
    assert response.status_code == 302
    assert set(Attendance.objects.filter(present=True).values_list("user_id", flat=True)) == {
        panel_member.pk,
        manager.pk,
    }
    response = client.post(
        reverse("meeting-conflict", args=[meeting.pk]),
        {"member": manager.pk, "cases": [ready_case.pk], "note": "Knows the family"},
    )
    assert response.status_code == 302
    url = reverse("meeting-decision", args=[meeting.pk, ready_case.pk])
    form = client.get(url).context["form"]
    assert form.initial["members_present"] == [panel_member.pk]  # the conflicted member is out
    refused = client.post(
        url,
        {
            "version": ready_case.version + 1,
            "outcome": "agree",
            "reasons": "Needs above SEN support",
            "members_present": [panel_member.pk, manager.pk],
        },
    )
    assert refused.status_code == 409
    assert "declared a conflict of interest" in refused.content.decode()
    ready_case.refresh_from_db()
    response = client.post(
        url,
        {
            "version": ready_case.version,
            "outcome": "agree",
            "reasons": "Needs above SEN support",
            "members_present": [panel_member.pk],
        },
    )
    assert response.url == reverse("meeting-detail", args=[meeting.pk])
    decision = Decision.objects.get()
    assert decision.meeting == meeting
    assert list(decision.members_present.all()) == [panel_member]
    detail = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert "Conflict: Morgan Manager" in detail and ">Agree<" in detail


def test_meetings_are_404_elsewhere_403_for_caseworkers_deciding_and_405_for_deletes(
    client_as, caseworker, caseworker_b, panel_member, meeting, child_b
):
    assert (
        client_as(caseworker_b).get(reverse("meeting-detail", args=[meeting.pk])).status_code == 404
    )
    assert (
        client_as(caseworker).get(reverse("meeting-attendance", args=[meeting.pk])).status_code
        == 403
    )
    assert (
        client_as(panel_member).delete(reverse("meeting-detail", args=[meeting.pk])).status_code
        == 405
    )
    other_case = services.case_open(child_b, CaseKind.PLACEMENT, by=caseworker_b)
    assert (
        client_as(panel_member)
        .get(reverse("meeting-decision", args=[meeting.pk, other_case.pk]))
        .status_code
        == 404
    )


def test_two_members_recording_attendance_at_once_do_not_undo_each_other(
    client_as, panel_member, manager, meeting
):
    url = reverse("meeting-attendance", args=[meeting.pk])
    first, second = client_as(panel_member), client_as(manager)
    version = first.get(url).context["form"].initial["version"]
    assert second.get(url).context["form"].initial["version"] == version
    assert first.post(url, {"present": [panel_member.pk], "version": version}).status_code == 302
    # The second page was made before the first save: refused, with what is recorded now and
    # the second person's own ticks kept.
    response = second.post(url, {"present": [manager.pk], "version": version})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else recorded attendance" in page and "Present now: Pat Panel" in page
    assert response.context["form"]["present"].value() == [str(manager.pk)]
    present = Attendance.objects.filter(present=True).values_list("user_id", flat=True)
    assert list(present) == [panel_member.pk]
    # Saving again, knowing, replaces it.
    again = response.context["form"]["version"].value()
    assert second.post(url, {"present": [manager.pk], "version": again}).status_code == 302
    present = Attendance.objects.filter(present=True).values_list("user_id", flat=True)
    assert list(present) == [manager.pk]


def test_two_admins_changing_a_panel_at_once(client_as, admin, panel, panel_member, manager):
    url = reverse("panel-edit", args=[panel.pk])
    client = client_as(admin)
    version = client.get(url).context["form"].initial["version"]
    services.panel_save(
        panel.authority,
        name="Renamed panel",
        members=[manager],
        by=admin,
        panel=panel,
        expected_version=version,
    )
    response = client.post(
        url, {"name": "EHC panel", "members": [panel_member.pk], "version": version}
    )
    assert response.status_code == 409
    assert "It is now called Renamed panel, with members: Morgan Manager" in (
        response.content.decode()
    )
    panel.refresh_from_db()
    assert panel.name == "Renamed panel" and panel.version == version + 1
    response = client.post(
        url, {"name": "EHC panel", "members": [panel_member.pk], "version": panel.version}
    )
    assert response.status_code == 302
    panel.refresh_from_db()
    assert panel.name == "EHC panel"
