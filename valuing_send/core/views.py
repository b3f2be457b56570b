from django.shortcuts import render
from django.views.decorators.http import require_GET

from valuing_send.authorities.tenancy import requires

from . import system_checks


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
