from django.urls import path

from .views import children, framework, profile

urlpatterns = [
    path("children/", children.child_list, name="child-list"),
    path("children/new/", children.child_create, name="child-create"),
    path("children/<int:pk>/", children.child_detail, name="child-detail"),
    path("children/<int:pk>/edit/", children.child_edit, name="child-edit"),
    path(
        "children/<int:child_pk>/assessments/start/",
        profile.assessment_start,
        name="assessment-start",
    ),
    path("assessments/<int:pk>/", profile.assessment_summary, name="assessment-summary"),
    path("assessments/<int:pk>/continue/", profile.assessment_continue, name="assessment-continue"),
    path("assessments/<int:pk>/about/", profile.assessment_about, name="assessment-about"),
    path(
        "assessments/<int:pk>/areas/<slug:area>/", profile.assessment_area, name="assessment-area"
    ),
    path("assessments/<int:pk>/check/", profile.assessment_check, name="assessment-check"),
    path("assessments/<int:pk>/complete/", profile.assessment_complete, name="assessment-complete"),
    path("needs-framework/", framework.framework_detail, name="framework"),
]
