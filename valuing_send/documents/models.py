"""A document made by a worker: a PDF (needs profile, evidence pack, letter, report) or a zip of
PDFs, stored privately and downloaded only through the authorised view.

A document is keyed by its authority, kind, subject and a hash of the HTML it is made from
(``data_hash``): asking again with unchanged data finds the stored one; changed data makes a
new one. Its lifecycle goes through ``valuing_send.core.workflow``:

    queued → rendering → ready
                       → queued (an attempt failed; tried again, a bounded number of times)
                       → failed → queued (someone asks to try again)

A file name is set only in the same step that makes the document ready, after the whole file
is stored, so nothing half-written is ever served.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from valuing_send.authorities.models import Authority
from valuing_send.core.models import StatusChange
from valuing_send.core.workflow import Move, Workflow

# Attempts at making one document before it is shown as failed: a render that raises, or a
# worker that dies mid-render (the task is delivered again and counts as another attempt).
MAX_ATTEMPTS = 3


class DocumentKind(models.TextChoices):
    PROFILE = "profile", "Needs profile"
    FAMILY_PROFILE = "family_profile", "Needs profile for the family"
    SCHOOL_PROFILES = "school_profiles", "Needs profiles of a school"
    EVIDENCE_PACK = "evidence_pack", "Panel evidence pack"
    MEETING_PROFILES = "meeting_profiles", "Needs profiles of a panel meeting"
    LETTER = "letter", "Decision letter"
    INDICATOR_REPORT = "indicator_report", "Indicator report"
    SUBJECT_ACCESS = "subject_access", "Everything held about a child (subject access)"


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RENDERING = "rendering", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class DocumentQuerySet(models.QuerySet):
    def for_subject(self, kind: str, subject_id: int):
        return self.filter(kind=kind, subject_id=subject_id)


class Document(models.Model):
    workflow = Workflow(
        [
            Move("queued", "rendering"),
            # The worker died during an attempt and the task was delivered again.
            Move("rendering", "rendering"),
            Move("rendering", "ready"),
            Move("rendering", "queued"),
            Move("rendering", "failed"),
            Move("queued", "failed"),
            Move("failed", "queued", action="document.view", label="Try again"),
        ],
        history="documents.DocumentStatusChange",
        subject_field="document",
    )

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    subject_id = models.PositiveBigIntegerField(
        help_text="The primary key of what the document is about (an assessment, a setting…)."
    )
    data_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the HTML the PDF is made from, with the stylesheet and renderer "
        "version; empty for zips, which are made afresh each time.",
    )
    title = models.CharField(max_length=300)
    filename = models.CharField(
        max_length=120, help_text="The download's name: never a child's name."
    )
    content_type = models.CharField(max_length=40, default="application/pdf")
    html = models.TextField(
        blank=True, help_text="The HTML to render, kept until the PDF is stored."
    )
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    render_ms = models.PositiveIntegerField(null=True, blank=True)
    # Zips: how many of their PDFs are done.
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "subject_id", "data_hash"],
                condition=~Q(data_hash=""),
                name="one_document_per_subject_and_data",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file_name=""), name="ready_document_has_file"
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "kind", "subject_id"], name="document_subject")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {DocumentStatus.READY, DocumentStatus.FAILED}

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_bundle(self) -> bool:
        return self.content_type == "application/zip"

    @property
    def percent(self) -> int:
        if self.is_ready:
            return 100
        return 100 * self.processed // self.total if self.total else 0


class DocumentStatusChange(StatusChange):
    """When a document was queued, started, made, retried or failed, and for whom."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChange.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(by__isnull=False), name="document_status_change_has_actor"
            )
        ]
