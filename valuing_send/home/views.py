from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments import queries
from valuing_send.authorities.models import ROLE_DESCRIPTIONS, Role
from valuing_send.authorities.tenancy import requires
from valuing_send.indicators.headline import valuing_send_headline


@require_GET
@requires("home.view")
def home(request):
    membership, authority = request.membership, request.authority
    context = {
        "role_description": ROLE_DESCRIPTIONS[membership.role],
        "today": timezone.localdate(),
    }
    if membership.role == Role.CASEWORKER:
        context["in_progress"] = queries.assessments_in_progress(authority, request.user)
        context["reviews"] = queries.review_counts(authority, request.user)
        context["caseload_count"] = authority.children.filter(caseworker=request.user).count()
    else:
        context["summary"] = valuing_send_headline(authority)
    return render(request, "core/home.html", context)
