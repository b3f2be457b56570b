"""Panel cases on statutory clocks, the views people give, panels, meetings, decisions and
letters.

Every row belongs to one authority and is reached through it (``authority.panel_cases``,
``authority.invitations``…), so another authority's record is a 404 in every view.
Status changes of a case go through ``valuing_send.core.workflow.transition`` (the moves are
in ``panels/workflows.py``); dates and outcomes are written by ``panels/services.py``, which
also keeps ``next_due`` (the earliest running statutory deadline, from ``panels/clocks.py``)
up to date so the work tray is one indexed query.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments import codes as child_codes
from assessments.models import Child, Recommendation
from valuing_send.audit.queryset import AuditedQuerySet
from valuing_send.authorities.models import Authority, Setting
from valuing_send.core.models import StatusChange
from valuing_send.core.workflow import Workflow

from . import clocks
from .codes import (
    CLOSED_STATUSES,
    KIND_SHORT_LABELS,
    OPEN_STATUSES,
    READY_FOR_PANEL,
    SEN_SETTINGS,
    AdviceService,
    AssessmentOutcome,
    CaseKind,
    CaseStatus,
    ContributorRole,
    DecisionOutcome,
    DisputeAbout,
    DisputeKind,
    DisputeOutcome,
    RequestOutcome,
    RequestSource,
    ReviewOutcome,
    case_reference,
    stage_of,
)
from .workflows import ALL_MOVES

USER = settings.AUTH_USER_MODEL


class PanelCaseQuerySet(AuditedQuerySet):
    def open(self):
        return self.filter(is_open=True)

    def for_caseworker(self, user):
        return self.filter(caseworker=user)

    def ready_for_panel(self):
        return self.filter(status__in=READY_FOR_PANEL)


class PanelCase(models.Model):
    """One question for the authority about one child, from the day it is raised until it is
    decided and acted on: a request for an EHC needs assessment, the decision whether to
    issue a plan, a placement or top-up request, an annual review, ceasing a plan or a phase
    transfer. A child can have several over time.

    The dates and outcomes are those the DfE SEN2 return asks for (``panels.codes.SEN2_ITEMS``
    names the item each field stands for)."""

    workflow = Workflow(ALL_MOVES, history="panels.CaseStatusChange", subject_field="case")

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="panel_cases")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="panel_cases")
    kind = models.CharField(max_length=24, choices=CaseKind.choices)
    status = models.CharField(max_length=24, choices=CaseStatus.choices)
    is_open = models.BooleanField(default=True)
    caseworker = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="panel_cases"
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text="The case this one continues (the request an assessment follows).",
    )
    # The earliest running statutory deadline (panels/clocks.py), kept by the services.
    next_due = models.DateField(null=True, blank=True)
    next_clock = models.CharField(max_length=24, blank=True)
    summary = models.TextField(
        "What is being asked", blank=True, help_text="In a sentence or two, without names."
    )

    # SEN2 module 2: the request for an EHC needs assessment.
    received_date = models.DateField(
        "Date the request was received",
        null=True,
        blank=True,
        help_text="For an assessment, the date its request was received: the clocks run from it.",
    )
    request_source = models.CharField(
        "Who made the request", max_length=20, choices=RequestSource.choices, blank=True
    )
    rya = models.BooleanField("Request made while in relevant youth accommodation", default=False)
    request_outcome = models.CharField(max_length=12, choices=RequestOutcome.choices, blank=True)
    request_outcome_date = models.DateField(
        "Date of the decision whether to assess", null=True, blank=True
    )
    exported = models.BooleanField(
        "Moved out of the authority before the assessment was completed", default=False
    )

    # SEN2 module 3: the EHC needs assessment and the decision to issue a plan.
    assessment_outcome = models.CharField(
        max_length=12, choices=AssessmentOutcome.choices, blank=True
    )
    assessment_outcome_date = models.DateField(
        "Date of the decision whether to issue a plan", null=True, blank=True
    )
    draft_plan_date = models.DateField("Date the draft plan was sent", null=True, blank=True)
    draft_comments_date = models.DateField(
        "Date the family's comments on the draft were received", null=True, blank=True
    )
    final_plan_date = models.DateField("Date the final plan was issued", null=True, blank=True)

    # Placement named or asked for (SEN2 plan detail), and the funding asked for.
    setting = models.ForeignKey(
        Setting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="panel_cases",
        help_text="The setting named in the plan or asked for.",
    )
    sen_setting = models.CharField(
        "Other arrangement (SEN2)", max_length=4, choices=SEN_SETTINGS, blank=True
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="panel_cases",
        help_text="The child's recommendation when the case was opened.",
    )
    requested_band = models.PositiveSmallIntegerField(null=True, blank=True)
    requested_top_up = models.PositiveIntegerField(
        "Top-up asked for (£ a year)", null=True, blank=True
    )

    # Annual review.
    review_since = models.DateField("Date of the plan or the last review", null=True, blank=True)
    review_meeting_date = models.DateField(null=True, blank=True)
    review_papers_date = models.DateField("Date the review papers were sent", null=True, blank=True)
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    review_decision_date = models.DateField(
        "Date the review decision was sent", null=True, blank=True
    )
    amendments_date = models.DateField(
        "Date the proposed amendments were sent", null=True, blank=True
    )
    amended_plan_date = models.DateField("Date the amended plan was issued", null=True, blank=True)

    # Ceasing a plan (SEN2 named plan).
    cease_date = models.DateField("Date the plan ceased", null=True, blank=True)
    cease_reason = models.CharField(max_length=1, choices=child_codes.CEASE_REASONS, blank=True)

    # Phase transfer.
    transfer_year = models.PositiveSmallIntegerField(
        "Year of the move", null=True, blank=True, help_text="The calendar year the child moves."
    )
    into_post16 = models.BooleanField("Moving from school into post-16", default=False)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PanelCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "case"
        indexes = [
            # The work tray: open cases by next deadline, for the team and per caseworker.
            models.Index(
                fields=["authority", "next_due"],
                condition=Q(is_open=True),
                name="panelcase_open_tray",
            ),
            models.Index(
                fields=["authority", "caseworker", "next_due"],
                condition=Q(is_open=True),
                name="panelcase_open_caseworker",
            ),
            models.Index(fields=["child", "-created_at"], name="panelcase_child"),
            models.Index(fields=["authority", "kind", "received_date"], name="panelcase_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_open=True, status__in=sorted(OPEN_STATUSES))
                | Q(is_open=False, status__in=sorted(CLOSED_STATUSES)),
                name="panelcase_open_matches_status",
            ),
            # A band's place in its scheme starts at 1; a scheme may have any number of bands
            # (Herefordshire's matrix has 21), so the form offers the active scheme's bands.
            models.CheckConstraint(
                condition=Q(requested_band__isnull=True) | Q(requested_band__gte=1),
                name="panelcase_band_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.get_kind_display()})"

    @property
    def reference(self) -> str:
        """The case's reference, safe to put in emails: no name, no date of birth."""
        return case_reference(self.kind, self.pk)

    @property
    def kind_short(self) -> str:
        return KIND_SHORT_LABELS[self.kind]

    @property
    def stage(self) -> str:
        return stage_of(self.status)

    @property
    def is_ready_for_panel(self) -> bool:
        return self.status in READY_FOR_PANEL

    def clock_dates(self, advice=(), exceptions=(), *, born=None) -> clocks.CaseDates:
        """The facts the clocks read, from this case, its advice requests and the exceptions
        recorded against it (pass them in, already fetched)."""
        return clocks.CaseDates(
            kind=self.kind,
            received=self.received_date,
            request_outcome=self.request_outcome,
            request_outcome_date=self.request_outcome_date,
            advice=tuple(
                clocks.AdviceRequest(a.service, a.asked_on, a.received_on) for a in advice
            ),
            assessment_outcome=self.assessment_outcome,
            assessment_outcome_date=self.assessment_outcome_date,
            draft_sent=self.draft_plan_date,
            draft_comments_received=self.draft_comments_date,
            final_issued=self.final_plan_date,
            born=born or (self.child.date_of_birth if self.child_id else None),
            review_since=self.review_since,
            review_meeting=self.review_meeting_date,
            review_papers_sent=self.review_papers_date,
            review_decision_sent=self.review_decision_date,
            amendments_sent=self.amendments_date,
            amended_plan_issued=self.amended_plan_date,
            transfer_year=self.transfer_year,
            into_post16=self.into_post16,
            exceptions=tuple(e.as_clock_exception() for e in exceptions),
        )

    def deadlines(self, advice=None, exceptions=None, *, born=None) -> list[clocks.Deadline]:
        advice = self.advice_requests.all() if advice is None else advice
        exceptions = self.clock_exceptions.all() if exceptions is None else exceptions
        return clocks.deadlines_for(self.clock_dates(advice, exceptions, born=born))

    @property
    def next_clock_label(self) -> str:
        return clocks.clock_label(self.next_clock)


class CaseStatusChange(StatusChange):
    """A case moved from one status to another: who (a member of staff, or someone acting
    through an invitation), when and why. Rows are only ever added."""

    case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="status_changes")
    by_invitation = models.ForeignKey(
        "Invitation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(StatusChange.Meta):
        constraints = [
            models.CheckConstraint(
                condition=(Q(by__isnull=False) & Q(by_invitation__isnull=True))
                | (Q(by__isnull=True) & Q(by_invitation__isnull=False)),
                name="case_status_change_has_one_actor",
            )
        ]
        indexes = [models.Index(fields=["case", "at"], name="case_status_change_case")]


class ClockException(models.Model):
    """An exception the Regulations allow to a time limit, recorded with its reason and date.
    It never moves the deadline: reports count the case with and without it."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="clock_exceptions"
    )
    case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="clock_exceptions")
    clock = models.CharField(
        max_length=24, choices=[(c.value, clocks.RULES[c].label) for c in clocks.Clock]
    )
    reason = models.CharField(
        max_length=24, choices=[(r.value, label) for r, label in clocks.EXCEPTION_REASONS.items()]
    )
    subject = models.CharField(
        max_length=30, blank=True, help_text="For advice: the service whose advice it affects."
    )
    recorded_on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_on", "pk"]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.citation})"

    def as_clock_exception(self) -> clocks.RecordedException:
        return clocks.RecordedException(
            clocks.Clock(self.clock),
            clocks.ExceptionReason(self.reason),
            self.recorded_on,
            self.note,
            self.subject,
        )

    @property
    def citation(self) -> str:
        return self.as_clock_exception().citation


class Dispute(models.Model):
    """A mediation or a tribunal appeal connected with the case (SEN2 counts them against
    the request, the assessment, or something else)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="disputes")
    case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="disputes")
    kind = models.CharField(max_length=10, choices=DisputeKind.choices)
    about = models.CharField(max_length=12, choices=DisputeAbout.choices)
    started_on = models.DateField()
    certificate_on = models.DateField("Mediation certificate issued", null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=14, choices=DisputeOutcome.choices, blank=True)
    after_mediation = models.BooleanField("Appeal followed mediation", default=False)
    note = models.TextField(blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} about {self.get_about_display().lower()}"


class AdviceRequest(models.Model):
    """Advice asked of a professional service for an EHC needs assessment, due 6 weeks after
    it was asked for (regulation 8). ``due`` is stored so overdue advice is one query."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="advice_requests"
    )
    case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="advice_requests")
    service = models.CharField(max_length=24, choices=AdviceService.choices)
    asked_on = models.DateField()
    due = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    invitation = models.OneToOneField(
        "Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="advice"
    )
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["asked_on", "pk"]
        indexes = [
            models.Index(
                fields=["authority", "due"],
                condition=Q(received_on__isnull=True),
                name="advice_outstanding",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due__gte=models.F("asked_on")), name="advice_due_after_asked"
            )
        ]

    def __str__(self):
        return f"{self.get_service_display()} advice asked on {self.asked_on:%-d %B %Y}"

    def save(self, *args, **kwargs):
        self.due = clocks.advice_due(self.asked_on)
        super().save(*args, **kwargs)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


INVITATION_DAYS = 28


class InvitationQuerySet(AuditedQuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, submitted_at__isnull=True, expires_at__gt=now)

    def for_token(self, token: str):
        """The invitation a link's token belongs to (the token itself is never stored)."""
        return self.filter(token_hash=_token_hash(token))


class Invitation(models.Model):
    """A secure link for someone without an account (a parent, the child or young person,
    the setting, a professional) to give their view once. The link expires, allows one
    submission and can be revoked.

    Only a hash of the token is stored. The token is an HMAC, under the service's secret key,
    of the invitation's id and a random nonce: the worker that sends the email works it out
    again from the invitation's id (no token in a task's arguments or in the broker), and a
    copy of the database alone gives no working link."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="invitations")
    case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=14, choices=ContributorRole.choices)
    service = models.CharField(max_length=24, choices=AdviceService.choices, blank=True)
    recipient_name = models.CharField(max_length=150)
    email = models.EmailField()
    nonce = models.CharField(max_length=32, default="", editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Answers saved page by page, so nothing is lost when a session expires.
    draft_answers = models.JSONField(default=dict, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Invitation to {self.get_role_display().lower()} for {self.case.reference}"

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_hex(16)

    def token(self) -> str:
        """The link's token, worked out again from the id, the nonce and the secret key."""
        from django.utils.crypto import salted_hmac

        if not (self.pk and self.nonce):
            raise ValueError("An invitation has a token once it is saved with its nonce")
        return salted_hmac(
            "panels.invitation", f"{self.pk}:{self.nonce}", algorithm="sha256"
        ).hexdigest()

    def set_token_hash(self) -> str:
        token = self.token()
        self.token_hash = _token_hash(token)
        return token

    @staticmethod
    def default_expiry(now=None):
        return (now or timezone.now()) + datetime.timedelta(days=INVITATION_DAYS)

    def matches(self, token: str) -> bool:
        return secrets.compare_digest(self.token_hash, _token_hash(token))

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.submitted_at:
            return "used"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"

    @property
    def is_usable(self) -> bool:
        return self.state == "open"

    # The workflow module's actor protocol: someone acting through this invitation.
    def workflow_actor_fields(self) -> dict:
        return {"by_invitation": self}

    def workflow_allows(self, obj) -> bool:
        return self.is_usable and getattr(obj, "pk", None) == self.case_id


class Contribution(models.Model):
    """A view on the case: from a parent or carer, the child or young person, the setting or
    a professional, given through an invitation or entered by staff on their behalf (the
    assisted route for families who don't use the web; recorded as such)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="contributions")
    case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="contributions")
    role = models.CharField(max_length=14, choices=ContributorRole.choices)
    service = models.CharField(max_length=24, choices=AdviceService.choices, blank=True)
    contributor_name = models.CharField(max_length=150, blank=True)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="contribution"
    )
    entered_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A member of staff who entered the view on the contributor's behalf.",
    )
    answers = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(invitation__isnull=False) & Q(entered_by__isnull=True))
                | (Q(invitation__isnull=True) & Q(entered_by__isnull=False)),
                name="contribution_by_invitation_or_staff",
            )
        ]

    def __str__(self):
        return f"View of the {self.get_role_display().lower()} on {self.case.reference}"

    @property
    def entered_on_behalf(self) -> bool:
        return self.entered_by_id is not None


class Panel(models.Model):
    """A standing panel of the authority (e.g. "EHC needs assessment panel")."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="panels")
    name = models.CharField(max_length=150)
    kinds = models.JSONField(
        default=list, blank=True, help_text="The kinds of case the panel decides."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="unique_panel_name")
        ]

    def __str__(self):
        return self.name


class PanelMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="panel_memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="one_panel_membership")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) on {self.panel}"


class Meeting(models.Model):
    """A sitting of a panel, with its agenda of cases ready for panel."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="meetings")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["authority", "starts_at"], name="meeting_when")]

    def __str__(self):
        return f"{self.panel} on {timezone.localtime(self.starts_at):%-d %B %Y}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(PanelCase, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="case_once_per_meeting")
        ]

    def __str__(self):
        return f"{self.position}. {self.case.reference}"


class Attendance(models.Model):
    """Who was at a meeting, and any conflict of interest they declared (with the cases it
    concerns: a member with a conflict takes no part in those decisions)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(default=True)
    conflict = models.TextField("Conflict of interest declared", blank=True)
    conflict_cases = models.ManyToManyField(PanelCase, blank=True, related_name="+")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_member")
        ]

    def __str__(self):
        return f"{self.user} {'present' if self.present else 'absent'}"


class Decision(models.Model):
    """What the panel decided on a case, with mandatory reasons, whether it follows or
    overrides the rules' recommendation, and who was there. Never edited: a later decision
    (after a deferral) is a new row."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="decisions")
    case = models.ForeignKey(PanelCase, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    outcome = models.CharField(max_length=18, choices=DecisionOutcome.choices)
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    follows_recommendation = models.BooleanField(
        null=True, help_text="Empty when the case had no recommendation to follow."
    )
    agreed_band = models.PositiveSmallIntegerField(null=True, blank=True)
    agreed_top_up = models.PositiveIntegerField(null=True, blank=True)
    reasons = models.TextField()
    members_present = models.ManyToManyField(USER, blank=True, related_name="+")
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    status_before = models.CharField(max_length=24, choices=CaseStatus.choices)
    status_after = models.CharField(max_length=24, choices=CaseStatus.choices)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["authority", "decided_at"], name="decision_when")]
        constraints = [
            models.CheckConstraint(condition=~Q(reasons=""), name="decision_has_reasons"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} on {self.case.reference}"


class Letter(models.Model):
    """A decision letter, stored with the case as the HTML that was sent."""

    class Kind(models.TextChoices):
        ASSESS = "assess", "Decision to assess"
        NOT_ASSESS = "not_assess", "Decision not to assess"
        ISSUE = "issue", "Decision to issue a plan"
        NOT_ISSUE = "not_issue", "Decision not to issue a plan"
        PLACEMENT_AGREED = "placement_agreed", "Placement and top-up agreed"
        PLACEMENT_DECLINED = "placement_declined", "Placement and top-up declined"
        REVIEW = "review", "Annual review outcome"
        CEASE = "cease", "Decision to cease the plan"
        CEASE_DECLINED = "cease_declined", "Decision not to cease the plan"
        TRANSFER = "transfer", "Phase transfer: setting agreed"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="letters")
    case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="letters")
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="letter"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    html = models.TextField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.subject


class LetterDetails(models.Model):
    """The authority's details printed on decision letters (set by an authority admin)."""

    authority = models.OneToOneField(
        Authority, on_delete=models.CASCADE, related_name="letter_details"
    )
    team_name = models.CharField(max_length=150, default="SEND Service")
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    signatory = models.CharField("Signed by (name)", max_length=150, blank=True)
    signatory_role = models.CharField("Their role", max_length=150, blank=True)
    information_service = models.TextField(
        "Information, advice and support service (SENDIASS)",
        blank=True,
        help_text="Name and how to contact the local SEND information, advice and support "
        "service, printed on every letter.",
    )
    mediation_service = models.TextField(
        "Mediation service",
        blank=True,
        help_text="Name and how to contact the mediation service the authority commissions.",
    )
    version = models.PositiveIntegerField(default=1)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "letter details"

    def __str__(self):
        return f"Letter details of {self.authority}"


class DigestSent(models.Model):
    """That a caseworker's daily email of what falls due went out on a day: the task checks
    it so running twice (a retry, a second beat) never sends twice."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    cases = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "authority", "on"], name="one_digest_a_day")
        ]

    def __str__(self):
        return f"Digest for user {self.user_id} on {self.on}"
