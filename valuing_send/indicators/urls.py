from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.dashboard, name="indicator-dashboard"),
    path("indicators/valuing-send/", views.valuing_send, name="valuing-send"),
    path("indicators/ambitions/", views.ambitions_scorecard, name="ambitions"),
    path(
        "indicators/ambitions/<int:number>/<slug:slug>/",
        views.ambition_target,
        name="ambition-target",
    ),
    path("indicators/projection/", views.projection_page, name="projection"),
    path("indicators/children/", views.children, name="indicator-children"),
    path("indicators/recompute/", views.recompute, name="indicator-recompute"),
    path("indicators/group/<slug:slug>/", views.group, name="indicator-group"),
    path("indicators/measure/<slug:slug>/", views.detail, name="indicator-detail"),
    path("national/", views.national_table, name="national-table"),
    path("national/ranking/", views.national_ranking, name="national-ranking"),
    path("national/<str:code>/", views.national_authority, name="national-authority"),
]
