from django.urls import path

from . import views

urlpatterns = [
    path(
        "documents/new/<slug:kind>/<int:subject_pk>/",
        views.document_create,
        name="document-create",
    ),
    path(
        "documents/zip/<slug:kind>/<int:subject_pk>/",
        views.document_bundle,
        name="document-bundle",
    ),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
    path("documents/<int:pk>/retry/", views.document_retry, name="document-retry"),
    # A parent's decision letters through their secure link (no account).
    path("views/<str:token>/letters/<int:pk>/", views.family_letter, name="family-letter"),
]
