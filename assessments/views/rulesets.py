"""Rule set versions (admins write, copy, edit, check, preview and activate them) and caseload
replays (managers compare a draft with the active rules across the whole caseload)."""

import contextlib

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valuing_send.audit import record as audit_record
from valuing_send.audit.models import Action
from valuing_send.authorities.tenancy import get_or_404, requires
from valuing_send.core.exports import csv_response
from valuing_send.core.forms import form_data
from valuing_send.core.locking import ConflictError
from valuing_send.core.workflow import TransitionRefused

from .. import recommendations, replays, rulesets
from ..forms import (
    ReplayChangesFilterForm,
    RuleSetActivateForm,
    RuleSetSchemeForm,
    RuleSetYamlForm,
    SchemeCheckForm,
    scheme_initial,
)
from ..models import AssessmentStatus
from ..rules import Profile, RulesetError, evaluate
from ..rules.codes import CLASSIFICATION_CODES, TIER_CODES
from ..rules.engine import figure_phrase
from ..rules.money import money

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
            "band_rows": rulesets.band_rows(rules),
            "left_out": rulesets.left_out_names(rules),
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


@require_GET
@requires("ruleset.view")
def ruleset_template(request):
    """The commented template for writing a scheme, as a file to download."""
    response = HttpResponse(rulesets.template_text(), content_type="text/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="banding-scheme-template.yaml"'
    return response


def _problems(error: RulesetError):
    return [str(problem) for problem in error.errors]


def _left_out(error: rulesets.LeftOutDomains):
    return (error.codes, error.names)


def _problem_count(problems) -> str:
    return f"The rules have {len(problems)} problem{'s' if len(problems) != 1 else ''}: nothing was saved"


@require_http_methods(["GET", "POST"])
@requires("ruleset.manage")
def ruleset_new(request):
    """Write a new scheme: from the commented template, typed in or uploaded, with its own id
    and name."""
    data = form_data(request)
    left_out = None
    form = RuleSetYamlForm(
        data,
        request.FILES or None,
        versioned=False,
        initial={"yaml_text": rulesets.template_text()},
    )
    problems, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            confirmed = tuple(request.POST.getlist("confirm_left_out"))
            try:
                draft = rulesets.ruleset_create(
                    request.authority,
                    form.cleaned_data["yaml_text"],
                    by=request.user,
                    confirmed_left_out=confirmed,
                )
            except RulesetError as error:
                problems = _problems(error)
                form.add_error("yaml_text", _problem_count(problems))
            except rulesets.LeftOutDomains as error:
                left_out = _left_out(error)
                form = _confirming(RuleSetYamlForm, request, left_out, versioned=False)
            else:
                messages.success(
                    request, f"{draft.name} {draft.version} has been checked and saved as a draft"
                )
                return redirect("ruleset-detail", pk=draft.pk)
    return render(
        request,
        "assessments/ruleset_new.html",
        {"form": form, "problems": problems, "left_out": left_out},
        status=status,
    )


def _confirming(form_class, request, left_out, **kwargs):
    """The same form, bound again, now asking to confirm the domains left out (its own
    validation shows which are not ticked yet)."""
    data = request.POST.copy()
    if request.FILES.get("upload"):
        # The upload was read once already: keep its text so the next post needs no file.
        request.FILES["upload"].seek(0)
        data["yaml_text"] = request.FILES["upload"].read().decode("utf-8", "replace")
    form = form_class(data, None, left_out=left_out, **kwargs)
    form.is_valid()
    return form


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
    problems, status, left_out = [], 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rulesets.ruleset_update_yaml(
                    version,
                    form.cleaned_data["yaml_text"],
                    expected_row_version=form.cleaned_data["row_version"],
                    by=request.user,
                    confirmed_left_out=tuple(request.POST.getlist("confirm_left_out")),
                )
            except RulesetError as error:
                problems = _problems(error)
                form.add_error("yaml_text", _problem_count(problems))
            except rulesets.LeftOutDomains as error:
                left_out = _left_out(error)
                form = _confirming(RuleSetYamlForm, request, left_out)
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
        {"form": form, "version": version, "problems": problems, "left_out": left_out},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires("ruleset.manage")
def ruleset_edit_scheme(request, pk):
    """The guided form: points per level, how money is published, and the bands (add, remove,
    rename, ranges and amounts). Everything else stays as it is."""
    version = _own_draft(request, pk)
    if not rulesets.editable(version):
        return _cannot_change(request, version)
    scheme = rulesets.scheme_of(version)
    data = form_data(request)
    band_count = len(scheme["bands"])
    if data is not None:
        with contextlib.suppress(ValueError):
            band_count = int(data.get("band_count", band_count))
        if "add_band" in data:
            # Show the answers so far with one more empty band; nothing is saved yet.
            data = data.copy()
            band_count = min(band_count + 1, RuleSetSchemeForm.MAX_BANDS)
            data["band_count"] = str(band_count)
    form = RuleSetSchemeForm(
        data,
        band_count=band_count,
        hours=scheme["hours"],
        initial=scheme_initial(scheme, version.row_version),
    )
    problems, status = [], 200
    if data is not None and "add_band" in data:
        # Shown again with the new band, without errors for the fields not filled in yet.
        form = RuleSetSchemeForm(
            None,
            band_count=band_count,
            hours=scheme["hours"],
            initial={key: data.get(key) for key in data if key != "csrfmiddlewaretoken"},
        )
        return render(
            request,
            "assessments/ruleset_edit_scheme.html",
            _scheme_context(form, version, [], scheme, added=True),
        )
    if request.method == "POST":
        status = 400
        if form.is_valid():
            left_out = tuple(
                code
                for code in (rulesets.framework_domains() or {})
                if code not in version.ruleset.domain_index
            )
            try:
                rulesets.ruleset_update_scheme(
                    version,
                    points=form.points(),
                    per=form.cleaned_data["per"],
                    terms_per_year=form.cleaned_data.get("terms_per_year"),
                    bands=form.bands(),
                    expected_row_version=form.cleaned_data["row_version"],
                    by=request.user,
                    # The guided form does not change which domains are scored.
                    confirmed_left_out=left_out,
                )
            except RulesetError as error:
                problems = _problems(error)
            except ConflictError:
                problems = [
                    "Someone else saved this draft while you were editing: reload the page to see their figures"
                ]
                status = 409
            else:
                messages.success(request, "The scheme has been checked and saved")
                return redirect("ruleset-detail", pk=version.pk)
    return render(
        request,
        "assessments/ruleset_edit_scheme.html",
        _scheme_context(form, version, problems, scheme),
        status=status,
    )


def _scheme_context(form, version, problems, scheme, added=False):
    return {
        "form": form,
        "version": version,
        "problems": problems,
        "hours": scheme["hours"],
        "added": added,
        "point_fields": [form[f"points_{level}"] for level in range(5)],
        "band_rows": list(enumerate(form.band_rows(), start=1)),
        "exceptions": {
            band["name"]: band["exceptions"] for band in scheme["bands"] if band["exceptions"]
        },
    }


@require_GET
@requires("ruleset.view")
def ruleset_check(request, pk):
    """Check this scheme: a few profiles typed in, worked out under the scheme (nothing is
    stored), to compare with the council's own worked examples."""
    version = _version(request, pk)
    ruleset = version.ruleset
    domains = [(domain.code, domain.name) for domain in ruleset.domains]
    form = SchemeCheckForm(request.GET or None, domains=domains)
    results = []
    status = 200
    if form.is_bound:
        if form.is_valid():
            register = recommendations.register_for(request.authority, ruleset)
            for entered in form.profiles():
                recommendation = evaluate(
                    Profile(
                        levels=entered["levels"],
                        setting_ability={},
                        family_capacity={},
                        age=entered["age"],
                        sen_status="K",
                        current_setting_type=entered["setting_type"],
                        attendance_hours=entered["hours"],
                    ),
                    ruleset,
                    register,
                )
                results.append({"entered": entered, "recommendation": recommendation})
        else:
            status = 400
    return render(
        request,
        "assessments/ruleset_check.html",
        {
            "version": version,
            "rules": ruleset,
            "form": form,
            "results": [_checked(result, ruleset) for result in results],
            "checked": form.is_bound and form.is_valid(),
        },
        status=status,
    )


def _checked(result, ruleset) -> dict:
    recommendation = result["recommendation"]
    figure = recommendation.top_up
    return {
        "number": result["entered"]["number"],
        "levels": [
            (domain.name, level)
            for domain in ruleset.domains
            if (level := recommendation.levels.get(domain.code))
        ],
        "recommendation": recommendation,
        "money": figure_phrase(figure) if figure is not None else None,
        "annual": money(figure.annual) if figure is not None else None,
    }


@require_POST
@requires("ruleset.manage")
def ruleset_activate(request, pk):
    version = _own_draft(request, pk)
    form = RuleSetActivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date. Check the rules, then activate again")
        return redirect("ruleset-detail", pk=version.pk)
    try:
        rulesets.ruleset_activate(
            version, by=request.user, expected_version=form.cleaned_data["row_version"]
        )
    except ConflictError:
        messages.error(
            request,
            "Someone changed this draft since you opened it. Check the rules below, then activate again",
        )
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


def _money_line(recommendation) -> str:
    """The top-up at the current setting as published with its annual equivalent; the
    outcome above the range; or none."""
    if recommendation.above_range:
        return "Above the scheme's range: agreed at panel"
    if recommendation.top_up is not None:
        return figure_phrase(recommendation.top_up)
    if recommendation.annual_top_up_at_current_setting == 0:
        return "No top-up"
    return "Depends on the setting"


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
        before = recommendations.recommend(assessment, active, ratings, held_scheme=active.ruleset)
        after = recommendations.recommend(assessment, version, ratings, held_scheme=active.ruleset)
        cases.append(
            {
                "assessment": assessment,
                "before": before,
                "after": after,
                "before_band": _band_label(before),
                "after_band": _band_label(after),
                "before_money": _money_line(before),
                "after_money": _money_line(after),
                "money_changed": before.annual_top_up_at_current_setting
                != after.annual_top_up_at_current_setting
                or before.above_range != after.above_range,
            }
        )
    return render(
        request,
        "assessments/ruleset_preview.html",
        {"version": version, "active": active, "cases": cases},
    )


def _band_label(recommendation) -> str:
    if recommendation.above_range:
        return "Above the scheme's range"
    return recommendation.band.label if recommendation.band is not None else "No band"


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
    context = {"run": run, "rows": _summary_rows(run) if run.summary else None}
    if request.htmx and not run.is_finished:
        return render(request, "assessments/replay_detail.html#progress", context)
    return render(request, "assessments/replay_detail.html", context)


def _bands_of(summary, side, run):
    """A scheme's bands with children and annual top-up, named within that scheme. Replays
    kept before band names were stored are named from the version they ran."""
    rows = summary.get(f"bands_{side}")
    if isinstance(rows, list):
        return [{**row, "top_up": money(row["top_up_pence"])} for row in rows]
    version = run.baseline if side == "before" else run.draft
    ruleset = version.ruleset
    counts = summary.get(f"bands_{side}", {}) or {}
    return [
        {
            "label": band.label if (band := ruleset.band_by_number(int(number))) else "No band",
            "children": count,
            "top_up": money(summary.get(f"top_up_by_band_{side}", {}).get(number, 0) * 100),
        }
        for number, count in sorted(counts.items(), key=lambda item: int(item[0]))
    ]


def _spend(summary, side) -> int:
    if f"top_up_{side}_pence" in summary:
        return summary[f"top_up_{side}_pence"]
    return summary.get(f"top_up_{side}", 0) * 100


def _summary_rows(run):
    summary = run.summary
    tiers = [
        {
            "code": code,
            "before": summary["tiers_before"].get(code, 0),
            "after": summary["tiers_after"].get(code, 0),
        }
        for code in TIER_CODES
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
    before, after = _spend(summary, "before"), _spend(summary, "after")
    change = after - before
    return {
        "tiers": tiers,
        "band_tables": [
            (
                f"Bands under the active rules ({run.baseline.name} {run.baseline.version})",
                _bands_of(summary, "before", run),
            ),
            (
                f"Bands under this version ({run.draft.name} {run.draft.version})",
                _bands_of(summary, "after", run),
            ),
        ],
        "classifications": classes,
        "moves": sorted(moves, key=lambda m: -m["count"]),
        "mainstream_before_pct": round(100 * summary["mainstream_before"] / total, 1),
        "mainstream_after_pct": round(100 * summary["mainstream_after"] / total, 1),
        "top_up_before": money(before),
        "top_up_after": money(after),
        "cost_change": ("+" if change >= 0 else "") + money(change),
        "above_before": summary.get("above_range_before", 0),
        "above_after": summary.get("above_range_after", 0),
    }


class _BandNames:
    """Band labels of a replay's two schemes, by band number (each on its own scale)."""

    def __init__(self, run):
        self.before = run.baseline.ruleset
        self.after = run.draft.ruleset

    @staticmethod
    def _label(ruleset, number, above) -> str:
        if above:
            return "Above the scheme's range"
        band = ruleset.band_by_number(number)
        return band.label if band is not None else "No band"

    def of(self, change) -> tuple[str, str]:
        return (
            self._label(self.before, change.band_before, change.above_range_before),
            self._label(self.after, change.band_after, change.above_range_after),
        )


def _audit_changes_seen(run, action, description: str) -> None:
    """The list of children a replay changes names children: reading it is in the audit log."""
    audit_record(
        action,
        object_type="assessments.replayrun",
        object_id=run.pk,
        authority_id=run.authority_id,
        description=description,
    )


@require_GET
@requires("replay.run")
def replay_changes(request, pk):
    """The children whose recommendation changes, filterable by tier move."""
    run = _run(request, pk)
    _audit_changes_seen(
        run, Action.READ, "Viewed the children whose recommendation a replay changes"
    )
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
    names = _BandNames(run)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/replay_changes.html",
        {
            "run": run,
            "form": form,
            "page": page,
            "rows": [(change, *names.of(change)) for change in page.object_list],
            "query": query.urlencode(),
        },
    )


@require_GET
@requires("replay.run")
def replay_csv(request, pk):
    run = _run(request, pk)
    _audit_changes_seen(
        run,
        Action.EXPORT,
        "Downloaded the children whose recommendation a replay changes (CSV)",
    )
    header = [
        "child_id",
        "first_name",
        "last_name",
        "upn",
        "tier_before",
        "tier_after",
        "band_before",
        "band_after",
        "above_range_before",
        "above_range_after",
        "annual_top_up_before",
        "annual_top_up_after",
        "mainstream_before",
        "mainstream_after",
        "classification_before",
        "classification_after",
    ]
    names = _BandNames(run)
    changes = run.changes.select_related("child").order_by("pk").iterator(chunk_size=2000)
    rows = (
        [
            change.child.pk,
            change.child.first_name,
            change.child.last_name,
            change.child.upn,
            change.tier_before,
            change.tier_after,
            *names.of(change),
            change.above_range_before,
            change.above_range_after,
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
