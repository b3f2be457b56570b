from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.audit_search, name="audit-search"),
    path(
        "audit/children/<int:pk>/export/",
        views.subject_access_export,
        name="subject-access-export",
    ),
]
