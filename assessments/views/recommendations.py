"""The rules' recommendation for an assessment: overrides beside it, recomputing under the
active rule set, and what the family sees."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valuing_send.audit import audit_read
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.forms import form_data

from .. import recommendations, rulesets, services
from ..forms import OverrideForm
from ..models import AssessmentStatus
from ..presenters import profile_context, recommendation_context
from .profile import _assessment


@require_http_methods(["GET", "POST"])
@requires("recommendation.override")
def override_create(request, pk):
    recommendation = get_or_404(
        request.authority.recommendations.select_related("assessment__child", "rule_set"), pk=pk
    )
    assessment = recommendation.assessment
    if request.method == "GET":
        audit_read(request, recommendation)
    form = OverrideForm(
        form_data(request),
        rule_set=recommendation.rule_set,
        initial={"tier": recommendation.tier, "band": recommendation.band},
    )
    if request.method == "POST" and form.is_valid():
        services.override_record(recommendation, by=request.user, **form.cleaned_data)
        messages.success(
            request, "Your decision and its reason have been recorded beside the recommendation"
        )
        return redirect("assessment-summary", pk=assessment.pk)
    return render(
        request,
        "assessments/override_form.html",
        {
            "form": form,
            "recommendation": recommendation,
            "assessment": assessment,
            "child": assessment.child,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@requires("recommendation.override")
def recommendation_refresh(request, pk):
    """Work the recommendation out again under the authority's active rule set."""
    assessment = _assessment(request, pk)
    if assessment.status == AssessmentStatus.DRAFT:
        messages.error(
            request, "A draft has no stored recommendation: complete the assessment first"
        )
    else:
        version = rulesets.active_rule_set(request.authority)
        recommendations.recommendation_store(assessment, version)
        messages.success(
            request,
            f"The recommendation has been worked out under {version.name} {version.version}",
        )
    return redirect("assessment-summary", pk=assessment.pk)


@require_GET
@requires("assessment.view")
def family_view(request, pk):
    """What the parent or carer will see: the profile and recommendation in plain language."""
    assessment = _assessment(request, pk)
    audit_read(request, assessment, description="Viewed what the family will see")
    context = {"assessment": assessment, "child": assessment.child}
    context.update(profile_context(request.authority, assessment))
    context.update(recommendation_context(request.authority, assessment))
    return render(request, "assessments/family_view.html", context)
