"""Indicator pages: thin views over the request-free presenters (``presenters.py``,
``national.py``, ``headline.py``…). Every table a page shows downloads as CSV or XLSX with the
page's own query plus ``export=<table>&format=csv|xlsx``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valuing_send.authorities.permissions import can
from valuing_send.authorities.tenancy import requires
from valuing_send.core import exports
from valuing_send.core.cache import cached_fragment, fragment_key
from valuing_send.core.forms import form_data, resubmitted
from valuing_send.core.locking import ConflictError

from . import (
    ambitions,
    charts,
    drilldown,
    forms,
    headline_page,
    national,
    presenters,
    projection,
    registry,
)
from .models import SnapshotTrigger


def _tables(context) -> dict[str, charts.Table]:
    """Every table in a page's context, by key: charts' tables and plain tables, however
    deeply the context nests them."""
    found: dict[str, charts.Table] = {}

    def visit(value, depth=0):
        if depth > 6:
            return
        if isinstance(value, charts.Table):
            found.setdefault(value.key, value)
        elif hasattr(value, "table") and isinstance(getattr(value, "table", None), charts.Table):
            found.setdefault(value.table.key, value.table)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item, depth + 1)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item, depth + 1)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                visit(getattr(value, name), depth + 1)

    visit(context)
    return found


def render_or_export(request, template: str, context: dict, *, filename: str):
    """Render the page, or, with ``export`` and ``format`` in the query, download one of its
    tables with exactly the figures the page shows."""
    key = request.GET.get("export")
    if key:
        table = _tables(context).get(key)
        if table is None:
            raise Http404("No such table on this page")
        fmt = request.GET.get("format", "csv")
        if fmt not in ("csv", "xlsx"):
            raise Http404("Unknown format")
        return exports.table_response(
            f"{filename}-{key}", table.headings, table.values(), fmt=fmt, title=table.caption
        )
    return render(request, template, context)


def _period(request, authority):
    form = forms.PeriodForm(authority, request.GET)
    return form, form.chosen()


def refused(request, form, title: str):
    """A query the page does not offer (only a hand-made address gets here): the error
    summary and no figures, never figures that look as if the choice was applied."""
    return render(request, "indicators/refused.html", {"form": form, "title": title}, status=400)


@require_GET
@requires("indicators.view")
def dashboard(request):
    form, period = _period(request, request.authority)
    if form.errors:
        return refused(request, form, "How the local system is doing")
    context = presenters.dashboard_frame(request.authority, period=period, periods=form.periods)
    context["period_form"] = form
    context["tiles_html"] = _dashboard_tiles_html(request, context)
    return render_or_export(request, "indicators/dashboard.html", context, filename="indicators")


def _dashboard_tiles_html(request, frame) -> str:
    """The dashboard's period choice, comparators and tiles as HTML, kept per run of the
    figures: a run's rows never change (a recompute stores a new run, so a new key), nor do the
    published figures within one version of them. Also keyed by the periods offered, the one
    asked for, the comparators and whether the reader may see the children behind a figure
    (the tiles' only difference between roles). Aggregate figures only: no child is named on
    the dashboard."""
    form, chosen, comparators = frame["period_form"], frame["period"], frame["comparators"]
    may_drill = can(request.membership, "indicators.children")
    inputs = (
        frame["periods"],
        chosen,
        form.data.get("period") if form.is_bound else None,
        comparators.version,
        comparators.basis,
        [(area.code, area.name) for area in comparators.areas],
        may_drill,
    )

    def render() -> str:
        groups = presenters.dashboard_groups(request.authority, chosen, comparators)
        return render_to_string(
            "indicators/dashboard.html#tiles",
            frame | {"groups": groups, "membership": request.membership},
        )

    return cached_fragment(fragment_key("dashboard-tiles", request.authority.pk, inputs), render)


@require_GET
@requires("indicators.view")
def group(request, slug):
    names = {value: key for key, value in registry.GROUP_SLUGS.items()}
    if slug not in names:
        raise Http404("No such question group")
    if names[slug] == registry.VALUING_SEND:
        return redirect("valuing-send")
    form, period = _period(request, request.authority)
    if form.errors:
        return refused(request, form, names[slug])
    context = presenters.group_context(
        request.authority, names[slug], period=period, periods=form.periods
    )
    context["period_form"] = form
    return render_or_export(request, "indicators/group.html", context, filename=slug)


@require_GET
@requires("indicators.view")
def detail(request, slug):
    indicator = registry.BY_SLUG.get(slug)
    if indicator is None:
        raise Http404("No such indicator")
    form, period = _period(request, request.authority)
    if form.errors:
        return refused(request, form, indicator.title)
    may_drill = can(request.membership, "indicators.children")
    context = presenters.indicator_context(
        request.authority, indicator, period=period, drill=may_drill, periods=form.periods
    )
    context["period_form"] = form
    return render_or_export(request, "indicators/indicator.html", context, filename=slug)


@require_GET
@requires("indicators.children")
def children(request):
    form = forms.DrillForm(request.authority, request.GET)
    if not form.is_valid():
        return render(request, "indicators/children.html", {"form": form}, status=400)
    drill = form.cleaned_data
    sql, params = drilldown.children_sql(
        request.authority,
        drill["indicator"],
        drill["period"],
        drill["dimension"],
        drill["category"],
    )
    found = (
        request.authority.children.filter(pk__in=RawSQL(sql, params))
        .select_related("current_setting")
        .order_by("last_name", "first_name", "pk")
    )
    context = {"form": form, "drill": drill, "description": drilldown.describe(drill)}
    if request.GET.get("export"):
        fmt = request.GET.get("format", "csv")
        if fmt not in ("csv", "xlsx"):
            raise Http404("Unknown format")
        return exports.table_response(
            f"children-{drill['indicator'].slug}",
            drilldown.EXPORT_HEADINGS,
            drilldown.export_rows(found),
            fmt=fmt,
            title=context["description"],
        )
    context["page"] = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "indicators/children.html", context)


@require_POST
@requires("indicators.recompute")
def recompute(request):
    from valuing_send.celery import enqueue_on_commit

    from .tasks import recompute_authority

    enqueue_on_commit(recompute_authority, request.authority.pk, SnapshotTrigger.MANUAL)
    messages.success(
        request,
        "The indicators are being worked out again. The figures update when it finishes, "
        "usually within a minute.",
    )
    return redirect("indicator-dashboard")


@require_GET
@requires("indicators.national")
def national_table(request):
    form = forms.SortForm(request.GET)
    if form.errors:
        return refused(request, form, "Every English authority compared")
    sort, descending = form.chosen()
    context = national.national_table(sort=sort, descending=descending)
    context["form"] = form
    return render_or_export(
        request, "indicators/national_table.html", context, filename="authorities"
    )


@require_GET
@requires("indicators.national")
def national_ranking(request):
    form = forms.WeightsForm(request.GET)
    weights, method = form.weights()
    context = national.ranking_context(weights, method)
    context["form"] = form
    if form.errors:
        # The form again with its errors, and no ranking that looks as if it used them.
        context.pop("table")
        return render(request, "indicators/national_ranking.html", context, status=400)
    return render_or_export(
        request, "indicators/national_ranking.html", context, filename="ranking"
    )


@require_GET
@requires("indicators.national")
def national_authority(request, code):
    area = national.authority_area(code)
    if area is None:
        raise Http404("No such published authority")
    context = national.authority_context(area)
    return render_or_export(
        request, "indicators/national_authority.html", context, filename=f"authority-{code}"
    )


@require_GET
@requires("indicators.view")
def valuing_send(request):
    form, period = _period(request, request.authority)
    if form.errors:
        return refused(request, form, "Valuing SEND: what the needs show")
    context = headline_page.headline_context(request.authority, period=period)
    context["period_form"] = form
    return render_or_export(
        request, "indicators/valuing_send.html", context, filename="valuing-send"
    )


@require_GET
@requires("indicators.view")
def ambitions_scorecard(request):
    form, period = _period(request, request.authority)
    if form.errors:
        return refused(request, form, "The 10 system ambitions")
    context = ambitions.scorecard_context(request.authority, period=period)
    context["period_form"] = form
    return render_or_export(request, "indicators/ambitions.html", context, filename="ambitions")


@require_http_methods(["GET", "POST"])
@requires("indicators.targets")
def ambition_target(request, number, slug):
    ambition = ambitions.BY_NUMBER.get(number)
    indicator = registry.BY_SLUG.get(slug)
    if ambition is None or indicator is None or indicator.id not in ambition.indicators:
        raise Http404("No such ambition indicator")
    existing = request.authority.ambition_targets.filter(
        ambition=number, indicator=indicator.id
    ).first()
    initial = {
        "target": existing.target if existing else None,
        "note": existing.note if existing else "",
        "version": existing.version if existing else 0,
    }
    form = forms.TargetForm(form_data(request), indicator=indicator, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            ambitions.target_set(
                request.authority,
                number,
                indicator.id,
                form.cleaned_data["target"],
                form.cleaned_data["note"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            # Both targets shown; saving again is a deliberate choice to keep this one.
            conflict = error.current
            form = forms.TargetForm(
                resubmitted(request.POST, conflict.version if conflict else 0),
                indicator=indicator,
            )
            form.is_valid()
        else:
            messages.success(request, f"Target saved for “{indicator.title}”.")
            return redirect("ambitions")
    status = 409 if conflict is not None else 400 if form.errors else 200
    return render(
        request,
        "indicators/ambition_target.html",
        {
            "ambition": ambition,
            "indicator": indicator,
            "form": form,
            "existing": existing,
            "conflict": conflict,
        },
        status=status,
    )


@require_GET
@requires("indicators.view")
def projection_page(request):
    form = forms.ScenarioForm(request.GET)
    if form.errors:
        return render(
            request,
            "indicators/projection.html",
            {"form": form, "authority": request.authority, "refused": True},
            status=400,
        )
    context = projection.projection_context(request.authority, form.scenario())
    context["form"] = form
    return render_or_export(request, "indicators/projection.html", context, filename="projection")
