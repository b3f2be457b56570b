from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from valuing_send.audit import audit_read, record
from valuing_send.audit.models import Action
from valuing_send.authorities import choices
from valuing_send.authorities.permissions import can
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.cache import KeptReads, cached_fragment, fragment_key
from valuing_send.core.forms import form_data, resubmitted
from valuing_send.core.locking import ConflictError, differences
from valuing_send.core.templatetags.kept_urls import reverse_once

from .. import presenters, queries, services
from ..forms import ChildFilterForm, ChildForm
from ..models import AssessmentStatus

PAGE_SIZE = 25


def _child(request, pk):
    return get_or_404(
        request.authority.children.select_related("current_setting", "caseworker"), pk=pk
    )


class _CountedPaginator(Paginator):
    """A paginator told the total (the unfiltered list's count is kept per authority)."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


@require_GET
@requires("child.view")
def child_list(request):
    authority = request.authority
    fragment_inputs = _filters_inputs(request.GET)
    filters_key = fragment_key("children-filters", authority.pk, fragment_inputs)
    # What the list keeps in the cache, read in one round trip: the caseworkers offered, the
    # children's count and the filter form.
    reads = KeptReads(
        [
            choices.key("caseworkers", authority.pk),
            queries.children_count_key(authority.pk),
            filters_key,
        ]
    )
    caseworkers = queries.caseworker_choices(authority, reads=reads)
    # Nothing asked: no form to check, and its HTML is kept (made in _filters_html if not).
    form = _filter_form(request, caseworkers) if request.GET else None
    filters = form.filters() if form is not None else {}
    if filters is None:
        # Only a hand-made address gets here (the form offers no such values). The error
        # summary says what is wrong; no list is shown, so nothing looks filtered that is not.
        if request.htmx:
            return HttpResponse(headers={"HX-Redirect": request.get_full_path()})
        return render(request, "assessments/child_list.html", {"form": form}, status=400)
    used = queries.filters_used(filters)
    filtered = bool(used)
    if filtered:
        # Which filters were used, never what was typed (a name is personal data).
        record(
            Action.SEARCH,
            object_type="assessments.child",
            authority_id=request.authority.pk,
            description="Searched or filtered the children list",
            fields=used,
        )
    children = queries.children_matching(request.authority, filters, user=request.user)
    paginator = (
        Paginator(children, PAGE_SIZE)
        if filtered
        else _CountedPaginator(
            children, PAGE_SIZE, count=queries.children_count(authority, reads=reads)
        )
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filters_html": _filters_html(
            request, form, caseworkers, filtered, fragment_inputs, filters_key, reads
        ),
        "page": page,
        "rows": presenters.child_rows(page.object_list, by_review=bool(filters.get("review"))),
        # Page numbers, None for a gap (Django's marker is a translated string, compared by
        # translating it once per number).
        "page_range": [
            number if isinstance(number, int) else None
            for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ],
        "query": query.urlencode(),
        "filtered": filtered,
        "by_review": bool(filters.get("review")),
    }
    template = (
        "assessments/child_list.html#results"
        if request.htmx and request.htmx.target == "results"
        else "assessments/child_list.html"
    )
    return render(request, template, context)


# What the kept filter form holds in place of a search's text (replaced on every request).
SEARCH_STAND_IN = "search-text-stand-in-5f0c2e"


def _filters_inputs(query) -> tuple:
    """What the kept filter form is keyed by: the values chosen, with any search text left out
    (it is put in on each request), and whether there is one."""
    searching = bool(query.get("q", "").strip())
    values = sorted(
        (name, "" if name == "q" and searching else query.get(name, ""))
        for name in ChildFilterForm.NAMES
        if query
    )
    return values, searching


def _filter_form(request, caseworkers) -> ChildFilterForm:
    return ChildFilterForm(
        request.GET or None,
        authority=request.authority,
        caseworker_choices=caseworkers,
        suggestions_url=reverse_once("child-list-setting-suggestions"),
    )


def _filters_html(request, form, caseworkers, filtered: bool, inputs: tuple, key, reads) -> str:
    """The filter form as HTML, rendered once per authority, caseworker list and choice of
    filters, and kept in the cache (its fields were a third of the children list's render).
    What was typed in the search box may be a child's name, so it is never kept: the form is
    kept with a stand-in for it, replaced here by the text typed, escaped as the field escapes
    its value. ``form``: None when nothing was asked."""
    _, searching = inputs
    typed = form.data.get("q", "") if searching else ""

    def render() -> str:
        shown = form if form is not None else _filter_form(request, caseworkers)
        if searching:
            data = form.data.copy()
            data["q"] = SEARCH_STAND_IN
            shown = ChildFilterForm(
                data,
                authority=form.authority,
                caseworker_choices=form.caseworker_choices,
                suggestions_url=form.suggestions_url,
            )
        return render_to_string(
            "assessments/child_list.html#filters", {"form": shown, "filtered": filtered}
        )

    html = cached_fragment(key, render, depends_on=(caseworkers, filtered), reads=reads)
    return mark_safe(html.replace(SEARCH_STAND_IN, escape(typed))) if searching else html


@require_GET
@requires("child.view")
def setting_suggestions(request):
    """What the children list's setting filter suggests as one types (JSON, at most 10)."""
    text = request.GET.get("q", "")[:200]
    return JsonResponse({"results": queries.setting_suggestions(request.authority, text)})


@require_GET
@requires("child.view")
def child_detail(request, pk):
    child = _child(request, pk)
    audit_read(request, child)
    # The history, newest first, gives the current profile and the one before it too.
    assessments = list(queries.child_assessments(child))
    latest = next((a for a in assessments if a.status == AssessmentStatus.COMPLETE), None)
    draft = next((a for a in assessments if a.status == AssessmentStatus.DRAFT), None)
    context = {
        "child": child,
        "assessments": assessments,
        "history_rows": presenters.history_rows(assessments),
        "latest": latest,
        "draft": draft,
        # The child's cases, newest first, read here (not by the template) and only for a role
        # that may see them.
        "cases": (
            list(child.panel_cases.all()) if can(request.membership, "panelcase.view") else None
        ),
    }
    if latest is not None:
        latest.child = child
        context.update(presenters.profile_context(request.authority, latest, history=assessments))
        context.update(presenters.recommendation_context(request.authority, latest))
    return render(request, "assessments/child_detail.html", context)


@require_http_methods(["GET", "POST"])
@requires("child.edit")
def child_create(request):
    form = ChildForm(form_data(request), authority=request.authority)
    if request.method == "POST" and form.is_valid():
        child = services.child_create(request.authority, form.cleaned_data, by=request.user)
        messages.success(request, f"{child.full_name} has been added")
        return redirect("child-detail", pk=child.pk)
    return render(
        request,
        "assessments/child_form.html",
        {"form": form, "child": None},
        status=400 if form.errors else 200,
    )


def _initial(child) -> dict:
    initial = {name: getattr(child, name) for name in services.CHILD_FIELDS}
    initial["current_setting"] = child.current_setting_id
    initial["caseworker"] = child.caseworker_id
    initial["version"] = child.version
    return initial


@require_http_methods(["GET", "POST"])
@requires("child.edit")
def child_edit(request, pk):
    child = _child(request, pk)
    if request.method == "GET":
        audit_read(request, child, description="Opened the child's record to change it")
    form = ChildForm(
        form_data(request), authority=request.authority, child=child, initial=_initial(child)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(
                child,
                form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ConflictError as error:
            conflict = _changed_fields(form, error.current)
            child = error.current
            form = ChildForm(
                resubmitted(request.POST, child.version), authority=request.authority, child=child
            )
            form.is_valid()
        else:
            messages.success(request, f"{child.full_name}'s details have been saved")
            return redirect("child-detail", pk=child.pk)
    status = 409 if conflict is not None else 400 if form.errors else 200
    return render(
        request,
        "assessments/child_form.html",
        {"form": form, "child": child, "conflict": conflict},
        status=status,
    )


def _changed_fields(form, current) -> list:
    """Where the record saved by someone else differs from what this user is saving."""
    return differences(
        (
            form.fields[name].label,
            getattr(current, name),
            form.cleaned_data.get(name),
            lambda value, field=form.fields[name]: _display(value, field),
        )
        for name in services.CHILD_FIELDS
        if name in form.fields
    )


def _display(value, field) -> str:
    choices = dict(getattr(field, "choices", []) or [])
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(choices.get(value, choices.get(str(value), value)))
