"""Rule set versions and their lifecycle: the versions shipped in ``seeds/rules``, the
authority's active one, and an authority's drafts (copy, edit, activate, retire). Working out
recommendations with a version is ``assessments/recommendations.py``."""

import hashlib

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from valuing_send.core.locking import save_versioned
from valuing_send.core.workflow import record_start, transition

from .models import RuleSetStatus, RuleSetVersion
from .rule_files import load_shipped_rulesets, shipped_ruleset_paths, source_name
from .rules import RulesetError, RulesetProblem, ruleset_from_yaml
from .rules.conditions import Names

DEFAULT_RULESET_ID = "valuing-send-default"


def problem(source: str, key_path: str, message: str) -> RulesetError:
    return RulesetError(source, [RulesetProblem(key_path, message)])


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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
    return RuleSetVersion.objects.filter(Q(authority__isnull=True) | Q(authority=authority))


# ----- The settings register, as the engine sees it -----

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
    draft = RuleSetVersion.objects.create(
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
    record_start(draft, by=by, reason=f"Copied from {source.name} {source.version}")
    return draft


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
    save_versioned(
        locked,
        expected_row_version,
        version_field="row_version",
        yaml_text=text,
        checksum=checksum(text),
        version=ruleset.version,
        name=ruleset.name,
        effective_from=ruleset.effective_from,
    )
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
    for previous in RuleSetVersion.objects.filter(
        authority_id=locked.authority_id, status=RuleSetStatus.ACTIVE
    ):
        transition(
            previous,
            RuleSetStatus.RETIRED,
            by=by,
            reason=f"Replaced by {locked.name} {locked.version}",
        )
    transition(locked, RuleSetStatus.ACTIVE, by=by, activated_at=timezone.now(), activated_by=by)
    version.refresh_from_db()
    return version


def tier_rules_in_words(version: RuleSetVersion) -> list[tuple[str, str]]:
    """The tier rules as (tier name, when) rows, in words, for the rule set's page."""
    ruleset = version.ruleset
    names = Names(
        domain_names=tuple(domain.name for domain in ruleset.domains),
        area_names=tuple(area.name for area in ruleset.areas),
    )
    rows = [
        (
            ruleset.tier_names[rule.tier],
            rule.condition.describe(names) if rule.condition is not None else "otherwise",
        )
        for rule in ruleset.tiers
    ]
    step_up = ruleset.tier_step_up
    if step_up is not None:
        rows.append(
            (
                f"One step higher, up to {ruleset.tier_names[step_up.up_to]}",
                "when " + step_up.condition.describe(names),
            )
        )
    return rows
