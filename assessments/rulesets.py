"""The rules module in the app: rule set versions, the settings register as the engine sees it,
recommendations for assessments, and the rule-set lifecycle (copy, edit, activate).

The engine itself (``assessments/rules``) is pure; this module turns models into its inputs and
its results into rows."""

import dataclasses
import hashlib
from datetime import date

import yaml
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from valuing_send.authorities.models import SettingCapability
from valuing_send.core.locking import ConflictError

from .models import (
    Assessment,
    AssessmentStatus,
    Recommendation,
    RuleSetStatus,
    RuleSetVersion,
)
from .rule_files import load_shipped_rulesets, shipped_ruleset_paths, source_name
from .rules import (
    Profile,
    RulesetError,
    RulesetProblem,
    SettingRecord,
    SettingsRegister,
    evaluate,
    explain_for_parents,
    ruleset_from_yaml,
)

DEFAULT_RULESET_ID = "valuing-send-default"


def problem(source: str, key_path: str, message: str) -> RulesetError:
    return RulesetError(source, [RulesetProblem(key_path, message)])


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


_PARSED: dict[str, object] = {}


def parsed(version: RuleSetVersion):
    """The validated rule set for a stored version, parsed once per process (by checksum)."""
    found = _PARSED.get(version.checksum)
    if found is None:
        found = _PARSED[version.checksum] = ruleset_from_yaml(
            version.yaml_text, source=label(version)
        )
    return found


def label(version: RuleSetVersion) -> str:
    return f"rule set {version.ruleset_id} version {version.version}"


# ----- Shipped rule sets -----


def shipped_load() -> list[tuple[RuleSetVersion, bool]]:
    """Load ``seeds/rules/*.yaml`` as shipped versions. Idempotent; a changed file under a
    version already loaded is refused (a used version never changes)."""
    load_shipped_rulesets()  # validates every file, with errors naming file, key and problem
    results = []
    for path in shipped_ruleset_paths():
        text = path.read_text(encoding="utf-8")
        ruleset = ruleset_from_yaml(text, source=source_name(path))
        existing = RuleSetVersion.objects.filter(
            authority__isnull=True, ruleset_id=ruleset.id, version=ruleset.version
        ).first()
        if existing is not None:
            if existing.checksum != checksum(text):
                raise problem(
                    source_name(path),
                    "version",
                    f"{ruleset.version} is already loaded with different content: give the changed rule set a new version",
                )
            results.append((existing, False))
            continue
        results.append(
            (
                RuleSetVersion.objects.create(
                    ruleset_id=ruleset.id,
                    version=ruleset.version,
                    name=ruleset.name,
                    effective_from=ruleset.effective_from,
                    yaml_text=text,
                    checksum=checksum(text),
                    status=RuleSetStatus.SHIPPED,
                ),
                True,
            )
        )
    return results


def active_rule_set(authority) -> RuleSetVersion:
    """The version recommendations use: the authority's active one, else the shipped default."""
    active = authority.rule_sets.filter(status=RuleSetStatus.ACTIVE).first()
    if active is not None:
        return active
    shipped = (
        RuleSetVersion.objects.filter(authority__isnull=True, ruleset_id=DEFAULT_RULESET_ID)
        .order_by("-effective_from", "-pk")
        .first()
    )
    if shipped is None:
        raise RuleSetVersion.DoesNotExist("No rule set is loaded: run manage.py load_seeds")
    return shipped


def visible_rule_sets(authority):
    """Shipped versions and this authority's own, for the rule set pages."""
    from django.db.models import Q

    return RuleSetVersion.objects.filter(Q(authority__isnull=True) | Q(authority=authority))


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


# ----- Recommendations -----


def profile_for(
    assessment: Assessment, ratings, previous: Assessment | None, *, on: date | None = None
) -> Profile:
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


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The child's complete (or since superseded) assessment before this one."""
    earlier = assessment.child.assessments.exclude(pk=assessment.pk).exclude(
        status=AssessmentStatus.DRAFT
    )
    if assessment.completed_at:
        earlier = earlier.filter(completed_at__lt=assessment.completed_at)
    return earlier.order_by("-completed_at", "-pk").first()


def recommend(assessment: Assessment, version: RuleSetVersion | None = None, ratings=None):
    """Work out the recommendation (not stored): used for drafts and previews."""
    version = version or active_rule_set(assessment.authority)
    ruleset = version.ruleset
    ratings = list(assessment.ratings.all()) if ratings is None else ratings
    profile = profile_for(assessment, ratings, previous_assessment(assessment))
    return evaluate(profile, ruleset, register_for(assessment.authority, ruleset))


def headline_fields(figures) -> dict:
    """The queryable figures of a Recommendation row, from a full recommendation (``evaluate``)
    or a batch row (``evaluate_caseload``): both carry the same figures."""
    return {
        "tier": figures.tier,
        "band": figures.band_number if hasattr(figures, "band_number") else figures.band,
        "total_points": figures.total_points,
        "top_up": figures.top_up_at_current_setting,
        "mainstream_capable": figures.mainstream_capable,
        "classification": figures.classification,
    }


def as_json(recommendation) -> dict:
    return _plain(dataclasses.asdict(recommendation))


def as_stored(recommendation, version: RuleSetVersion) -> dict:
    """The recommendation as kept: every figure and the trace, plus the same recommendation in
    plain words for parents, all as they were when it was worked out."""
    stored = as_json(recommendation)
    stored["for_parents"] = explain_for_parents(recommendation, version.ruleset)
    return stored


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
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


# ----- Rule set lifecycle -----


class RuleSetLocked(Exception):
    """Shipped, active, retired or used versions never change: copy them instead."""


def is_used(version: RuleSetVersion) -> bool:
    return version.recommendations.exists()


def editable(version: RuleSetVersion) -> bool:
    return version.status == RuleSetStatus.DRAFT and not is_used(version)


@transaction.atomic
def ruleset_copy(source: RuleSetVersion, authority, *, by) -> RuleSetVersion:
    """A new draft for the authority, starting from any version it can see."""
    data = yaml.safe_load(source.yaml_text)
    taken = set(
        authority.rule_sets.filter(ruleset_id=source.ruleset_id).values_list("version", flat=True)
    )
    number = 1
    while f"{source.version}-draft-{number}" in taken:
        number += 1
    data["version"] = f"{source.version}-draft-{number}"
    text = _dump(data)
    ruleset_from_yaml(text, source="the copy")
    return RuleSetVersion.objects.create(
        authority=authority,
        ruleset_id=source.ruleset_id,
        version=data["version"],
        name=source.name,
        effective_from=source.effective_from,
        yaml_text=text,
        checksum=checksum(text),
        status=RuleSetStatus.DRAFT,
        based_on=source,
        created_by=by,
    )


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@transaction.atomic
def ruleset_update_yaml(
    version: RuleSetVersion, text: str, *, expected_row_version: int, by
) -> RuleSetVersion:
    """Replace a draft's rules. Raises RulesetError (nothing saved) if the text is not a valid
    rule set, RuleSetLocked if the version may not change, ConflictError if someone else saved."""
    locked = RuleSetVersion.objects.select_for_update().get(pk=version.pk)
    if not editable(locked):
        raise RuleSetLocked(f"{locked} cannot change: copy it to make a new draft")
    ruleset = ruleset_from_yaml(text, source=f"rule set {locked.ruleset_id}")
    if ruleset.id != locked.ruleset_id:
        raise problem(
            f"rule set {locked.ruleset_id}",
            "id",
            f"must stay {locked.ruleset_id!r}: copy a different rule set instead",
        )
    clash = version.authority.rule_sets.filter(
        ruleset_id=ruleset.id, version=ruleset.version
    ).exclude(pk=locked.pk)
    if clash.exists():
        raise problem(
            f"rule set {locked.ruleset_id}",
            "version",
            f"{ruleset.version} is already used by another version",
        )
    updated = RuleSetVersion.objects.filter(pk=locked.pk, row_version=expected_row_version).update(
        yaml_text=text,
        checksum=checksum(text),
        version=ruleset.version,
        name=ruleset.name,
        effective_from=ruleset.effective_from,
        row_version=F("row_version") + 1,
    )
    if not updated:
        raise ConflictError(locked)
    version.refresh_from_db()
    return version


def numbers_of(version: RuleSetVersion) -> dict:
    """The figures the structured form edits: points per level and band thresholds/top-ups."""
    data = yaml.safe_load(version.yaml_text)
    return {
        "points": list(data["points"]["default"]),
        "bands": data["bands"],
        "top_up": data["funding"]["top_up"],
    }


def ruleset_update_numbers(
    version: RuleSetVersion, *, points, band_minimums, mainstream_top_ups, expected_row_version, by
):
    """Edit the most-changed figures through a form: points per level (0–4), each band's
    minimum points and its mainstream top-up. Everything else is kept as it is."""
    data = yaml.safe_load(version.yaml_text)
    data["points"]["default"] = list(points)
    for band, minimum in zip(data["bands"], band_minimums, strict=True):
        band["min_points"] = minimum
    top_up = data["funding"]["top_up"]
    for band, amount in zip(data["bands"], mainstream_top_ups, strict=True):
        key = band["number"] if band["number"] in top_up else str(band["number"])
        top_up[key]["mainstream"] = amount
    return ruleset_update_yaml(
        version, _dump(data), expected_row_version=expected_row_version, by=by
    )


def ruleset_update_points(version: RuleSetVersion, points, *, by) -> RuleSetVersion:
    """Change only the points per level (0–4), keeping the bands and funding as they are."""
    data = yaml.safe_load(version.yaml_text)
    data["points"]["default"] = list(points)
    return ruleset_update_yaml(
        version, _dump(data), expected_row_version=version.row_version, by=by
    )


@transaction.atomic
def ruleset_activate(version: RuleSetVersion, *, by) -> RuleSetVersion:
    """Make a draft the authority's active rule set; the previous active one is retired.
    Recommendations already stored keep the version they were worked out with."""
    locked = RuleSetVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != RuleSetStatus.DRAFT or locked.authority_id is None:
        raise RuleSetLocked("Only a draft of this authority can be activated")
    locked.ruleset  # noqa: B018 - refuses to activate anything that does not validate
    now = timezone.now()
    RuleSetVersion.objects.filter(
        authority_id=locked.authority_id, status=RuleSetStatus.ACTIVE
    ).update(status=RuleSetStatus.RETIRED, row_version=F("row_version") + 1)
    RuleSetVersion.objects.filter(pk=locked.pk).update(
        status=RuleSetStatus.ACTIVE,
        activated_at=now,
        activated_by=by,
        row_version=F("row_version") + 1,
    )
    version.refresh_from_db()
    return version


def describe_condition(condition, names: dict[str, str]) -> str:
    """A tier condition from the YAML, in words, for the rule set's page."""
    if condition is None:
        return "otherwise"
    (key, value), *_ = condition.items()
    match key:
        case "all":
            return " and ".join(describe_condition(c, names) for c in value)
        case "any":
            return "(" + " or ".join(describe_condition(c, names) for c in value) + ")"
        case "any_level_at_least":
            return f"any domain at level {value} or above"
        case "count_levels_at_least":
            return f"at least {value['count']} domains at level {value['level']} or above"
        case "level_at_least":
            return (
                f"{names.get(value['domain'], value['domain'])} at level {value['level']} or above"
            )
        case "points_at_least":
            return f"{value} points or more"
        case "area_points_at_least":
            return f"{value['points']} points or more in {names.get(value['area'], value['area']).lower()}"
        case "no_mainstream_setting_meets":
            return (
                "no local mainstream setting meets every need"
                if value
                else "a local mainstream setting meets every need"
            )
        case "family_capacity_low_in_at_least":
            return f"the family's capacity is low in {value['domains']} or more domains with need"
    return key.replace("_", " ")


def tier_rules_in_words(version: RuleSetVersion) -> list[tuple[str, str]]:
    data = yaml.safe_load(version.yaml_text)
    ruleset = version.ruleset
    names = {d.code: d.name for d in ruleset.domains} | {a.code: a.name for a in ruleset.areas}
    rows = [
        (ruleset.tier_names[item["tier"]], describe_condition(item.get("when"), names))
        for item in data["tiers"]
    ]
    step_up = data.get("tier_step_up")
    if step_up:
        rows.append(
            (
                f"One step higher, up to {ruleset.tier_names[step_up['up_to']]}",
                "when " + describe_condition(step_up["when"], names),
            )
        )
    return rows


def recommendations_store_bulk(authority) -> int:
    """Recommendations for every complete assessment that has none, worked out in one batch
    under the active rule set (headline figures; the detail is filled in when first opened).
    For generated or imported caseloads, where completing one by one would take minutes."""
    from .replays import caseload_for
    from .rules import evaluate_caseload

    version = active_rule_set(authority)
    ruleset = version.ruleset
    register = register_for(authority, ruleset)
    have = set(authority.recommendations.current().values_list("assessment_id", flat=True))
    rows = []
    now = timezone.now()
    for _, caseload, ids in caseload_for(authority):
        result = evaluate_caseload(caseload, ruleset, register)
        for index, (assessment_id, _) in enumerate(ids):
            if assessment_id in have:
                continue
            rows.append(
                Recommendation(
                    authority_id=authority.pk,
                    assessment_id=assessment_id,
                    rule_set=version,
                    created_at=now,
                    **headline_fields(result.row(index)),
                )
            )
    Recommendation.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def recommendation_detail(recommendation: Recommendation) -> Recommendation:
    """The recommendation with its full result. One made in bulk gets its detail (trace,
    provision, matched settings) worked out when first needed, with the same rule set; its
    headline figures are set from that same evaluation, so figures and detail always agree
    (they differ from the bulk figures only if the settings register changed in between)."""
    if recommendation.result:
        return recommendation
    result = recommend(recommendation.assessment, recommendation.rule_set)
    fields = {**headline_fields(result), "result": as_stored(result, recommendation.rule_set)}
    Recommendation.objects.filter(pk=recommendation.pk, result={}).update(**fields)
    for name, value in fields.items():
        setattr(recommendation, name, value)
    return recommendation
