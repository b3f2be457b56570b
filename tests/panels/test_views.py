"""The caseworker and panel pages: per persona, another authority's case (404), the wrong
role (403), the wrong method (405), and what each page shows and records."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from panels import services
from panels.codes import CaseKind, CaseStatus
from panels.models import ClockException, Decision, Letter, PanelCase
from tests.factories import ChildFactory, SettingFactory

TODAY = datetime.date(2025, 3, 3)
D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2025, 3, 3, 10, 0), tick=False):
        yield


@pytest.fixture
def request_case(child, caseworker):
    return services.case_open(
        child,
        CaseKind.ASSESSMENT_REQUEST,
        by=caseworker,
        received_date=D(2025, 1, 6),
        request_source="parent",
        summary="Parent asks for an assessment of communication needs",
    )


@pytest.fixture
def other_case(child_b, caseworker_b):
    return services.case_open(
        child_b, CaseKind.ASSESSMENT_REQUEST, by=caseworker_b, received_date=D(2025, 1, 6)
    )


# --- The work tray ------------------------------------------------------------------------


def _make_cases(authority, caseworker, count, *, start):
    setting = SettingFactory(authority=authority)
    for number in range(count):
        child = ChildFactory(authority=authority, current_setting=setting, caseworker=caseworker)
        services.case_open(
            child,
            CaseKind.ASSESSMENT_REQUEST,
            by=caseworker,
            received_date=start + datetime.timedelta(days=number * 3),
        )


def test_the_tray_lists_open_cases_by_next_deadline_with_counts(client_as, caseworker, authority_a):
    _make_cases(authority_a, caseworker, 3, start=D(2025, 1, 6))  # due 17, 20 and 23 February
    _make_cases(authority_a, caseworker, 2, start=D(2025, 1, 20))  # due 3 and 6 March
    _make_cases(authority_a, caseworker, 1, start=D(2025, 2, 24))  # due 7 April
    response = client_as(caseworker).get(reverse("case-tray"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["overdue"], counts["this_week"], counts["later"], counts["total"]) == (
        3,
        2,
        1,
        6,
    )
    dues = [row["next_due"] for row in response.context["rows"]]
    assert dues == sorted(dues)
    html = response.content.decode()
    tags = re.findall(r'class="govuk-tag govuk-tag--\w+">([^<]+)<', html.split("<tbody")[1])
    assert tags == ["Overdue"] * 3 + ["Due this week"] * 2 + ["Due later"]
    assert "<title>Cases – my cases – Valuing SEND</title>" in html
    assert "Decide whether to assess" in html and "17 Feb 2025" in html


def test_the_tray_writes_names_as_text_and_says_what_is_missing(
    client_as, manager, caseworker, authority_a
):
    child = ChildFactory(
        authority=authority_a,
        first_name="<b>Amy</b>",
        last_name='O\'Neil & "Co"',
        current_setting=None,
        caseworker=None,
    )
    case = services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=D(2025, 2, 24)
    )
    PanelCase.objects.filter(pk=case.pk).update(caseworker=None)
    html = client_as(manager).get(reverse("case-tray"), {"view": "team"}).content.decode()
    row = html.split('<tbody class="govuk-table__body">')[1].split("</tr>")[0]
    assert f'href="{reverse("case-detail", args=[case.pk])}">{case.reference}</a>' in row
    assert "O&#x27;Neil &amp; &quot;Co&quot;, &lt;b&gt;Amy&lt;/b&gt;" in row and "<b>" not in row
    assert (
        'Assessment request<br><span class="govuk-body-s app-secondary-text">Request received'
        in row
    )
    assert "Decide whether to assess<br>7 Apr 2025 " in row and ">Due later</strong>" in row
    assert "24 Feb 2025" in row
    assert (
        '<td class="govuk-table__cell">Not allocated</td><td class="govuk-table__cell">–</td>'
        in row
    )


@pytest.mark.parametrize("size", [5, 40])
def test_the_tray_takes_the_same_queries_whatever_its_size(
    size, client_as, caseworker, authority_a, django_assert_num_queries
):
    _make_cases(authority_a, caseworker, size, start=D(2024, 12, 2))
    client = client_as(caseworker)
    client.get(reverse("case-tray"))
    # Session, user, membership; counts; the page of cases. The filters' caseworkers and
    # settings are kept (valuing_send.authorities.choices).
    with django_assert_num_queries(5):
        response = client.get(reverse("case-tray"), {"view": "team", "sort": "child"})
    assert response.context["counts"]["total"] == size


def test_the_tray_filters_by_kind_stage_caseworker_school_and_deadline(
    client_as, caseworker, manager, authority_a, request_case, child
):
    services.case_open(child, CaseKind.PLACEMENT, by=caseworker)
    client = client_as(manager)
    query = {"kind": "placement", "stage": "with_caseworker"}
    response = client.get(reverse("case-tray"), query)
    assert [r["kind"] for r in response.context["rows"]] == ["placement"]
    response = client.get(
        reverse("case-tray"), {"caseworker": str(caseworker.pk), "school": child.current_setting_id}
    )
    assert response.context["counts"]["total"] == 2
    response = client.get(reverse("case-tray"), {"due": "overdue"})
    assert [r["pk"] for r in response.context["rows"]] == [request_case.pk]
    assert response.context["counts"]["total"] == 2  # the counts ignore the deadline filter


def test_the_tray_shows_bad_filter_values_in_an_error_summary(client_as, caseworker, request_case):
    response = client_as(caseworker).get(
        reverse("case-tray"), {"kind": "banana", "sort": "nonsense", "school": "x"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Select a kind of case from the list" in html
    assert "Sort the cases by a column of the table" in html
    assert "<title>Error: Cases" in html
    assert "rows" not in response.context  # nothing listed that looks filtered but is not
    assert request_case.reference not in html


def test_the_tray_never_shows_another_authoritys_cases(client_as, caseworker, other_case):
    response = client_as(caseworker).get(reverse("case-tray"), {"view": "team"})
    assert response.context["counts"]["total"] == 0


def test_the_tray_refuses_admins_and_posts(client_as, admin, caseworker):
    assert client_as(admin).get(reverse("case-tray")).status_code == 403
    assert client_as(caseworker).post(reverse("case-tray")).status_code == 405


def test_cases_are_in_the_service_navigation_for_roles_allowed(client_as, caseworker, admin):
    assert 'href="/cases/"' in client_as(caseworker).get(reverse("home")).content.decode()
    assert 'href="/cases/"' not in client_as(admin).get(reverse("home")).content.decode()


# --- Opening a case -----------------------------------------------------------------------


def test_a_caseworker_records_a_request(client_as, caseworker, child):
    client = client_as(caseworker)
    response = client.post(reverse("case-start", args=[child.pk]), {"kind": "assessment_request"})
    assert response.url == reverse("case-create", args=[child.pk, "assessment_request"])
    page = client.get(response.url)
    assert "<title>Request for an EHC needs assessment – Amy Jones" in page.content.decode()
    response = client.post(
        response.url,
        {
            "received_date_day": "6",
            "received_date_month": "1",
            "received_date_year": "2025",
            "request_source": "setting",
            "summary": "School asks for an assessment",
        },
    )
    case = PanelCase.objects.get()
    assert response.url == reverse("case-detail", args=[case.pk])
    assert (case.kind, case.status, case.received_date, case.request_source) == (
        "assessment_request",
        "request_received",
        D(2025, 1, 6),
        "setting",
    )
    assert (case.next_due, case.caseworker) == (D(2025, 2, 17), caseworker)


def test_opening_a_case_checks_its_answers(client_as, caseworker, child):
    url = reverse("case-create", args=[child.pk, "assessment_request"])
    response = client_as(caseworker).post(
        url, {"received_date_day": "6", "received_date_month": "1", "received_date_year": "2030"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The date must be today or in the past" in html
    assert "Select who made the request" in html
    assert not PanelCase.objects.exists()


def test_opening_a_case_is_for_caseworkers_in_the_childs_authority(
    client_as, caseworker, panel_member, child_b, child
):
    assert client_as(caseworker).get(reverse("case-start", args=[child_b.pk])).status_code == 404
    assert (
        client_as(caseworker)
        .get(reverse("case-create", args=[child.pk, "no-such-kind"]))
        .status_code
        == 404
    )
    assert client_as(panel_member).get(reverse("case-start", args=[child.pk])).status_code == 403


# --- The case's timeline ------------------------------------------------------------------------


def test_the_case_page_shows_what_happened_and_what_happens_next(
    client_as, caseworker, request_case
):
    response = client_as(caseworker).get(reverse("case-detail", args=[request_case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f"<title>{request_case.reference}: Request for an EHC needs assessment for Amy Jones"
        in html
    )
    assert "Decide whether to assess by 17 February 2025" in html
    assert "14 days overdue" in html
    assert "Case opened: request received" in html
    assert "Send to panel" in html


def test_the_case_page_is_404_in_another_authority_and_405_for_posts(
    client_as, caseworker, request_case, other_case, admin
):
    client = client_as(caseworker)
    assert client.get(reverse("case-detail", args=[other_case.pk])).status_code == 404
    assert client.post(reverse("case-detail", args=[request_case.pk])).status_code == 405
    assert client_as(admin).get(reverse("case-detail", args=[request_case.pk])).status_code == 403


# --- Moving a case on ----------------------------------------------------------------------------


def test_a_caseworker_sends_a_case_to_panel(client_as, caseworker, request_case):
    client = client_as(caseworker)
    url = reverse("case-move", args=[request_case.pk, "request_ready"])
    assert "Send to panel" in client.get(url).content.decode()
    response = client.post(url, {"version": "1", "reason": ""})
    assert response.url == reverse("case-detail", args=[request_case.pk])
    request_case.refresh_from_db()
    assert (request_case.status, request_case.version) == ("request_ready", 2)


def test_a_move_from_an_out_of_date_page_is_refused(client_as, caseworker, request_case):
    services.case_update(request_case, {"rya": True}, expected_version=1, by=caseworker)
    response = client_as(caseworker).post(
        reverse("case-move", args=[request_case.pk, "request_ready"]), {"version": "1"}
    )
    assert response.status_code == 409
    assert "Someone else changed this case" in response.content.decode()
    request_case.refresh_from_db()
    assert request_case.status == "request_received"


def test_a_move_the_role_may_not_make_is_403_and_an_impossible_one_says_why(
    client_as, caseworker, panel_member, request_case, other_case
):
    url = reverse("case-move", args=[request_case.pk, "request_ready"])
    assert client_as(panel_member).post(url, {"version": "1"}).status_code == 403
    response = client_as(caseworker).get(
        reverse("case-move", args=[request_case.pk, "request_declined"]), follow=True
    )
    assert "Record the panel" not in response.content.decode()
    impossible = client_as(caseworker).get(
        reverse("case-move", args=[request_case.pk, "withdrawn"])
    )
    assert impossible.status_code == 200
    response = client_as(caseworker).post(
        reverse("case-move", args=[request_case.pk, "withdrawn"]), {"version": "1"}
    )
    assert response.status_code == 400
    assert "Give the reason" in response.content.decode()
    assert (
        client_as(caseworker)
        .get(reverse("case-move", args=[other_case.pk, "request_ready"]))
        .status_code
        == 404
    )
    assert (
        client_as(caseworker)
        .get(reverse("case-move", args=[request_case.pk, "plan_issued"]))
        .status_code
        == 404
    )


def test_a_move_that_cannot_happen_now_is_explained(client_as, caseworker, request_case):
    services.case_move(request_case, CaseStatus.REQUEST_READY, by=caseworker)
    services.case_move(request_case, CaseStatus.WITHDRAWN, by=caseworker, reason="Withdrawn")
    response = client_as(caseworker).get(
        reverse("case-move", args=[request_case.pk, "request_ready"]), follow=True
    )
    assert "This case is withdrawn, so it cannot become ready for panel" in (
        response.content.decode()
    )


# --- Dates, exceptions, advice, disputes -------------------------------------------------------------


def test_recording_dates_keeps_the_clock_and_refuses_stale_saves(client_as, caseworker, child):
    case = services.case_open(
        child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=D(2024, 11, 4)
    )
    client = client_as(caseworker)
    url = reverse("case-dates", args=[case.pk])
    assert "Date the draft plan was sent" in client.get(url).content.decode()
    data = {
        "version": "1",
        "received_date_day": "4",
        "received_date_month": "11",
        "received_date_year": "2024",
        "draft_plan_date_day": "3",
        "draft_plan_date_month": "2",
        "draft_plan_date_year": "2025",
    }
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert (case.draft_plan_date, case.next_clock, case.next_due) == (
        D(2025, 2, 3),
        "draft_comments",
        D(2025, 2, 17),
    )
    stale = client.post(url, {**data, "draft_plan_date_day": "4"})
    assert stale.status_code == 409
    assert "Someone else saved changes" in stale.content.decode()
    bad = client.post(
        url,
        {
            **data,
            "version": "2",
            "final_plan_date_day": "1",
            "final_plan_date_month": "1",
            "final_plan_date_year": "2025",
        },
    )
    assert "The final plan must be issued on or after the draft plan" in bad.content.decode()


def test_recording_an_exception_never_moves_the_deadline(client_as, caseworker, child):
    case = services.case_open(
        child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=D(2024, 9, 2)
    )
    client = client_as(caseworker)
    url = reverse("exception-create", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Issue the final plan" in page and "does not move the deadline" in page
    refused = client.post(
        url,
        {
            "clock": "final_plan",
            "reason": "missed_appointment",
            "recorded_on_day": "3",
            "recorded_on_month": "3",
            "recorded_on_year": "2025",
            "note": "",
        },
    )
    assert "Describe what happened" in refused.content.decode()
    response = client.post(
        url,
        {
            "clock": "final_plan",
            "reason": "personal_circumstances",
            "recorded_on_day": "3",
            "recorded_on_month": "3",
            "recorded_on_year": "2025",
            "note": "Family bereavement in January",
        },
    )
    assert response.status_code == 302
    exception = ClockException.objects.get()
    assert exception.citation == "reg 13(3)(b)"
    case.refresh_from_db()
    assert case.next_due == D(2024, 12, 23)  # the 16-week notice, unmoved
    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "Exception recorded: issue the final plan" in detail
    assert "20-week exception" in detail


def test_advice_is_due_6_weeks_after_it_was_asked_for(client_as, caseworker, child):
    case = services.case_open(
        child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=D(2025, 1, 6)
    )
    client = client_as(caseworker)
    response = client.post(
        reverse("advice-create", args=[case.pk]),
        {
            "service": "educational_psychology",
            "asked_on_day": "20",
            "asked_on_month": "1",
            "asked_on_year": "2025",
        },
    )
    assert response.status_code == 302
    advice = case.advice_requests.get()
    assert advice.due == D(2025, 3, 3)
    case.refresh_from_db()
    assert (case.next_clock, case.next_due) == ("advice", D(2025, 3, 3))
    response = client.post(
        reverse("advice-received", args=[case.pk, advice.pk]),
        {"received_on_day": "28", "received_on_month": "2", "received_on_year": "2025"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.next_clock == "notice_not_to_issue"
    request_case = services.case_open(child, CaseKind.ASSESSMENT_REQUEST, by=caseworker)
    assert client.get(reverse("advice-create", args=[request_case.pk])).status_code == 404


def test_recording_a_dispute_sets_the_sen2_flags(client_as, caseworker, request_case):
    response = client_as(caseworker).post(
        reverse("dispute-create", args=[request_case.pk]),
        {
            "kind": "mediation",
            "about": "request",
            "started_on_day": "1",
            "started_on_month": "3",
            "started_on_year": "2025",
        },
    )
    assert response.status_code == 302
    flags = services.sen2_flags(request_case)
    assert flags["request_mediation"] and not flags["request_tribunal"]


@pytest.mark.parametrize(
    "name", ["case-dates", "exception-create", "dispute-create", "decision-create"]
)
def test_case_forms_are_404_in_another_authority_and_refuse_other_methods(
    name, client_as, caseworker, panel_member, other_case, request_case
):
    user = panel_member if name == "decision-create" else caseworker
    client = client_as(user)
    assert client.get(reverse(name, args=[other_case.pk])).status_code == 404
    assert client.put(reverse(name, args=[request_case.pk])).status_code == 405


@pytest.mark.parametrize("name", ["case-dates", "exception-create", "dispute-create"])
def test_panel_members_cannot_record_case_details(name, client_as, panel_member, request_case):
    assert client_as(panel_member).get(reverse(name, args=[request_case.pk])).status_code == 403


# --- Decisions and letters --------------------------------------------------------------------------


def test_the_panel_decides_with_reasons_and_a_letter_follows(
    client_as, caseworker, panel_member, manager, request_case
):
    services.case_move(request_case, CaseStatus.REQUEST_READY, by=caseworker)
    client = client_as(panel_member)
    url = reverse("decision-create", args=[request_case.pk])
    assert "Reasons for the decision" in client.get(url).content.decode()
    missing = client.post(url, {"version": "2", "outcome": "decline"})
    assert missing.status_code == 400
    assert "Give the reasons for the decision" in missing.content.decode()
    response = client.post(
        url,
        {
            "version": "2",
            "outcome": "decline",
            "reasons": "Needs are met at SEN support with the provision the school describes.",
            "members_present": [str(panel_member.pk), str(manager.pk)],
        },
    )
    assert response.status_code == 302
    request_case.refresh_from_db()
    assert (
        request_case.status,
        request_case.request_outcome,
        request_case.request_outcome_date,
    ) == (
        "request_declined",
        "not_assess",
        TODAY,
    )
    assert not request_case.is_open and request_case.next_due is None
    decision = Decision.objects.get()
    assert set(decision.members_present.all()) == {panel_member, manager}
    letter = Letter.objects.get()
    assert letter.kind == "not_assess"
    assert "3 May 2025" in letter.html  # last day to appeal: 2 months on
    assert "Needs are met at SEN support" in letter.html
    page = client_as(caseworker).get(reverse("letter-detail", args=[letter.pk]))
    assert "We will not carry out an education, health and care needs assessment" in (
        page.content.decode()
    )


def test_only_panel_members_and_managers_decide(client_as, caseworker, request_case):
    services.case_move(request_case, CaseStatus.REQUEST_READY, by=caseworker)
    assert (
        client_as(caseworker).get(reverse("decision-create", args=[request_case.pk])).status_code
        == 403
    )


def test_a_letter_of_another_authority_is_404(
    client_as, caseworker, caseworker_b, panel_member, request_case
):
    services.case_move(request_case, CaseStatus.REQUEST_READY, by=caseworker)
    services.decision_record(request_case, outcome="agree", reasons="Agreed", by=panel_member)
    letter = Letter.objects.get()
    assert (
        client_as(caseworker_b).get(reverse("letter-detail", args=[letter.pk])).status_code == 404
    )
    assert client_as(caseworker).post(reverse("letter-detail", args=[letter.pk])).status_code == 405


def test_the_tray_filter_form_kept_in_the_cache_follows_the_choices_and_the_register(
    client_as, manager, authority_a, request_case, child
):
    """The filter form is rendered once per set of choices and kept (it lists every setting):
    what was chosen is still shown selected, and a setting added to the register is offered at
    once."""
    client = client_as(manager)

    def form_html(**query):
        html = client.get(reverse("case-tray"), query).content.decode()
        start = html.index('id="tray-filters"')
        return html[start : html.index("</form>", start)]

    placement = form_html(kind="placement")
    assert form_html(kind="placement") == placement  # the second from the cache
    assert 'value="placement" selected' in placement
    assessment = form_html(kind="assessment_request")
    assert 'value="assessment_request" selected' in assessment
    assert 'value="placement" selected' not in assessment
    assert "Brand New Academy" not in form_html()
    SettingFactory(authority=authority_a, name="Brand New Academy")
    assert "Brand New Academy" in form_html()


@pytest.mark.parametrize("size", [1, 6])
def test_a_case_page_takes_the_same_queries_however_long_its_history(
    size, client_as, caseworker, child, django_assert_num_queries
):
    """Status rows, advice, exceptions, disputes and views: a fixed number of
    queries whether each has one entry or several (the bench's longest case has dozens)."""
    case = services.case_open(
        child, CaseKind.ISSUE_DECISION, by=caseworker, received_date=D(2024, 11, 4)
    )
    for index in range(size):
        advice = services.advice_request(
            case, service="health", asked_on=D(2024, 11, 11 + index), by=caseworker
        )
        services.advice_received(advice, received_on=D(2024, 12, 2 + index), by=caseworker)
        services.exception_record(
            case,
            clock="final_plan",
            reason="absent_from_area",
            recorded_on=D(2025, 1, 6 + index),
            note=f"Away {index}",
            by=caseworker,
        )
        services.dispute_record(
            case,
            kind="mediation",
            about="assessment",
            started_on=D(2025, 2, 3 + index),
            by=caseworker,
        )
        services.contribution_enter(
            case,
            role="parent",
            answers={"what_works": f"Visual timetables {index}"},
            text="",
            contributor_name=f"A Parent {index}",
            by=caseworker,
        )
    client = client_as(caseworker)
    url = reverse("case-detail", args=[case.pk])
    client.get(url)
    # Session, user, membership; the case with its child, setting, caseworker and what it
    # follows; the audit record of the read; status rows, advice, exceptions, disputes, views,
    # decisions, letters and invitations. The SEN2 flags come from what was read, and the
    # moves offered from the membership the page has (they were three more queries).
    with django_assert_num_queries(13):
        html = client.get(url).content.decode()
    assert all(f"Away {index}" in html for index in range(size))  # every exception
    assert html.count("View received: parent") == size  # every view
