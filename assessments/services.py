"""Actions on children and needs profiles. Every write takes the acting user and runs in a
transaction; records two people may edit check their ``version``."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from valuing_send.core.locking import ConflictError, advisory_xact_lock, save_versioned
from valuing_send.core.workflow import record_start, transition

from .framework import FrameworkError, read_framework_file
from .models import Assessment, AssessmentStatus, Child, DomainRating, NeedsFramework, Override
from .recommendations import recommendation_store
from .vectors import profile_vectors

# ----- Needs framework -----


def framework_load(path) -> tuple[NeedsFramework, bool]:
    """Load a framework file; returns (framework, created). Loading the same file again is a
    no-op; a changed file under an already-loaded version is refused."""
    model, content, checksum = read_framework_file(path)
    existing = NeedsFramework.objects.filter(version=model.version).first()
    if existing is not None:
        if existing.checksum != checksum:
            raise FrameworkError(
                str(path.name),
                [
                    (
                        "version",
                        f"{model.version} is already loaded with different content: give the changed framework a new version",
                    )
                ],
            )
        return existing, False
    framework = NeedsFramework.objects.create(
        version=model.version,
        name=model.name,
        effective_from=model.effective_from,
        content=content,
        checksum=checksum,
        source=path.name,
    )
    return framework, True


def current_framework() -> NeedsFramework:
    """The framework new assessments use: the latest already in effect (else the earliest)."""
    today = timezone.localdate()
    framework = (
        NeedsFramework.objects.filter(effective_from__lte=today)
        .order_by("-effective_from", "-version")
        .first()
        or NeedsFramework.objects.order_by("effective_from").first()
    )
    if framework is None:
        raise NeedsFramework.DoesNotExist("No needs framework is loaded: run manage.py load_seeds")
    return framework


# ----- Children -----

CHILD_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "upn",
    "gender",
    "ethnicity",
    "current_setting",
    "sen_status",
    "primary_need",
    "secondary_need",
    "held_band",
    "sen_support_start_date",
    "plan_start_date",
    "plan_ceased_date",
    "plan_cease_reason",
    "next_review_date",
    "caseworker",
)


@transaction.atomic
def child_create(authority, data: dict, *, by) -> Child:
    return Child.objects.create(
        authority=authority, created_by=by, **{k: data[k] for k in CHILD_FIELDS if k in data}
    )


@transaction.atomic
def child_update(child: Child, data: dict, *, expected_version: int, by) -> Child:
    return save_versioned(
        child, expected_version, **{k: data[k] for k in CHILD_FIELDS if k in data}
    )


# What other apps hold about a child and must remove before it (panels' cases protect the
# child): each is called with the child inside ``child_erase``'s transaction. Apps above this
# one add theirs when they load (``panels/apps.py``).
BEFORE_CHILD_ERASE: list = []


# The first key of the transaction-level advisory lock between erasing children and writing
# replay changes (the second is the authority's id).
ERASURE_LOCK = 0x52504C59


def erasure_lock(authority_id: int, *, shared: bool) -> None:
    """Until the transaction ends: erasing a child of the authority takes this lock alone
    (``shared=False``), a replay writing its changes takes it shared with other replays. On
    PostgreSQL (SQLite runs one writing transaction at a time anyway)."""
    advisory_xact_lock(ERASURE_LOCK, authority_id, shared=shared)


@transaction.atomic
def child_erase(child: Child, *, by) -> None:
    """Remove the child's record and everything held with it (needs profiles, ratings,
    recommendations, decisions beside them, replay results, and what ``BEFORE_CHILD_ERASE``
    removes): the end of its retention (``valuing_send/core/retention.py``). Each row removed
    is recorded in the audit log; ``by`` is the person, or None for the retention policy."""
    from .models import Override

    # First, so that a replay writing its changes (which names children without a foreign-key
    # constraint) either finishes before this or sees the child gone (replays.write_changes).
    erasure_lock(child.authority_id, shared=False)
    for erase in BEFORE_CHILD_ERASE:
        erase(child)
    Override.objects.filter(recommendation__assessment__child=child).delete()
    child.assessments.all().delete()
    child.delete()


# ----- Assessments -----


class AssessmentNotEditable(Exception):
    """A completed or superseded assessment never changes."""


@transaction.atomic
def assessment_start(child: Child, *, by) -> tuple[Assessment, bool]:
    """Start a draft needs assessment for the child, or return the draft already open.

    A new draft copies every answer of the latest complete assessment, so a review records
    what changed rather than starting again; domains that did not exist in that framework, or
    that now apply because of the child's age, start empty."""
    Child.objects.select_for_update().filter(pk=child.pk).first()
    draft = child.assessments.filter(status=AssessmentStatus.DRAFT).first()
    if draft is not None:
        return draft, False
    framework = current_framework()
    definition = framework.definition
    previous = child.assessments.latest_complete()
    previous_values = {r.domain: r.values() for r in previous.ratings.all()} if previous else {}
    assessment = Assessment.objects.create(
        authority_id=child.authority_id,
        child=child,
        framework=framework,
        setting=child.current_setting,
        copied_from=previous,
        request=previous.request if previous else "none",
        created_by=by,
    )
    DomainRating.objects.bulk_create(
        DomainRating(
            assessment=assessment,
            domain=domain.code,
            updated_by=by,
            **previous_values.get(domain.code, {}),
        )
        for domain in definition.domains_for_age(child.age)
    )
    note = (
        f"Started from the assessment completed on {timezone.localtime(previous.completed_at):%-d %B %Y}"
        if previous
        else "Started"
    )
    record_start(assessment, by=by, reason=note)
    return assessment, True


@dataclass
class RatingConflict:
    domain: str
    theirs: dict
    yours: dict
    updated_by: object
    updated_at: object
    current_version: int


class RatingsConflict(Exception):
    def __init__(self, conflicts: list[RatingConflict]):
        super().__init__("Someone else saved some of these answers first")
        self.conflicts = conflicts


def _require_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise AssessmentNotEditable(
            f"This assessment is {assessment.get_status_display().lower()} and cannot change"
        )


@transaction.atomic
def assessment_save_ratings(
    assessment: Assessment,
    submitted: dict[str, tuple[dict, int]],
    *,
    by,
    resume_at: str = "",
    page_load: str = "",
) -> list[str]:
    """Save answers for some domains: ``{domain: (values, version the page started from)}``.

    Answers identical to what is stored are not written. If a domain was saved since the page
    was loaded (a newer version) from anywhere but this same page load (``page_load``, a token
    each rendering of the page carries), nothing is saved and ``RatingsConflict`` lists both
    sides for each such domain: another person, or the same person in another tab. Returns the
    domains written."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_draft(locked)
    current = {
        r.domain: r
        for r in assessment.ratings.select_related("updated_by").filter(domain__in=submitted)
    }
    conflicts, written = [], []
    for domain, (values, version) in submitted.items():
        rating = current.get(domain)
        if rating is None:
            continue
        if rating.values() == values:
            continue
        # A stale version is a conflict unless this very page load saved it (htmx saves each
        # change as it happens, racing the page's own "Save and continue").
        same_page = (
            page_load and rating.saved_by_page == page_load and rating.updated_by_id == by.pk
        )
        if rating.version != version and not same_page:
            conflicts.append(
                RatingConflict(
                    domain,
                    rating.values(),
                    values,
                    rating.updated_by,
                    rating.updated_at,
                    rating.version,
                )
            )
            continue
        save_versioned(rating, rating.version, updated_by=by, saved_by_page=page_load, **values)
        written.append(domain)
    if conflicts:
        transaction.set_rollback(True)
        raise RatingsConflict(conflicts)
    changes = {"last_area": resume_at} if resume_at else {}
    if written:
        # The locked row, not the caller's copy: htmx saves of other domains on this page may
        # have moved the assessment's version on since the caller read it.
        save_versioned(locked, locked.version, **changes)
        assessment.refresh_from_db(fields=["version", "last_area", "updated_at"])
    else:
        Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now(), **changes)
        assessment.refresh_from_db(fields=["version", "last_area", "updated_at"])
    return written


@transaction.atomic
def assessment_set_request(
    assessment: Assessment, request: str, *, seen: str, by, resume_at: str = ""
) -> None:
    """Record what is asked for. ``seen`` is the answer the user's page showed: if someone else
    changed it since, to something else, ConflictError (nothing silently overwritten)."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_draft(locked)
    if locked.request != seen and locked.request != request:
        raise ConflictError(locked)
    save_versioned(locked, locked.version, request=request, last_area=resume_at)
    assessment.refresh_from_db(fields=["request", "version", "last_area", "updated_at"])


def missing_answers(assessment: Assessment, ratings) -> list[tuple[str, str, str]]:
    """What must be answered before completing: (domain code, field, message).

    Every domain that applies needs a level. Where there is a need (level 1+), how able the
    setting and family are to meet it; where support beyond the ordinary is implied (level
    2+), the evidence and where it came from."""
    definition = assessment.framework.definition
    problems = []
    for rating in ratings:
        name = definition.domain(rating.domain).name.lower()
        if rating.level is None:
            problems.append((rating.domain, "level", f"Select the level of need for {name}"))
            continue
        if rating.level >= 1:
            if rating.setting_ability is None:
                problems.append(
                    (
                        rating.domain,
                        "setting_ability",
                        f"Select how well the setting can meet the {name} need",
                    )
                )
            if rating.family_capacity is None:
                problems.append(
                    (
                        rating.domain,
                        "family_capacity",
                        f"Select how well the family can support the {name} need",
                    )
                )
        if rating.level >= 2:
            if not rating.evidence.strip():
                problems.append(
                    (rating.domain, "evidence", f"Enter the evidence for the {name} level")
                )
            if not rating.source:
                problems.append(
                    (rating.domain, "source", f"Select where the {name} evidence came from")
                )
    return problems


class AssessmentIncomplete(Exception):
    def __init__(self, problems):
        super().__init__("The assessment has unanswered questions")
        self.problems = problems


@transaction.atomic
def assessment_complete(assessment: Assessment, *, expected_version: int, by) -> Assessment:
    """Complete the profile: it becomes read-only, replaces the child's previous one, and the
    recommendation under the authority's active rule set is worked out and kept."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_draft(locked)
    if locked.version != expected_version:
        raise ConflictError(locked)
    ratings = list(locked.ratings.all())
    problems = missing_answers(locked, ratings)
    if problems:
        raise AssessmentIncomplete(problems)
    needs, abilities, families = profile_vectors(locked.framework.definition.domain_codes, ratings)
    for previous in locked.child.assessments.current().exclude(pk=locked.pk):
        transition(
            previous,
            AssessmentStatus.SUPERSEDED,
            by=by,
            reason=f"Replaced by assessment {locked.pk}",
        )
    transition(
        locked,
        AssessmentStatus.COMPLETE,
        by=by,
        expected_version=expected_version,
        completed_at=timezone.now(),
        completed_by=by,
        need_vector=needs,
        ability_vector=abilities,
        family_vector=families,
    )
    assessment.refresh_from_db()
    recommendation_store(assessment)
    return assessment


@transaction.atomic
def override_record(
    recommendation, *, tier: str, band: int | None, provision: str, reason: str, by
):
    """Record a decision beside the recommendation; the recommendation itself never changes."""
    return Override.objects.create(
        authority_id=recommendation.authority_id,
        recommendation=recommendation,
        tier=tier,
        band=band,
        provision=provision.strip(),
        reason=reason.strip(),
        by=by,
    )
