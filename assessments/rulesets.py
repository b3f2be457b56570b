"""Rule set versions and their lifecycle: the versions shipped in ``seeds/rules``, the
authority's active one, and an authority's drafts (create, copy, edit, activate, retire).
Working out recommendations with a version is ``assessments/recommendations.py``.

Council officers write schemes: from the commented template (``SCHEME_TEMPLATE``), from an
upload or by copying a version, each with its own id and name; then edit them as YAML or in a
guided form (points per level, bands with their ranges and amounts). Every save checks the
whole scheme, refuses domain codes the needs framework does not have, and asks the admin to
confirm the framework domains the scheme leaves out."""

import hashlib
from decimal import Decimal

import yaml
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from valuing_send.core.locking import ConflictError, save_versioned
from valuing_send.core.workflow import record_start, transition

from .models import RuleSetStatus, RuleSetVersion
from .rule_files import REPO_ROOT, load_shipped_rulesets, shipped_ruleset_paths, source_name
from .rules import RulesetError, RulesetProblem, framework_domains_left_out, ruleset_from_yaml
from .rules.conditions import Names
from .rules.money import pounds_decimal
from .rules.schema import stored_rule_file_data

DEFAULT_RULESET_ID = "valuing-send-default"
SCHEME_TEMPLATE = REPO_ROOT / "seeds" / "rules" / "templates" / "scheme-template.yaml"


def problem(source: str, key_path: str, message: str) -> RulesetError:
    return RulesetError(source, [RulesetProblem(key_path, message)])


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def framework_domains() -> dict[str, str] | None:
    """Codes and names of the needs framework new assessments use (None before any is
    loaded): the domains a scheme may score."""
    from .models import NeedsFramework
    from .services import current_framework

    try:
        framework = current_framework()
    except NeedsFramework.DoesNotExist:
        return None
    return {domain.code: domain.name for domain in framework.definition.domains}


def checked(text: str, source: str):
    """Parse a scheme's YAML against the needs framework (RulesetError if it is not valid)."""
    return ruleset_from_yaml(text, source=source, known_domains=framework_domains())


# ----- Shipped rule sets -----


def shipped_load() -> list[tuple[RuleSetVersion, bool]]:
    """Load ``seeds/rules/*.yaml`` as shipped versions. Idempotent; a changed file under a
    version already loaded is refused (a used version never changes)."""
    load_shipped_rulesets()  # validates every file, with errors naming file, key and problem
    results = []
    for path in shipped_ruleset_paths():
        text = path.read_text(encoding="utf-8")
        ruleset = checked(text, source_name(path))
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
        results.append((_version_row(ruleset, text, status=RuleSetStatus.SHIPPED), True))
    return results


def _version_row(ruleset, text: str, **fields) -> RuleSetVersion:
    """A new version row for a parsed scheme and the text it was read from."""
    return RuleSetVersion.objects.create(
        ruleset_id=ruleset.id,
        version=ruleset.version,
        name=ruleset.name,
        effective_from=ruleset.effective_from,
        yaml_text=text,
        checksum=checksum(text),
        **fields,
    )


def active_rule_set(authority) -> RuleSetVersion:
    """The version recommendations use: the authority's active one, else the shipped default
    (one query: the authority's own sorts first)."""
    shipped = (
        RuleSetVersion.objects.filter(
            Q(authority=authority, status=RuleSetStatus.ACTIVE)
            | Q(authority__isnull=True, ruleset_id=DEFAULT_RULESET_ID)
        )
        .order_by(F("authority_id").asc(nulls_last=True), "-effective_from", "-pk")
        .first()
    )
    if shipped is None:
        raise RuleSetVersion.DoesNotExist("No rule set is loaded: run manage.py load_seeds")
    return shipped


def visible_rule_sets(authority):
    """Shipped versions and this authority's own, for the rule set pages."""
    return RuleSetVersion.objects.filter(Q(authority__isnull=True) | Q(authority=authority))


# ----- Rule set lifecycle -----


class RuleSetLocked(Exception):
    """Shipped, active, retired or used versions never change: copy them instead."""


class LeftOutDomains(Exception):
    """The scheme leaves out framework domains the admin has not confirmed: ratings in them
    will not count. Nothing is saved until the admin confirms the list."""

    def __init__(self, codes: tuple[str, ...], names: dict[str, str]):
        self.codes = codes
        self.names = [names.get(code, code) for code in codes]
        super().__init__(", ".join(self.names))


def _confirm_left_out(ruleset, confirmed) -> tuple[str, ...]:
    """The framework domains ``ruleset`` leaves out; LeftOutDomains unless ``confirmed``
    lists each of them."""
    names = framework_domains()
    if names is None:
        return ()
    left_out = framework_domains_left_out(ruleset, tuple(names))
    if left_out and not set(left_out) <= set(confirmed or ()):
        raise LeftOutDomains(left_out, names)
    return left_out


def is_used(version: RuleSetVersion) -> bool:
    return version.recommendations.exists()


def editable(version: RuleSetVersion) -> bool:
    return version.status == RuleSetStatus.DRAFT and not is_used(version)


def _clash(authority, ruleset_id: str, version: str, exclude_pk=None) -> bool:
    """True when the authority already has this id and version (or it is shipped, for an id
    the authority did not copy)."""
    mine = authority.rule_sets.filter(ruleset_id=ruleset_id, version=version)
    if exclude_pk is not None:
        mine = mine.exclude(pk=exclude_pk)
    return mine.exists()


def template_text() -> str:
    """The commented template a new scheme starts from (also offered as a download)."""
    return SCHEME_TEMPLATE.read_text(encoding="utf-8")


@transaction.atomic
def ruleset_create(authority, text: str, *, by, confirmed_left_out=()) -> RuleSetVersion:
    """A new draft scheme from YAML (the template, typed in, or uploaded) with its own id and
    name. Raises RulesetError (with every problem, located by line) or LeftOutDomains; nothing
    is saved then."""
    ruleset = checked(text, "the new rule set")
    left_out = _confirm_left_out(ruleset, confirmed_left_out)
    if _clash(authority, ruleset.id, ruleset.version):
        raise problem(
            "the new rule set",
            "version",
            f"{ruleset.id} version {ruleset.version} already exists: give this one another id "
            "or version",
        )
    draft = _version_row(
        ruleset, text, status=RuleSetStatus.DRAFT, authority=authority, created_by=by
    )
    confirmed = f"; leaves out {', '.join(left_out)} (confirmed)" if left_out else ""
    record_start(draft, by=by, reason=f"Written as a new scheme{confirmed}")
    return draft


@transaction.atomic
def ruleset_copy(source: RuleSetVersion, authority, *, by) -> RuleSetVersion:
    """A new draft for the authority, starting from any version it can see. A schema-1
    version is written out as schema 2 (ranges and money stated as the guided form edits
    them; see ``upgraded``): its recommendations do not change."""
    data = stored_rule_file_data(source.yaml_text)
    if data.get("schema_version") == 1:
        data = upgraded(data, source.ruleset)
    taken = set(
        authority.rule_sets.filter(ruleset_id=source.ruleset_id).values_list("version", flat=True)
    )
    number = 1
    while f"{source.version}-draft-{number}" in taken:
        number += 1
    data["version"] = f"{source.version}-draft-{number}"
    text = _dump(data)
    draft = _version_row(
        ruleset_from_yaml(text, source="the copy"),
        text,
        status=RuleSetStatus.DRAFT,
        authority=authority,
        based_on=source,
        created_by=by,
    )
    record_start(draft, by=by, reason=f"Copied from {source.name} {source.version}")
    return draft


def _pounds(pence: int):
    """A YAML figure: whole pounds as an int, pounds and pence as a float with two places."""
    amount = pounds_decimal(pence)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _amount_data(amount):
    if not amount.by_hours:
        return _pounds(amount.figures[0][1])
    return {f"{hours} hours": _pounds(pence) for hours, pence in amount.figures}


def top_up_data(top_up):
    """A band's top-up as schema 2 writes it: none, one amount, or `all` with exceptions."""
    if top_up is None:
        return "none"
    if top_up.every is not None and not top_up.exceptions:
        return _amount_data(top_up.every)
    amounts = dict(top_up.exceptions)
    if top_up.every is None:
        # Schema 1 priced every type: the commonest figure becomes `all`.
        figures = [amount.figures for amount in amounts.values()]
        common = max(figures, key=figures.count)
        every = next(a for a in amounts.values() if a.figures == common)
        amounts = {code: a for code, a in amounts.items() if a.figures != common}
    else:
        every = top_up.every
    return {"all": _amount_data(every), **{c: _amount_data(a) for c, a in amounts.items()}}


def upgraded(data: dict, ruleset) -> dict:
    """Schema-1 data as schema 2, with the same results: each band's range stated (the top
    band ends at the highest total the scheme can give, so nothing is above its range, as
    before) and its top-up written on the band."""
    data = dict(data)
    data["schema_version"] = 2
    base = ruleset.funding.base
    data["funding"] = {"per": "year"}
    if base is not None:
        data["funding"]["base"] = top_up_data(base)
    highest = ruleset.highest_total()
    data["bands"] = [
        {
            "name": band.name,
            "min_points": band.min_points,
            "max_points": band.max_points
            if band.max_points is not None
            else max(highest, band.min_points),
            "top_up": top_up_data(band.top_up),
        }
        for band in ruleset.bands
    ]
    return data


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@transaction.atomic
def ruleset_update_yaml(
    version: RuleSetVersion, text: str, *, expected_row_version: int, by, confirmed_left_out=()
) -> RuleSetVersion:
    """Replace a draft's rules (its id and name may change too). Raises RulesetError (nothing
    saved) if the text is not a valid rule set, LeftOutDomains until the framework domains it
    leaves out are confirmed, RuleSetLocked if the version may not change, ConflictError if
    someone else saved."""
    locked = RuleSetVersion.objects.select_for_update().get(pk=version.pk)
    if not editable(locked):
        raise RuleSetLocked(f"{locked} cannot change: copy it to make a new draft")
    source = f"rule set {locked.ruleset_id}"
    ruleset = checked(text, source)
    _confirm_left_out(ruleset, confirmed_left_out)
    if _clash(version.authority, ruleset.id, ruleset.version, exclude_pk=locked.pk):
        raise problem(
            source,
            "version",
            f"{ruleset.id} version {ruleset.version} is already used by another version",
        )
    save_versioned(
        locked,
        expected_row_version,
        version_field="row_version",
        yaml_text=text,
        checksum=checksum(text),
        ruleset_id=ruleset.id,
        version=ruleset.version,
        name=ruleset.name,
        effective_from=ruleset.effective_from,
    )
    version.refresh_from_db()
    return version


# ----- The guided form: points per level, bands, ranges and amounts -----


def scheme_of(version: RuleSetVersion) -> dict:
    """What the guided form edits, read from the draft (schema 1 read as schema 2): points per
    level, how money is published, and each band with its range and amounts. Amounts vary by
    hours when the scheme lists hours; exceptions per setting type are kept as they are."""
    data = stored_rule_file_data(version.yaml_text)
    if data.get("schema_version") == 1:
        data = upgraded(data, version.ruleset)
    ruleset = version.ruleset
    funding = ruleset.funding
    bands = []
    for band in ruleset.bands:
        every = band.top_up.every if band.top_up is not None else None
        bands.append(
            {
                "name": band.name,
                "description": band.description or "",
                "min_points": band.min_points,
                "max_points": band.max_points
                if band.max_points is not None
                else max(ruleset.highest_total(), band.min_points),
                "funded": band.funded,
                "amounts": {
                    hours: pounds_decimal(every.for_hours(hours)) if every is not None else None
                    for hours in (funding.hours or (None,))
                },
                "exceptions": sorted(band.top_up.exceptions) if band.top_up is not None else [],
            }
        )
    return {
        "points": list(data["points"]["default"]),
        "per": funding.period.per,
        "terms_per_year": funding.period.per_year if funding.period.per == "term" else None,
        "hours": list(funding.hours),
        "bands": bands,
    }


def ruleset_update_scheme(
    version: RuleSetVersion,
    *,
    points,
    per: str,
    terms_per_year: int | None,
    bands,
    expected_row_version: int,
    by,
    confirmed_left_out=(),
) -> RuleSetVersion:
    """Save the guided form: points per level (0–4) in every domain without its own, the
    period of the figures, and the bands in order: each ``{name, description, min_points,
    max_points, funded, amounts: {hours or None: Decimal pounds}}``. Bands may be added,
    removed and renamed; a band kept by name keeps its exceptions per setting type.
    Everything else in the scheme stays as it is. Checked in full before saving."""
    data = stored_rule_file_data(version.yaml_text)
    if data.get("schema_version") == 1:
        data = upgraded(data, version.ruleset)
    data["points"]["default"] = list(points)
    funding = dict(data.get("funding") or {})
    funding["per"] = per
    if per == "term":
        funding["terms_per_year"] = terms_per_year
    else:
        funding.pop("terms_per_year", None)
    data["funding"] = funding
    previous = {band["name"]: band for band in data["bands"]}
    written = []
    for band in bands:
        row = {"name": band["name"]}
        if band.get("description"):
            row["description"] = band["description"]
        row["min_points"] = band["min_points"]
        row["max_points"] = band["max_points"]
        if not band["funded"]:
            row["top_up"] = "none"
        else:
            amounts = band["amounts"]
            every = (
                _decimal_data(amounts[None])
                if list(amounts) == [None]
                else {f"{hours} hours": _decimal_data(value) for hours, value in amounts.items()}
            )
            kept = previous.get(band.get("was", band["name"]), {}).get("top_up")
            exceptions = (
                {code: figure for code, figure in kept.items() if code != "all"}
                if isinstance(kept, dict) and "all" in kept
                else {}
            )
            row["top_up"] = {"all": every, **exceptions} if exceptions else every
        written.append(row)
    data["bands"] = written
    return ruleset_update_yaml(
        version,
        _dump(data),
        expected_row_version=expected_row_version,
        by=by,
        confirmed_left_out=confirmed_left_out,
    )


def _decimal_data(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def ruleset_update_points(version: RuleSetVersion, points, *, by) -> RuleSetVersion:
    """Change only the points per level (0–4), keeping the bands and funding as they are."""
    data = stored_rule_file_data(version.yaml_text)
    data["points"]["default"] = list(points)
    ruleset = version.ruleset
    names = framework_domains() or {}
    return ruleset_update_yaml(
        version,
        _dump(data),
        expected_row_version=version.row_version,
        by=by,
        confirmed_left_out=framework_domains_left_out(ruleset, tuple(names)),
    )


@transaction.atomic
def ruleset_activate(
    version: RuleSetVersion, *, by, expected_version: int | None = None
) -> RuleSetVersion:
    """Make a draft the authority's active rule set; the previous active one is retired.
    Recommendations already stored keep the version they were worked out with. With
    ``expected_version`` (the draft's ``row_version`` the admin's page showed), a draft changed
    since raises ConflictError."""
    locked = RuleSetVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != RuleSetStatus.DRAFT or locked.authority_id is None:
        raise RuleSetLocked("Only a draft of this authority can be activated")
    if expected_version is not None and locked.row_version != expected_version:
        raise ConflictError(locked)
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


# ----- The scheme in words, for its page and the check page -----


def amount_text(ruleset, amount) -> str:
    """A published amount with its period, and its annual equivalent when paid by term:
    "£251 a term at 30 hours a week, £125.50 at 15 hours (£753 and £376.50 a year)"."""
    from .rules.money import money

    period = ruleset.funding.period
    figures = list(reversed(amount.figures))  # most hours first
    if not amount.by_hours:
        ((_, pence),) = figures
        text = f"{money(pence)} {period.phrase()}"
        return text if period.per == "year" else f"{text} ({money(pence * period.per_year)} a year)"
    parts = [
        f"{money(pence)} {period.phrase()} at {hours} hours a week"
        if index == 0
        else f"{money(pence)} at {hours} hours"
        for index, (hours, pence) in enumerate(figures)
    ]
    text = ", ".join(parts)
    if period.per == "year":
        return text
    annual = " and ".join(money(pence * period.per_year) for _, pence in figures)
    return f"{text} ({annual} a year)"


def band_rows(ruleset) -> list[dict]:
    """Each band's name, range and money as published, for the scheme's page."""
    from .rules.codes import SETTING_TYPE_LABELS

    rows = []
    for band in ruleset.bands:
        top_up = band.top_up
        if top_up is None:
            money_text, exceptions = "No top-up", []
        else:
            money_text = (
                f"{amount_text(ruleset, top_up.every)} in every type of setting"
                if top_up.every is not None
                else "By type of setting"
            )
            exceptions = [
                (SETTING_TYPE_LABELS[code], amount_text(ruleset, amount))
                for code, amount in top_up.exceptions.items()
            ]
        rows.append(
            {
                "label": band.label,
                "points_range": band.points_range(),
                "money": money_text,
                "exceptions": exceptions,
            }
        )
    return rows


def left_out_names(ruleset) -> list[str]:
    names = framework_domains() or {}
    return [names[code] for code in framework_domains_left_out(ruleset, tuple(names))]
