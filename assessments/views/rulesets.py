"""Rule set versions (admins copy, edit, preview and activate them) and caseload replays
(managers compare a draft with the active rules across the whole caseload)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.exports import csv_response
from valuing_send.core.forms import form_data
from valuing_send.core.locking import ConflictError
from valuing_send.core.workflow import TransitionRefused

from .. import recommendations, replays, rulesets
from ..forms import ReplayChangesFilterForm, RuleSetNumbersForm, RuleSetYamlForm
from ..models import AssessmentStatus
from ..rules import RulesetError
from ..rules.codes import CLASSIFICATION_CODES, TIER_CODES

PREVIEW_CASES = 20


def _version(request, pk):
    return get_or_404(
        rulesets.visible_rule_sets(request.authority).select_related("created_by", "based_on"),
        pk=pk,
    )


def _own_draft(request, pk):
    return get_or_404(request.authority.rule_sets.select_related("created_by"), pk=pk)


@require_GET
@requires("ruleset.view")
def ruleset_list(request):
    versions = list(rulesets.visible_rule_sets(request.authority).select_related("created_by"))
    return render(
        request,
        "assessments/ruleset_list.html",
        {
            "own": [v for v in versions if not v.is_shipped],
            "shipped": [v for v in versions if v.is_shipped],
            "active": rulesets.active_rule_set(request.authority),
        },
    )


@require_GET
@requires("ruleset.view")
def ruleset_detail(request, pk):
    version = _version(request, pk)
    active = rulesets.active_rule_set(request.authority)
    rules = version.ruleset
    return render(
        request,
        "assessments/ruleset_detail.html",
        {
            "version": version,
            "rules": rules,
            "points_rows": list(zip(rules.domains, rules.points, strict=True)),
            "band_rows": [(band, rules.top_up[band.number]) for band in rules.bands],
            "tier_rules": rulesets.tier_rules_in_words(version),
            "active": active,
            "is_active": version.pk == active.pk,
            "editable": rulesets.editable(version) and version.authority_id == request.authority.pk,
            "used": rulesets.is_used(version),
            "replays": list(
                request.authority.replays.filter(draft=version).select_related("requested_by")[:10]
            ),
        },
    )


@require_POST
@requires("ruleset.manage")
def ruleset_copy(request, pk):
    source = _version(request, pk)
    draft = rulesets.ruleset_copy(source, request.authority, by=request.user)
    messages.success(
        request, f"Draft {draft.version} has been made from {source.name} {source.version}"
    )
    return redirect("ruleset-detail", pk=draft.pk)


def _cannot_change(request, version):
    messages.error(
        request,
        "This version cannot change because it is in use or no longer a draft. Copy it to make a new draft",
    )
    return redirect("ruleset-detail", pk=version.pk)


def _problems(error: RulesetError):
    return [f"{problem.key_path}: {problem.problem}" for problem in error.errors]


@require_http_methods(["GET", "POST"])
@requires("ruleset.manage")
def ruleset_edit_yaml(request, pk):
    version = _own_draft(request, pk)
    if not rulesets.editable(version):
        return _cannot_change(request, version)
    form = RuleSetYamlForm(
        form_data(request),
        request.FILES or None,
        initial={"yaml_text": version.yaml_text, "row_version": version.row_version},
    )
    problems, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rulesets.ruleset_update_yaml(
                    version,
                    form.cleaned_data["yaml_text"],
                    expected_row_version=form.cleaned_data["row_version"],
                    by=request.user,
                )
            except RulesetError as error:
                problems = _problems(error)
                form.add_error(
                    "yaml_text",
                    f"The rules have {len(problems)} problem{'s' if len(problems) != 1 else ''}: nothing was saved",
                )
            except ConflictError:
                form.add_error(
                    "yaml_text",
                    "Someone else saved this draft while you were editing. Copy your text, reload the page and apply your changes again",
                )
                status = 409
            except rulesets.RuleSetLocked as error:
                messages.error(request, str(error))
                return redirect("ruleset-detail", pk=version.pk)
            else:
                messages.success(request, "The rules have been checked and saved")
                return redirect("ruleset-detail", pk=version.pk)
    return render(
        request,
        "assessments/ruleset_edit_yaml.html",
        {"form": form, "version": version, "problems": problems},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires("ruleset.manage")
def ruleset_edit_numbers(request, pk):
    version = _own_draft(request, pk)
    if not rulesets.editable(version):
        return _cannot_change(request, version)
    numbers = rulesets.numbers_of(version)
    initial = {"row_version": version.row_version}
    initial.update({f"points_{level}": value for level, value in enumerate(numbers["points"])})
    for band in numbers["bands"]:
        initial[f"band_{band['number']}_min"] = band["min_points"]
        top_up = numbers["top_up"].get(
            band["number"], numbers["top_up"].get(str(band["number"]), {})
        )
        initial[f"band_{band['number']}_top_up"] = top_up.get("mainstream")
    form = RuleSetNumbersForm(form_data(request), bands=numbers["bands"], initial=initial)
    problems, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rulesets.ruleset_update_numbers(
                    version,
                    points=form.points(),
                    band_minimums=form.band_minimums(),
                    mainstream_top_ups=form.mainstream_top_ups(),
                    expected_row_version=form.cleaned_data["row_version"],
                    by=request.user,
                )
            except RulesetError as error:
                problems = _problems(error)
            except ConflictError:
                problems = [
                    "Someone else saved this draft while you were editing: reload the page to see their figures"
                ]
                status = 409
            else:
                messages.success(request, "The figures have been checked and saved")
                return redirect("ruleset-detail", pk=version.pk)
    return render(
        request,
        "assessments/ruleset_edit_numbers.html",
        {
            "form": form,
            "version": version,
            "problems": problems,
            "point_fields": [form[f"points_{level}"] for level in range(5)],
            "band_fields": [
                (
                    band["name"],
                    [form[f"band_{band['number']}_min"], form[f"band_{band['number']}_top_up"]],
                )
                for band in numbers["bands"]
            ],
        },
        status=status,
    )


@require_POST
@requires("ruleset.manage")
def ruleset_activate(request, pk):
    version = _own_draft(request, pk)
    try:
        rulesets.ruleset_activate(version, by=request.user)
    except rulesets.RuleSetLocked as error:
        messages.error(request, str(error))
    except RulesetError as error:
        messages.error(
            request,
            f"This version does not validate, so it cannot be activated: {_problems(error)[0]}",
        )
    else:
        messages.success(
            request,
            f"{version.name} {version.version} is now the active rule set. New recommendations use it",
        )
    return redirect("ruleset-detail", pk=version.pk)


@require_GET
@requires("ruleset.view")
def ruleset_preview(request, pk):
    """The most recent complete profiles, worked out under this version and the active one."""
    version = _version(request, pk)
    active = rulesets.active_rule_set(request.authority)
    assessments = list(
        request.authority.assessments.filter(status=AssessmentStatus.COMPLETE)
        .select_related("child", "setting", "framework")
        .prefetch_related("ratings")
        .order_by("-completed_at", "-pk")[:PREVIEW_CASES]
    )
    cases = []
    for assessment in assessments:
        ratings = list(assessment.ratings.all())
        before = recommendations.recommend(assessment, active, ratings)
        after = recommendations.recommend(assessment, version, ratings)
        cases.append({"assessment": assessment, "before": before, "after": after})
    return render(
        request,
        "assessments/ruleset_preview.html",
        {"version": version, "active": active, "cases": cases},
    )


# ----- Replays -----


@require_POST
@requires("replay.run")
def replay_start(request, pk):
    version = _version(request, pk)
    active = rulesets.active_rule_set(request.authority)
    if version.pk == active.pk:
        messages.error(
            request,
            "This is the active rule set: choose a draft or another version to compare with it",
        )
        return redirect("ruleset-detail", pk=version.pk)
    run = replays.replay_start(request.authority, version, by=request.user)
    return redirect("replay-detail", pk=run.pk)


def _run(request, pk):
    return get_or_404(
        request.authority.replays.select_related("draft", "baseline", "requested_by"), pk=pk
    )


@require_GET
@requires("replay.run")
def replay_detail(request, pk):
    run = _run(request, pk)
    context = {"run": run, "rows": _summary_rows(run.summary) if run.summary else None}
    if request.htmx and not run.is_finished:
        return render(request, "assessments/replay_detail.html#progress", context)
    return render(request, "assessments/replay_detail.html", context)


def _summary_rows(summary):
    tiers = [
        {
            "code": code,
            "before": summary["tiers_before"].get(code, 0),
            "after": summary["tiers_after"].get(code, 0),
        }
        for code in TIER_CODES
    ]
    bands = sorted({*summary["bands_before"], *summary["bands_after"]}, key=int)
    band_rows = [
        {
            "band": band,
            "before": summary["bands_before"].get(band, 0),
            "after": summary["bands_after"].get(band, 0),
            "cost_before": summary["top_up_by_band_before"].get(band, 0),
            "cost_after": summary["top_up_by_band_after"].get(band, 0),
        }
        for band in bands
    ]
    classes = [
        {
            "code": code,
            "before": summary["classifications_before"].get(code, 0),
            "after": summary["classifications_after"].get(code, 0),
        }
        for code in CLASSIFICATION_CODES
    ]
    moves = [
        {"from": before, "to": after, "count": count}
        for before, targets in summary["tier_moves"].items()
        for after, count in targets.items()
        if before != after
    ]
    total = summary["children"] or 1
    return {
        "tiers": tiers,
        "bands": band_rows,
        "classifications": classes,
        "moves": sorted(moves, key=lambda m: -m["count"]),
        "mainstream_before_pct": round(100 * summary["mainstream_before"] / total, 1),
        "mainstream_after_pct": round(100 * summary["mainstream_after"] / total, 1),
        "cost_change": summary["top_up_after"] - summary["top_up_before"],
    }


@require_GET
@requires("replay.run")
def replay_changes(request, pk):
    """The children whose recommendation changes, filterable by tier move."""
    run = _run(request, pk)
    form = ReplayChangesFilterForm(request.GET or None)
    filters = form.filters()
    if filters is None:  # an address the form does not make: say so, list nothing
        return render(
            request, "assessments/replay_changes.html", {"run": run, "form": form}, status=400
        )
    changes = run.changes.select_related("child").order_by(
        "child__last_name", "child__first_name", "pk"
    )
    if filters.get("from"):
        changes = changes.filter(tier_before=filters["from"])
    if filters.get("to"):
        changes = changes.filter(tier_after=filters["to"])
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/replay_changes.html",
        {"run": run, "form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
@requires("replay.run")
def replay_csv(request, pk):
    run = _run(request, pk)
    header = [
        "child_id",
        "first_name",
        "last_name",
        "upn",
        "tier_before",
        "tier_after",
        "band_before",
        "band_after",
        "top_up_before",
        "top_up_after",
        "mainstream_before",
        "mainstream_after",
        "classification_before",
        "classification_after",
    ]
    changes = run.changes.select_related("child").order_by("pk").iterator(chunk_size=2000)
    rows = (
        [
            change.child.pk,
            change.child.first_name,
            change.child.last_name,
            change.child.upn,
            change.tier_before,
            change.tier_after,
            change.band_before,
            change.band_after,
            change.top_up_before,
            change.top_up_after,
            change.mainstream_before,
            change.mainstream_after,
            change.classification_before,
            change.classification_after,
        ]
        for change in changes
    )
    return csv_response(f"replay-{run.pk}-changes.csv", header, rows)


@require_POST
@requires("replay.run")
def replay_retry(request, pk):
    """Queue a failed replay again."""
    run = _run(request, pk)
    try:
        replays.replay_retry(run, by=request.user)
    except TransitionRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The replay has been queued again")
    return redirect("replay-detail", pk=run.pk)
