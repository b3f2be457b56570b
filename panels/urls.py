from django.urls import path

from .views import cases, decisions, journey, meetings, reports

urlpatterns = [
    path("cases/", cases.tray, name="case-tray"),
    path("consistency/", reports.consistency_report, name="case-consistency"),
    path("children/<int:child_pk>/cases/new/", cases.case_start, name="case-start"),
    path("children/<int:child_pk>/cases/new/<slug:kind>/", cases.case_create, name="case-create"),
    path("cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path("cases/<int:pk>/dates/", cases.case_dates, name="case-dates"),
    path("cases/<int:pk>/move/<slug:target>/", cases.case_move, name="case-move"),
    path("cases/<int:pk>/exceptions/new/", cases.exception_create, name="exception-create"),
    path("cases/<int:pk>/advice/new/", cases.advice_create, name="advice-create"),
    path(
        "cases/<int:pk>/advice/<int:advice_pk>/received/",
        cases.advice_received,
        name="advice-received",
    ),
    path("cases/<int:pk>/disputes/new/", cases.dispute_create, name="dispute-create"),
    path(
        "cases/<int:pk>/views/new/<slug:role>/",
        cases.contribution_create,
        name="contribution-create",
    ),
    path("cases/<int:pk>/decision/", decisions.decision_create, name="decision-create"),
    path("cases/<int:pk>/evidence/", decisions.evidence_pack, name="evidence-pack"),
    path("letters/<int:pk>/", decisions.letter_detail, name="letter-detail"),
    path("cases/<int:pk>/invitations/new/", cases.invitation_create, name="invitation-create"),
    path(
        "cases/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        cases.invitation_revoke,
        name="invitation-revoke",
    ),
    # The secure-link journey: no account, the token in the address.
    path("views/<str:token>/", journey.journey_start, name="journey-start"),
    path("views/<str:token>/needs/<int:number>/", journey.journey_need, name="journey-need"),
    path("views/<str:token>/about/", journey.journey_about, name="journey-about"),
    path("views/<str:token>/check/", journey.journey_check, name="journey-check"),
    path("views/<str:token>/done/", journey.journey_done, name="journey-done"),
    path("panels/", meetings.panel_list, name="panel-list"),
    path("panels/new/", meetings.panel_edit, name="panel-create"),
    path("panels/<int:pk>/", meetings.panel_edit, name="panel-edit"),
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/attendance/", meetings.attendance_edit, name="meeting-attendance"),
    path("meetings/<int:pk>/conflicts/new/", meetings.conflict_create, name="meeting-conflict"),
    path(
        "meetings/<int:meeting_pk>/cases/<int:pk>/decision/",
        decisions.decision_create,
        name="meeting-decision",
    ),
]
