from django.shortcuts import render
from django.views.decorators.http import require_GET

from valuing_send.authorities.tenancy import requires

from ..framework import PHASE_KEYS
from ..models import NeedsFramework
from ..services import current_framework


@require_GET
@requires("framework.view")
def framework_detail(request):
    """The needs framework in use: every domain, level and descriptor, for reference."""
    try:
        framework = current_framework()
    except NeedsFramework.DoesNotExist:
        framework = None
    versions = list(NeedsFramework.objects.defer("content").order_by("-effective_from"))
    return render(
        request,
        "assessments/framework.html",
        {
            "framework": framework,
            "definition": framework.definition if framework else None,
            "versions": versions,
            "phases": PHASE_KEYS,
        },
    )
