from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valuing_send.core.forms import form_data, has_hidden_characters
from valuing_send.core.locking import ConflictError, differences

from . import services
from .forms import (
    AddUserForm,
    ChangeRoleForm,
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    MembershipStatusForm,
)
from .models import Role
from .tenancy import choose_authority, get_or_404, memberships_for, requires
from .two_factor import authenticator_for

# Django's views, held to the methods their pages use (the reset link's view would otherwise
# answer any method, and the form views PUT).
password_reset = require_http_methods(["GET", "POST"])(
    auth_views.PasswordResetView.as_view(
        template_name="authorities/password_reset.html",
        form_class=GovukPasswordResetForm,
        success_url=reverse_lazy("password_reset_done"),
    )
)
password_reset_done = require_GET(
    auth_views.PasswordResetDoneView.as_view(template_name="authorities/password_reset_done.html")
)
password_reset_confirm = require_http_methods(["GET", "POST"])(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="authorities/password_reset_confirm.html",
        form_class=GovukSetPasswordForm,
        success_url=reverse_lazy("password_reset_complete"),
    )
)
password_reset_complete = require_GET(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="authorities/password_reset_complete.html"
    )
)


@require_http_methods(["GET", "POST"])
@login_required
def choose_authority_view(request):
    memberships = memberships_for(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: redirect() would take 'children' or '²' for a view name.
    if (
        not next_url.startswith("/")
        or has_hidden_characters(next_url)
        or not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    ):
        next_url = ""
    error = None
    if request.method == "POST":
        try:
            authority_id = int(request.POST.get("authority", ""))
        except ValueError:
            error = "Select the authority you want to work in"
        else:
            membership = choose_authority(request, authority_id)
            messages.success(request, f"You are now working in {membership.authority.name}")
            return HttpResponseRedirect(next_url) if next_url else redirect("home")
    return render(
        request,
        "authorities/choose_authority.html",
        {"memberships": memberships, "next": next_url, "error": error},
        status=400 if error else 200,
    )


@require_GET
@requires("user.manage")
def users(request):
    memberships = request.authority.memberships.select_related("user").order_by(
        "-is_active", "user__full_name"
    )
    return render(request, "authorities/users.html", {"memberships": memberships})


@require_http_methods(["GET", "POST"])
@requires("user.manage")
def user_add(request):
    form = AddUserForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                request.authority, by=request.user, **form.cleaned_data
            )
        except services.MembershipError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, f"{membership.user.full_name} can now use {request.authority.name}"
            )
            return redirect("users")
    return render(
        request, "authorities/user_add.html", {"form": form}, status=400 if form.errors else 200
    )


def _membership(request, pk):
    return get_or_404(request.authority.memberships.select_related("user"), pk=pk)


@require_http_methods(["GET", "POST"])
@requires("user.manage")
def user_edit(request, pk):
    membership = _membership(request, pk)
    form = ChangeRoleForm(
        form_data(request), initial={"role": membership.role, "version": membership.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                membership,
                role=form.cleaned_data["role"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.MembershipError as error:
            form.add_error(error.field, error.message)
        except ConflictError as error:
            # Keep the admin's choice, show what the other person saved, and let them decide.
            chosen = form.cleaned_data["role"]
            current = membership = error.current
            conflict = differences(
                [
                    (
                        "Role",
                        current.get_role_display()
                        + ("" if current.is_active else " (deactivated)"),
                        Role(chosen).label,
                    )
                ]
            )
            form = ChangeRoleForm(data={"role": chosen, "version": current.version})
            form.is_valid()
            form.add_error(
                "role", "Someone else changed this person's access while you were editing"
            )
        else:
            messages.success(
                request,
                f"{membership.user.full_name}'s role is now {membership.get_role_display()}",
            )
            return redirect("users")
    return render(
        request,
        "authorities/user_edit.html",
        {
            "membership": membership,
            "form": form,
            "status_form": MembershipStatusForm(initial={"version": membership.version}),
            "conflict": conflict,
            "two_factor_set_up": authenticator_for(membership.user) is not None,
        },
        status=409 if conflict else 400 if form.errors else 200,
    )


def _change_access(request, pk, change):
    """A button on a person's access page: ``change(membership, expected_version)`` is the
    service call. Returns the membership when it was made, or the response explaining why not
    (the page was out of date, someone else changed it, or the service refused)."""
    membership = _membership(request, pk)
    form = MembershipStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date. Check the person's access and try again")
        return redirect("user-edit", pk=membership.pk)
    try:
        change(membership, form.cleaned_data["version"])
    except services.MembershipError as error:
        messages.error(request, error.message)
        return redirect("user-edit", pk=membership.pk)
    except ConflictError:
        messages.error(
            request,
            "Someone else changed this person's access while you were looking. Check it and try again",
        )
        return redirect("user-edit", pk=membership.pk)
    return membership


@require_POST
@requires("user.manage")
def user_set_active(request, pk, active):
    membership = _change_access(
        request,
        pk,
        lambda membership, version: services.membership_set_active(
            membership, active=active, expected_version=version, by=request.user
        ),
    )
    if isinstance(membership, HttpResponseRedirect):
        return membership
    verb = "can use" if active else "can no longer use"
    messages.success(request, f"{membership.user.full_name} {verb} {request.authority.name}")
    return redirect("users")


@require_POST
@requires("user.manage")
def user_reset_two_factor(request, pk):
    """For someone who lost their authenticator and recovery codes: they set it up again at
    their next sign-in, and every session they have now ends."""
    membership = _change_access(
        request,
        pk,
        lambda membership, version: services.two_factor_reset(
            membership, expected_version=version, by=request.user
        ),
    )
    if isinstance(membership, HttpResponseRedirect):
        return membership
    messages.success(
        request,
        f"{membership.user.full_name} will set up two-factor sign-in again the next time they sign in",
    )
    return redirect("user-edit", pk=membership.pk)
