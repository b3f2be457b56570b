"""Children, the needs framework they are assessed against, and their needs profiles."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments import codes
from assessments.rules import codes as rule_codes
from assessments.rules import ruleset_from_yaml
from valuing_send.audit.queryset import AuditedQuerySet
from valuing_send.authorities.models import Authority, Setting
from valuing_send.core.dates import age_on, years_before
from valuing_send.core.models import StatusChange
from valuing_send.core.workflow import Move, Workflow


class NeedsFramework(models.Model):
    """A version of the needs framework (domains, levels, descriptors) loaded from ``seeds/``.

    Immutable once loaded: a new version is a new row, and each assessment keeps the version it
    was made with. ``content`` is the validated YAML (see ``assessments/framework.py``)."""

    version = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    effective_from = models.DateField()
    content = models.JSONField()
    checksum = models.CharField(max_length=64)
    source = models.CharField(max_length=200)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-version"]

    def __str__(self):
        return f"{self.name} {self.version}"

    @property
    def definition(self):
        from assessments.framework import definition_for

        return definition_for(self)


class ChildQuerySet(AuditedQuerySet):
    def with_sen(self):
        return self.exclude(sen_status="N")

    def with_ehc_plan(self):
        return self.filter(sen_status="E")

    def aged_between(self, youngest: int, oldest: int, on: datetime.date):
        """Children whose age in whole years on ``on`` is within [youngest, oldest]."""
        born_after = years_before(on, oldest + 1)
        born_on_or_before = years_before(on, youngest)
        return self.filter(date_of_birth__gt=born_after, date_of_birth__lte=born_on_or_before)

    def search(self, text: str):
        """The start of a first or last name (each word), a UPN, or a date of birth (DD/MM/YYYY)."""
        text = " ".join(text.split())
        if not text:
            return self
        upn = text.replace(" ", "").upper()
        if len(upn) == 13 and upn[1:12].isdigit():
            return self.filter(upn=upn)
        try:
            born = datetime.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            pass
        else:
            return self.filter(date_of_birth=born)
        # Each word must start a first or last name ("pat" finds Patel): prefix matches use the
        # pattern indexes of migration 0004, where a match anywhere would read every child.
        query = self
        for word in text.split(" "):
            query = query.filter(Q(first_name__istartswith=word) | Q(last_name__istartswith=word))
        return query


class Child(models.Model):
    """A child or young person (0–25) known to the authority's SEND service."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    upn = models.CharField("Unique pupil number (UPN)", max_length=13, blank=True)
    gender = models.CharField(max_length=1, choices=codes.GENDERS, default="U")
    ethnicity = models.CharField(max_length=4, choices=codes.ETHNICITIES, default="NOBT")
    current_setting = models.ForeignKey(
        Setting, on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    sen_status = models.CharField(
        "SEN status", max_length=1, choices=rule_codes.SEN_STATUSES, default="K"
    )
    primary_need = models.CharField(max_length=4, choices=codes.NEED_TYPES, blank=True)
    secondary_need = models.CharField(max_length=4, choices=codes.NEED_TYPES, blank=True)
    held_band = models.PositiveSmallIntegerField(
        "Funding band held",
        null=True,
        blank=True,
        help_text="The top-up band the child's setting receives now.",
    )
    sen_support_start_date = models.DateField("SEN support started", null=True, blank=True)
    plan_start_date = models.DateField("EHC plan started", null=True, blank=True)
    plan_ceased_date = models.DateField("EHC plan ceased", null=True, blank=True)
    plan_cease_reason = models.CharField(max_length=1, choices=codes.CEASE_REASONS, blank=True)
    next_review_date = models.DateField("Next review due", null=True, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "upn"], condition=~Q(upn=""), name="unique_upn_per_authority"
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "last_name", "first_name"]),
            models.Index(fields=["authority", "date_of_birth"]),
            models.Index(fields=["authority", "sen_status", "primary_need"]),
            # The children list's review-date filter (overdue, due in 30 days) and its order.
            models.Index(fields=["authority", "next_review_date"]),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.date_of_birth, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETE = "complete", "Complete"
    SUPERSEDED = "superseded", "Superseded"


class AssessmentQuerySet(AuditedQuerySet):
    """The one vocabulary for "which profile": use these rather than filtering by status."""

    def completed(self):
        """Complete, or complete once and since replaced by a later profile."""
        return self.exclude(status=AssessmentStatus.DRAFT)

    def current(self):
        return self.filter(status=AssessmentStatus.COMPLETE)

    def latest_complete(self):
        """The child's current profile (the latest completed one), or None."""
        return self.current().order_by("-completed_at", "-pk").first()

    def previous_to(self, assessment):
        """The profile completed before ``assessment`` (for a draft: the latest completed)."""
        earlier = self.completed().exclude(pk=assessment.pk)
        if assessment.completed_at:
            earlier = earlier.filter(completed_at__lt=assessment.completed_at)
        return earlier.order_by("-completed_at", "-pk").first()


class Assessment(models.Model):
    """A needs profile: the child's need level in each domain at a point in time, with the
    evidence, and how able their setting and family are to meet each need.

    Lifecycle (``workflow`` below; every change through ``valuing_send.core.workflow``):
    draft → complete → superseded (when a later one completes). A complete assessment never
    changes; a new one starts as a copy of the latest."""

    workflow = Workflow(
        [
            Move("draft", "complete", action="assessment.edit", label="Complete the assessment"),
            Move("complete", "superseded", action="assessment.edit"),
        ],
        history="assessments.AssessmentStatusChange",
        subject_field="assessment",
    )

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="assessments")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="assessments")
    framework = models.ForeignKey(
        NeedsFramework, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    request = models.CharField(
        "What is being asked for", max_length=30, choices=rule_codes.REQUESTS, default="none"
    )
    setting = models.ForeignKey(
        Setting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The child's setting when the assessment was made.",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_area = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Compact copies of the completed profile in framework domain order, one character per
    # domain ("-" not assessed): what caseload replays and indicators read in bulk.
    need_vector = models.CharField(max_length=32, blank=True)
    ability_vector = models.CharField(max_length=32, blank=True)
    family_vector = models.CharField(max_length=32, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "-created_at"]),
            models.Index(fields=["authority", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="draft"), name="one_draft_assessment_per_child"
            ),
        ]

    def __str__(self):
        return f"Needs assessment {self.pk} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class DomainRating(models.Model):
    """One domain of a needs profile."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    domain = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField(choices=rule_codes.NEED_LEVELS, null=True, blank=True)
    evidence = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=codes.EVIDENCE_SOURCES, blank=True)
    setting_ability = models.PositiveSmallIntegerField(
        choices=rule_codes.CAPACITY_LEVELS, null=True, blank=True
    )
    family_capacity = models.PositiveSmallIntegerField(
        choices=rule_codes.CAPACITY_LEVELS, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Which rendering of the question page saved this last (a random token per page load), so
    # that two tabs of the same person conflict like two people do.
    saved_by_page = models.CharField(max_length=32, blank=True, default="", db_default="")
    version = models.PositiveIntegerField(default=1)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="one_rating_per_domain"),
            models.CheckConstraint(condition=Q(level__lte=4), name="rating_level_0_to_4"),
            models.CheckConstraint(
                condition=Q(setting_ability__lte=3), name="setting_ability_0_to_3"
            ),
            models.CheckConstraint(
                condition=Q(family_capacity__lte=3), name="family_capacity_0_to_3"
            ),
        ]

    def __str__(self):
        return f"{self.domain}: {self.level}"

    EDITABLE_FIELDS = ("level", "evidence", "source", "setting_ability", "family_capacity")

    def values(self) -> dict:
        return {name: getattr(self, name) for name in self.EDITABLE_FIELDS}


class AssessmentStatusChange(StatusChange):
    """Who moved an assessment between states, and when. Rows are only ever added."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="status_changes"
    )

    class Meta(StatusChange.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(by__isnull=False), name="assessment_status_change_has_actor"
            )
        ]


class RuleSetStatus(models.TextChoices):
    SHIPPED = "shipped", "Shipped with the service"
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


_PARSED_RULESETS: dict[str, object] = {}


class RuleSetVersion(models.Model):
    """A version of a rule set (``assessments/rules``): YAML validated by the rules module.

    Shipped versions (no authority) come from ``seeds/rules`` and never change. An authority's
    admins copy one into a draft, edit and preview it, replay the caseload under it and
    activate it; the active version is what recommendations are worked out with. A version
    that has been used for a stored recommendation never changes again.

    Lifecycle: draft → active → retired (activating a draft retires the active one)."""

    workflow = Workflow(
        [
            Move("draft", "active", action="ruleset.manage", label="Make this the active rule set"),
            Move("active", "retired", action="ruleset.manage"),
        ],
        history="assessments.RuleSetStatusChange",
        subject_field="rule_set",
        version_field="row_version",
    )

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, null=True, blank=True, related_name="rule_sets"
    )
    ruleset_id = models.CharField("Rule set id", max_length=60)
    version = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    effective_from = models.DateField()
    yaml_text = models.TextField()
    checksum = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=RuleSetStatus.choices)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    row_version = models.PositiveIntegerField(default=1)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "ruleset_id", "version"],
                name="unique_rule_set_version_per_authority",
            ),
            models.UniqueConstraint(
                fields=["ruleset_id", "version"],
                condition=Q(authority__isnull=True),
                name="unique_shipped_rule_set_version",
            ),
            models.UniqueConstraint(
                fields=["authority"],
                condition=Q(status="active"),
                name="one_active_rule_set_per_authority",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.version}"

    @property
    def label(self) -> str:
        return f"rule set {self.ruleset_id} version {self.version}"

    @property
    def ruleset(self):
        """The parsed, validated rule set, parsed once per process (keyed by the text's
        checksum, so an edited draft is parsed again)."""
        found = _PARSED_RULESETS.get(self.checksum)
        if found is None:
            found = _PARSED_RULESETS[self.checksum] = ruleset_from_yaml(
                self.yaml_text, source=self.label
            )
        return found

    @property
    def is_shipped(self) -> bool:
        return self.authority_id is None


class RuleSetStatusChange(StatusChange):
    """Who drafted, activated or retired a rule set version, and when."""

    rule_set = models.ForeignKey(
        RuleSetVersion, on_delete=models.CASCADE, related_name="status_changes"
    )

    class Meta(StatusChange.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(by__isnull=False), name="rule_set_status_change_has_actor"
            )
        ]


class RecommendationQuerySet(AuditedQuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class Recommendation(models.Model):
    """What the rules recommended for one assessment under one rule set version, with the
    full result (including the plain-English trace) kept as it was worked out. People's
    decisions are recorded beside it as overrides; this row is never edited.

    Money: ``top_up`` is the **annual equivalent in pounds and pence** (a Decimal) of the
    band's published figure at the child's current type of setting: a figure published per
    term is multiplied by the scheme's terms a year, so rows under any scheme add up. It is
    null with no current setting, and when the total is above the scheme's range
    (``above_range``: no band, the funding is agreed individually at panel). ``band`` is the
    band's place in its own scheme (1 for the lowest): compare bands of different schemes by
    ``top_up``, never by number. The published figure, its period and hours variant, and the
    band's name are in ``result`` (``top_up``, ``band.label``)."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="recommendations"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="recommendations"
    )
    rule_set = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, related_name="recommendations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    tier = models.CharField(max_length=20, choices=rule_codes.TIERS)
    band = models.PositiveSmallIntegerField(null=True, blank=True)
    total_points = models.PositiveIntegerField()
    top_up = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Annual equivalent £ at the current setting type.",
    )
    above_range = models.BooleanField(
        default=False,
        help_text="The total is above the scheme's top band: funding agreed individually at panel.",
    )
    mainstream_capable = models.BooleanField()
    classification = models.CharField(max_length=30, choices=rule_codes.CLASSIFICATIONS)
    # The full result with its trace. Recommendations made in bulk (generated caseloads) keep
    # only the headline fields until first opened; see recommendations.recommendation_worked_out.
    result = models.JSONField(default=dict, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "rule_set"], name="one_recommendation_per_rule_set"
            ),
        ]
        indexes = [models.Index(fields=["authority", "classification"])]

    def __str__(self):
        return f"{self.get_tier_display()} for assessment {self.assessment_id}"


class Override(models.Model):
    """A person's decision that differs from the recommendation, with the reason. Kept beside
    the recommendation (never replacing it) so anyone can see both and why."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="overrides")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="overrides"
    )
    tier = models.CharField(max_length=20, choices=rule_codes.TIERS)
    band = models.PositiveSmallIntegerField(null=True, blank=True)
    provision = models.TextField("Provision agreed", blank=True)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"Override to {self.get_tier_display()} by {self.by}"


class ReplayStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class ReplayRun(models.Model):
    """The authority's current caseload worked out under a draft rule set and compared with
    the active one. Results are stored so they can be read, drilled into and exported later.

    Lifecycle: queued → running → done or failed; a failed run can be queued again. The worker
    makes the middle moves on behalf of the person who asked for the run."""

    workflow = Workflow(
        [
            Move("queued", "running"),
            Move("running", "done"),
            Move("running", "failed"),
            Move("queued", "failed"),
            Move("failed", "queued", action="replay.run", label="Try the replay again"),
        ],
        history="assessments.ReplayStatusChange",
        subject_field="run",
    )

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="replays")
    draft = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT, related_name="replays")
    baseline = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT, related_name="+")
    draft_checksum = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=ReplayStatus.choices, default=ReplayStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker has taken it: more than one means a worker stopped part way
    # (killed, restarted) and the task was given to another, which started again.
    attempts = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Replay {self.pk} of {self.draft}"

    @property
    def percent(self) -> int:
        return (
            100
            if self.status == ReplayStatus.DONE
            else (100 * self.processed // self.total if self.total else 0)
        )

    @property
    def is_finished(self) -> bool:
        return self.status in {ReplayStatus.DONE, ReplayStatus.FAILED}


class ReplayStatusChange(StatusChange):
    """When a replay was queued, started, finished or failed, and on whose behalf."""

    run = models.ForeignKey(ReplayRun, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChange.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(by__isnull=False), name="replay_status_change_has_actor"
            )
        ]


class ReplayChange(models.Model):
    """A child whose recommendation differs between the active and the draft rule set."""

    # A replay writes thousands of these at once (Kent: 7,500), and a foreign-key constraint
    # checks and locks the row it names once per change at commit, three times per change:
    # most of the write. So the database holds no constraint here: the replay checks the
    # children it names in one query, under a lock that keeps them from being erased until it
    # commits (replays.write_changes, services.erasure_lock), and deleting a run, child or
    # assessment through Django deletes its changes (on_delete). The indexes stay; the run's
    # is the composite one below.
    run = models.ForeignKey(
        ReplayRun,
        on_delete=models.CASCADE,
        related_name="changes",
        db_constraint=False,
        db_index=False,
    )
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    tier_before = models.CharField(max_length=20, choices=rule_codes.TIERS)
    tier_after = models.CharField(max_length=20, choices=rule_codes.TIERS)
    # Each band number is on its own scheme's scale (before: the active rules; after: the
    # replayed version): pages name bands from their scheme and compare money, never numbers.
    band_before = models.PositiveSmallIntegerField(null=True)
    band_after = models.PositiveSmallIntegerField(null=True)
    above_range_before = models.BooleanField(default=False)
    above_range_after = models.BooleanField(default=False)
    # Annual equivalent £ at the current setting type.
    top_up_before = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    top_up_after = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    mainstream_before = models.BooleanField()
    mainstream_after = models.BooleanField()
    classification_before = models.CharField(max_length=30, choices=rule_codes.CLASSIFICATIONS)
    classification_after = models.CharField(max_length=30, choices=rule_codes.CLASSIFICATIONS)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["run", "tier_before", "tier_after"])]

    def __str__(self):
        return f"{self.tier_before} → {self.tier_after} for child {self.child_id}"

    @property
    def top_up_change(self):
        return (self.top_up_after or 0) - (self.top_up_before or 0)
