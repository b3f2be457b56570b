from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_sign_in

urlpatterns = [
    path("sign-in/", views_sign_in.sign_in, name="login"),
    path("sign-in/code/", views_sign_in.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up/", views_sign_in.two_factor_setup, name="two-factor-setup"),
    path("account/recovery-codes/", views_sign_in.recovery_codes, name="recovery-codes"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("choose-authority/", views.choose_authority_view, name="choose-authority"),
    path("users/", views.users, name="users"),
    path("users/add/", views.user_add, name="user-add"),
    path("users/<int:pk>/", views.user_edit, name="user-edit"),
    path(
        "users/<int:pk>/deactivate/",
        views.user_set_active,
        {"active": False},
        name="user-deactivate",
    ),
    path(
        "users/<int:pk>/reset-two-factor/",
        views.user_reset_two_factor,
        name="user-reset-two-factor",
    ),
    path(
        "users/<int:pk>/reactivate/",
        views.user_set_active,
        {"active": True},
        name="user-reactivate",
    ),
]
