"""The settings register: every role can look; authority admins maintain it."""

import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from assessments.services import current_framework
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.forms import form_data, resubmitted
from valuing_send.core.locking import ConflictError, differences

from . import services as register

PAGE_SIZE = 50


def _domains():
    return current_framework().definition.domains


@require_GET
@requires("setting.view")
def setting_list(request):
    form = register.SettingFilterForm(request.GET or None)
    filters = form.filters()
    context = {"form": form, "filtered": bool(filters and any(filters.values()))}
    if filters is None:  # an address the form does not make: say so, list nothing
        return render(request, "authorities/setting_list.html", context, status=400)
    settings = (
        register.settings_matching(request.authority, filters)
        .prefetch_related("capabilities")
        .annotate(placed=Count("children", distinct=True))
    )
    page = Paginator(settings.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    domain_codes = [domain.code for domain in _domains()]
    rows = [(setting, register.readiness_of(setting, domain_codes)) for setting in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context.update({"page": page, "rows": rows, "query": query.urlencode()})
    return render(request, "authorities/setting_list.html", context)


def _setting(request, pk):
    return get_or_404(request.authority.settings_register.prefetch_related("capabilities"), pk=pk)


@require_GET
@requires("setting.view")
def setting_detail(request, pk):
    setting = _setting(request, pk)
    domains = _domains()
    capabilities = setting.capability_map()
    rows = [{"domain": domain, "level": capabilities.get(domain.code)} for domain in domains]
    return render(
        request,
        "authorities/setting_detail.html",
        {
            "setting": setting,
            "rows": rows,
            "readiness": register.readiness_of(setting, [d.code for d in domains]),
            "strong_domains": sum(1 for row in rows if (row["level"] or 0) >= 3),
            "placed": setting.children.count(),
            "missing": sum(1 for row in rows if row["level"] is None),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("setting.manage")
def setting_create(request):
    form = register.SettingForm(form_data(request), authority=request.authority)
    if request.method == "POST" and form.is_valid():
        setting = register.setting_create(request.authority, form.cleaned_data, by=request.user)
        messages.success(
            request, f"{setting.name} has been added. Now record what it can meet in each domain"
        )
        return redirect("setting-capabilities", pk=setting.pk)
    return render(
        request,
        "authorities/setting_form.html",
        {"form": form, "setting": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("setting.manage")
def setting_edit(request, pk):
    setting = _setting(request, pk)
    # The form works on a copy: the page's heading names the setting as saved, not as typed.
    form = register.SettingForm(
        form_data(request), authority=request.authority, instance=copy.copy(setting)
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            register.setting_update(
                setting,
                form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ConflictError as error:
            conflict = True
            setting = error.current
            form = register.SettingForm(
                resubmitted(request.POST, setting.version),
                authority=request.authority,
                instance=_setting(request, pk),
            )
            form.is_valid()
        else:
            messages.success(request, f"{setting.name} has been saved")
            return redirect("setting-detail", pk=setting.pk)
    return render(
        request,
        "authorities/setting_form.html",
        {"form": form, "setting": setting, "conflict": conflict},
        status=409 if conflict else 400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("setting.manage")
def setting_capabilities(request, pk):
    setting = _setting(request, pk)
    domains = _domains()
    initial = {"version": setting.version, **setting.capability_map()}
    form = register.CapabilityForm(form_data(request), domains=domains, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            register.setting_set_capabilities(
                setting,
                form.levels(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ConflictError as error:
            current = _setting(request, error.current.pk)
            theirs = current.capability_map()
            conflict = differences(
                ((d.name, theirs.get(d.code), form.cleaned_data[d.code]) for d in domains),
                show=lambda level: f"Up to level {level}",
            )
            if not conflict:  # they saved exactly what this admin chose: nothing to resolve
                messages.success(request, f"What {setting.name} can meet has been saved")
                return redirect("setting-detail", pk=setting.pk)
            form = register.CapabilityForm(
                resubmitted(request.POST, current.version), domains=domains
            )
            form.is_valid()
        else:
            messages.success(request, f"What {setting.name} can meet has been saved")
            return redirect("setting-detail", pk=setting.pk)
    return render(
        request,
        "authorities/setting_capabilities.html",
        {"form": form, "setting": setting, "conflict": conflict},
        status=409 if conflict is not None else 400 if form.errors else 200,
    )
