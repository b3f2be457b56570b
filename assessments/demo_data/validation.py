"""Check generated data with the app's own validation, read back from the database.

Used by the tests (every record at demo scale) and by hand on bigger runs. Calls the real
functions where they exist: ``ChildForm`` and ``SettingForm`` (on every record, or a sample),
``validators.upn_problem`` and ``need_code_problems``, ``services.missing_answers`` and
``vectors.profile_vectors``, the framework's ``domains_for_age``."""

from __future__ import annotations

import random
from collections import defaultdict

from django.utils import timezone

from assessments.forms import ChildForm
from assessments.models import (
    Assessment,
    AssessmentStatus,
    AssessmentStatusChange,
    Child,
    DomainRating,
)
from assessments.rules.codes import PHASE_AGE_RANGES
from assessments.services import missing_answers
from assessments.validators import need_code_problems, upn_problem
from assessments.vectors import profile_vectors
from valuing_send.authorities.models import Role, SettingCapability
from valuing_send.core.dates import age_on
from valuing_send.register.services import SettingForm


def child_form_data(child: Child) -> dict:
    """What a person would type into the child form to record this child."""
    data = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "upn": child.upn,
        "gender": child.gender,
        "ethnicity": child.ethnicity,
        "current_setting": child.current_setting_id or "",
        "sen_status": child.sen_status,
        "primary_need": child.primary_need,
        "secondary_need": child.secondary_need,
        "held_band": child.held_band or "",
        "caseworker": child.caseworker_id or "",
        "version": child.version,
    }
    for name in ("date_of_birth", "sen_support_start_date", "plan_start_date", "next_review_date"):
        value = getattr(child, name)
        for part, text in zip(
            ("day", "month", "year"),
            (value.day, value.month, value.year) if value else ("", "", ""),
            strict=True,
        ):
            data[f"{name}_{part}"] = str(text)
    return data


def validate_authority(authority, *, form_sample: int | None = None, seed: int = 0) -> list[str]:
    """Every problem found, as sentences (empty when all is well). ``form_sample``: run the
    real forms on that many children and settings (all when None)."""
    problems: list[str] = []
    today = timezone.localdate()
    chooser = random.Random(seed)

    # Settings: the register form's field validators and rules, and 12 capabilities each.
    settings = list(authority.settings_register.all())
    checked = (
        settings
        if form_sample is None
        else chooser.sample(settings, min(form_sample, len(settings)))
    )
    for setting in checked:
        data = {
            "name": setting.name,
            "urn": setting.urn,
            "ukprn": setting.ukprn,
            "phase": setting.phase,
            "setting_type": setting.setting_type,
            "capacity": "" if setting.capacity is None else setting.capacity,
            "is_active": "on" if setting.is_active else "",
            "version": setting.version,
        }
        form = SettingForm(data, instance=setting, authority=authority)
        if not form.is_valid():
            problems.append(f"setting {setting.pk} {setting.name}: {form.errors.as_data()}")
    capabilities = defaultdict(dict)
    for setting_id, domain, level in SettingCapability.objects.filter(
        setting__authority=authority
    ).values_list("setting_id", "domain", "level"):
        capabilities[setting_id][domain] = level
    framework_domains = None
    settings_by_id = {s.pk: s for s in settings}

    # Children: the child form on every child (or a sample), and cheaper checks on all.
    caseworkers = set(
        authority.memberships.active()
        .filter(role=Role.CASEWORKER)
        .values_list("user_id", flat=True)
    )
    children = list(authority.children.all())
    upns = [c.upn for c in children if c.upn]
    if len(upns) != len(set(upns)):
        problems.append("UPNs are not unique within the authority")
    sample = (
        children
        if form_sample is None
        else chooser.sample(children, min(form_sample, len(children)))
    )
    for child in sample:
        form = ChildForm(child_form_data(child), authority=authority, child=child)
        if not form.is_valid():
            problems.append(f"child {child.pk}: {form.errors.as_data()}")
    for child in children:
        if child.upn:
            problem = upn_problem(child.upn)
            if problem or child.upn[1:4] != authority.la_code:
                problems.append(f"child {child.pk}: UPN {child.upn}: {problem or 'not this LA'}")
        for field, problem in need_code_problems(
            child.sen_status, child.primary_need, child.secondary_need
        ).items():
            problems.append(f"child {child.pk}: {field}: {problem}")
        if child.sen_status not in ("E", "K"):
            problems.append(f"child {child.pk}: SEN status {child.sen_status}")
        if not 0 <= child.age_on(today) <= 25:
            problems.append(f"child {child.pk}: aged {child.age_on(today)}")
        if (child.sen_status == "E") != (child.plan_start_date is not None):
            problems.append(f"child {child.pk}: plan start date and status disagree")
        for name in ("plan_start_date", "sen_support_start_date"):
            value = getattr(child, name)
            if value and not child.date_of_birth <= value <= today:
                problems.append(f"child {child.pk}: {name} {value} outside birth..today")
        if child.held_band is not None and (
            child.sen_status != "E" or not 1 <= child.held_band <= 20
        ):
            problems.append(f"child {child.pk}: held band {child.held_band}")
        if child.caseworker_id not in caseworkers:
            problems.append(f"child {child.pk}: caseworker {child.caseworker_id} is not one here")
        if child.current_setting_id is not None:
            setting = settings_by_id.get(child.current_setting_id)
            if setting is None:
                problems.append(f"child {child.pk}: setting not in this authority's register")
            else:
                low, high = PHASE_AGE_RANGES[setting.phase]
                if not low <= child.age_on(today) <= high:
                    problems.append(
                        f"child {child.pk}: aged {child.age_on(today)} at a {setting.phase} setting"
                    )

    # Assessments: complete per missing_answers, vectors as profile_vectors computes them.
    ratings = defaultdict(list)
    for rating in DomainRating.objects.filter(assessment__authority=authority):
        ratings[rating.assessment_id].append(rating)
    changes = defaultdict(list)
    for change in AssessmentStatusChange.objects.filter(assessment__authority=authority).order_by(
        "at", "pk"
    ):
        changes[change.assessment_id].append((change.from_status, change.to_status, change.by_id))
    born = {c.pk: c.date_of_birth for c in children}
    current_count = defaultdict(int)
    frameworks = {}
    for assessment in Assessment.objects.filter(authority=authority):
        framework = frameworks.get(assessment.framework_id)
        if framework is None:
            framework = frameworks[assessment.framework_id] = assessment.framework
        assessment.framework = framework
        definition = framework.definition
        if framework_domains is None:
            framework_domains = set(definition.domain_codes)
            for setting_id, levels in capabilities.items():
                if set(levels) != framework_domains or not all(
                    0 <= v <= 4 for v in levels.values()
                ):
                    problems.append(f"setting {setting_id}: capabilities {levels}")
            if set(capabilities) != set(settings_by_id):
                problems.append("some settings have no capabilities")
        own = ratings[assessment.pk]
        if assessment.status == AssessmentStatus.COMPLETE:
            current_count[assessment.child_id] += 1
        missing = missing_answers(assessment, own)
        if missing:
            problems.append(f"assessment {assessment.pk}: {missing[:3]}")
        if profile_vectors(definition.domain_codes, own) != (
            assessment.need_vector,
            assessment.ability_vector,
            assessment.family_vector,
        ):
            problems.append(f"assessment {assessment.pk}: vectors differ from profile_vectors")
        age = age_on(born[assessment.child_id], timezone.localtime(assessment.created_at).date())
        expected = {d.code for d in definition.domains_for_age(age)}
        if {r.domain for r in own} != expected:
            problems.append(f"assessment {assessment.pk}: rated domains do not fit age {age}")
        if any(r.level is None or not 0 <= r.level <= 4 for r in own):
            problems.append(f"assessment {assessment.pk}: level out of range")
        expected_changes = [("", "draft"), ("draft", "complete")]
        if assessment.status == AssessmentStatus.SUPERSEDED:
            expected_changes.append(("complete", "superseded"))
        if [(f, t) for f, t, _ in changes[assessment.pk]] != expected_changes:
            problems.append(f"assessment {assessment.pk}: status changes {changes[assessment.pk]}")
        if not assessment.completed_at or assessment.completed_at > timezone.now():
            problems.append(f"assessment {assessment.pk}: completed at {assessment.completed_at}")
        elif timezone.localdate(assessment.created_at) < framework.effective_from:
            problems.append(
                f"assessment {assessment.pk}: started on {assessment.created_at:%Y-%m-%d}, "
                f"before its framework was in use ({framework.effective_from})"
            )
    if set(current_count) != set(born) or any(v != 1 for v in current_count.values()):
        problems.append("every child must have exactly one complete assessment")
    return problems
