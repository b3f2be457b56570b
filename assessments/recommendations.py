"""Recommendations: a needs profile turned into the rules engine's input, evaluated under a rule
set version, and kept as a ``Recommendation`` row with its trace.

The engine itself (``assessments/rules``) is pure; this module turns models into its inputs
(the profile, the settings register as the engine sees it) and its results into rows, one at a
time or for a whole caseload at once."""

import dataclasses
from collections.abc import Iterator, Mapping
from datetime import date

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from valuing_send.authorities.models import SettingCapability
from valuing_send.celery import enqueue_on_commit

from .caseload import caseload_for
from .models import Assessment, Recommendation, RuleSetVersion
from .rules import (
    Profile,
    SettingRecord,
    SettingsRegister,
    evaluate,
    evaluate_caseload,
    explain_for_parents,
)
from .rules.engine import figure_phrase
from .rules.money import pounds_decimal
from .rules.ruleset import Band
from .rulesets import active_rule_set

# ----- The settings register, as the engine sees it -----

_REGISTERS: dict[tuple, tuple[tuple, SettingsRegister]] = {}


def register_for(authority, ruleset) -> SettingsRegister:
    """The authority's settings register prepared for ``ruleset``; rebuilt only when a setting
    or capability changed (every change bumps the setting's ``updated_at``)."""
    fingerprint = tuple(
        authority.settings_register.aggregate(count=Count("id"), latest=Max("updated_at")).values()
    )
    key = (authority.pk, ruleset.key)
    cached = _REGISTERS.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    # Plain values rather than model instances: a large register has ten thousand capability rows.
    capabilities: dict[int, dict[str, int]] = {}
    for setting_id, domain, level in SettingCapability.objects.filter(
        setting__authority=authority, setting__is_active=True
    ).values_list("setting_id", "domain", "level"):
        capabilities.setdefault(setting_id, {})[domain] = level
    records = [
        SettingRecord(
            id=pk,
            name=name,
            setting_type=setting_type,
            phase=phase,
            capabilities=capabilities.get(pk, {}),
            capacity=capacity,
        )
        for pk, name, setting_type, phase, capacity in authority.settings_register.active().values_list(
            "pk", "name", "setting_type", "phase", "capacity"
        )
    ]
    register = SettingsRegister.build(records, ruleset)
    _REGISTERS[key] = (fingerprint, register)
    return register


# ----- One profile -----


def profile_for(
    assessment: Assessment, ratings, previous: Assessment | None, *, on: date | None = None
) -> Profile:
    """The engine's input for one needs profile, with the levels of the one before it."""
    child = assessment.child
    day = on or (
        timezone.localdate(assessment.completed_at)
        if assessment.completed_at
        else timezone.localdate()
    )

    def scores(attribute):
        return {
            r.domain: getattr(r, attribute) for r in ratings if getattr(r, attribute) is not None
        }

    previous_levels = None
    if previous is not None:
        previous_levels = {r.domain: r.level for r in previous.ratings.all() if r.level is not None}
    return Profile(
        levels=scores("level"),
        setting_ability=scores("setting_ability"),
        family_capacity=scores("family_capacity"),
        age=child.age_on(day),
        sen_status=child.sen_status,
        current_setting_id=assessment.setting_id,
        current_setting_type=assessment.setting.setting_type if assessment.setting_id else None,
        held_band=child.held_band,
        request=assessment.request,
        previous_levels=previous_levels,
    )


def recommend(
    assessment: Assessment,
    version: RuleSetVersion | None = None,
    ratings=None,
    *,
    held_scheme=None,
):
    """Work out the recommendation (not stored): used for drafts and previews. The child's
    held band belongs to the authority's active scheme (``held_scheme``, looked up if not
    given), whichever version is being worked out."""
    if version is None or held_scheme is None:
        active = active_rule_set(assessment.authority)
        version = version or active
        held_scheme = held_scheme or active.ruleset
    ruleset = version.ruleset
    ratings = list(assessment.ratings.all()) if ratings is None else ratings
    previous = assessment.child.assessments.previous_to(assessment)
    profile = profile_for(assessment, ratings, previous)
    return evaluate(profile, ruleset, register_for(assessment.authority, ruleset), held_scheme)


def headline_fields(figures) -> dict:
    """The queryable figures of a Recommendation row, from a full recommendation (``evaluate``)
    or a batch row (``evaluate_caseload``): both carry the same figures. ``top_up`` is the
    annual equivalent in pounds (Decimal)."""
    annual = figures.annual_top_up_at_current_setting
    return {
        "tier": figures.tier,
        "band": figures.band_number if hasattr(figures, "band_number") else figures.band,
        "total_points": figures.total_points,
        "top_up": None if annual is None else pounds_decimal(annual),
        "above_range": figures.above_range,
        "mainstream_capable": figures.mainstream_capable,
        "classification": figures.classification,
    }


def as_json(recommendation) -> dict:
    """Plain JSON: money stays in whole pence (``*_pence`` is implied by the engine's fields:
    annual_top_up_at_current_setting, top_up.published, top_up.annual, claimed_funding); the
    band is kept by name and range, with its label; the published figure also in words."""
    stored = _plain(recommendation)
    figure = recommendation.top_up
    stored["top_up_text"] = None if figure is None else figure_phrase(figure)
    return stored


def as_stored(recommendation, version: RuleSetVersion) -> dict:
    """The recommendation as kept: every figure and the trace, plus the same recommendation in
    plain words for parents, all as they were when it was worked out."""
    stored = as_json(recommendation)
    stored["for_parents"] = explain_for_parents(recommendation, version.ruleset)
    return stored


def _plain(value):
    if isinstance(value, Band):
        return {
            "number": value.number,
            "name": value.name,
            "description": value.description,
            "label": value.label,
            "min_points": value.min_points,
            "max_points": value.max_points,
            "points_range": value.points_range(),
            "funded": value.funded,
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@transaction.atomic
def recommendation_store(
    assessment: Assessment, version: RuleSetVersion | None = None
) -> Recommendation:
    """Work out and keep the recommendation for a completed assessment under ``version`` (the
    active one by default). The newest stored recommendation is the current one."""
    version = version or active_rule_set(assessment.authority)
    existing = assessment.recommendations.filter(rule_set=version).first()
    if existing is not None:
        return existing
    result = recommend(assessment, version)
    stored = as_stored(result, version)
    now = timezone.now()
    assessment.recommendations.current().update(superseded_at=now)
    return Recommendation.objects.create(
        authority_id=assessment.authority_id,
        assessment=assessment,
        rule_set=version,
        created_at=now,
        result=stored,
        **headline_fields(result),
    )


# ----- Whole caseloads -----

DETAIL_TASK = "assessments.tasks.recommendation_details_fill"


def recommendation_rows(authority) -> Iterator[dict]:
    """The headline figures of a ``Recommendation`` row, by field name, for every complete
    assessment that has no current recommendation: the whole caseload worked out in one batch
    under the active rule set (the detail is not worked out). Bulk writers add ``created_at``."""
    version = active_rule_set(authority)
    ruleset = version.ruleset
    register = register_for(authority, ruleset)
    have = set(authority.recommendations.current().values_list("assessment_id", flat=True))
    for _, caseload, ids in caseload_for(authority):
        result = evaluate_caseload(caseload, ruleset, register, ruleset)
        for index, (assessment_id, _) in enumerate(ids):
            if assessment_id not in have:
                yield {
                    "authority_id": authority.pk,
                    "assessment_id": assessment_id,
                    "rule_set_id": version.pk,
                    **headline_fields(result.row(index)),
                }


def recommendations_store_bulk(authority, *, fill_details: bool = True) -> int:
    """Recommendations for every complete assessment that has none (``recommendation_rows``).
    For imported caseloads, where completing one by one would take minutes (the demo data
    generator writes the same rows with COPY). The detail (trace, provision, matched settings)
    is filled in afterwards by a background task unless ``fill_details`` is False (pages work
    it out when shown; see ``recommendation_worked_out``)."""
    now = timezone.now()
    rows = [Recommendation(created_at=now, **values) for values in recommendation_rows(authority)]
    Recommendation.objects.bulk_create(rows, batch_size=5000)
    if rows and fill_details:
        enqueue_on_commit(DETAIL_TASK, authority.pk)
    return len(rows)


def recommendation_worked_out(recommendation: Recommendation) -> dict:
    """The full result of a stored recommendation, for reading: as kept, or, for one made in
    bulk whose detail is not filled in yet, worked out again in memory with the same rule set
    (nothing is written: pages are reads)."""
    if recommendation.result:
        return recommendation.result
    result = recommend(
        recommendation.assessment, recommendation.rule_set, held_scheme=_held_scheme(recommendation)
    )
    return as_stored(result, recommendation.rule_set)


def _held_scheme(recommendation: Recommendation):
    """The scheme a bulk-made recommendation compared held bands with: its own, which was the
    active one when it was made."""
    return recommendation.rule_set.ruleset


def recommendation_detail_fill(recommendation: Recommendation) -> Recommendation:
    """Keep the full result of a recommendation made in bulk, worked out with the same rule set;
    its headline figures are set from that same evaluation, so figures and detail always agree
    (they differ from the bulk figures only if the settings register changed in between)."""
    if recommendation.result:
        return recommendation
    result = recommend(
        recommendation.assessment, recommendation.rule_set, held_scheme=_held_scheme(recommendation)
    )
    fields = {**headline_fields(result), "result": as_stored(result, recommendation.rule_set)}
    Recommendation.objects.filter(pk=recommendation.pk, result={}).update(**fields)
    for name, value in fields.items():
        setattr(recommendation, name, value)
    return recommendation


def recommendation_details_fill(authority, *, limit: int | None = None) -> int:
    """Fill in the detail of the authority's current recommendations made in bulk. Idempotent;
    returns how many were filled."""
    missing = (
        authority.recommendations.current()
        .filter(result={})
        .select_related("assessment__child", "assessment__setting", "rule_set")
        .order_by("pk")
    )
    if limit is not None:
        missing = missing[:limit]
    filled = 0
    for recommendation in missing.iterator(chunk_size=500):
        recommendation_detail_fill(recommendation)
        filled += 1
    return filled
