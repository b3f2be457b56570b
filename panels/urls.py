from django.urls import path

from .views import cases, decisions, reports

urlpatterns = [
    path("cases/", cases.tray, name="case-tray"),
    path("cases/consistency/", reports.consistency_report, name="case-consistency"),
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
    path("cases/<int:pk>/decision/", decisions.decision_create, name="decision-create"),
    path("letters/<int:pk>/", decisions.letter_detail, name="letter-detail"),
]
