from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments import queries
from valuing_send.authorities.models import ROLE_DESCRIPTIONS, Role
from valuing_send.authorities.tenancy import current_membership, memberships_for, requires

from . import system_checks


@require_GET
@login_required
def home(request):
    membership = current_membership(request)
    if membership is None:
        if memberships_for(request):
            return redirect("choose-authority")
        return render(request, "core/no_access.html", status=403)
    context = {
        "role_description": ROLE_DESCRIPTIONS[membership.role],
        "today": timezone.localdate(),
    }
    authority = membership.authority
    if membership.role == Role.CASEWORKER:
        context["in_progress"] = queries.assessments_in_progress(authority, request.user)
        context["reviews"] = queries.review_counts(authority, request.user)
        context["caseload_count"] = authority.children.filter(caseworker=request.user).count()
    else:
        context["summary"] = queries.caseload_summary(authority)
    return render(request, "core/home.html", context)


@require_GET
def accessibility(request):
    return render(request, "core/accessibility.html")


@require_GET
def privacy(request):
    return render(request, "core/privacy.html")


@require_GET
@requires("system.status")
def system_status(request):
    return render(request, "core/system_status.html", {"checks": system_checks.run_all()})
