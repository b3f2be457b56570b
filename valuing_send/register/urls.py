from django.urls import path

from . import views

urlpatterns = [
    path("settings-register/", views.setting_list, name="setting-list"),
    path("settings-register/new/", views.setting_create, name="setting-create"),
    path("settings-register/<int:pk>/", views.setting_detail, name="setting-detail"),
    path("settings-register/<int:pk>/edit/", views.setting_edit, name="setting-edit"),
    path(
        "settings-register/<int:pk>/capabilities/",
        views.setting_capabilities,
        name="setting-capabilities",
    ),
]
