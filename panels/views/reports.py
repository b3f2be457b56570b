"""Reports for managers: consistency of panel decisions."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from valuing_send.authorities.tenancy import requires

from .. import clocks, consistency
from ..forms import PeriodForm


@require_GET
@requires("consistency.view")
def consistency_report(request):
    today = timezone.localdate()
    default_start = clocks.add_months(today, -12) + datetime.timedelta(days=1)
    form = PeriodForm(request.GET or None)
    start, end = default_start, today
    if request.GET and form.is_valid():
        start = form.cleaned_data["start"] or default_start
        end = form.cleaned_data["end"] or today
    if not request.GET:
        form = PeriodForm(initial={"start": start, "end": end})
    figures = consistency.consistency(request.authority, start, end)
    return render(
        request,
        "panels/consistency.html",
        {"form": form, **figures},
        status=400 if request.GET and form.errors else 200,
    )
