"""Indicators in one shape, local or published: area or authority × period × indicator ×
breakdown → value, with the numerator and denominator it was worked out from.

- ``PublishedArea``, ``PublishedFigure``, ``StatisticalNeighbour``: DfE's published figures for
  England, its regions and every local authority, imported by ``manage.py import_published``
  (``published.py``). Reference data: the same for every authority, read by any manager.
- ``SnapshotRun``, ``IndicatorSnapshot``: the authority's own figures, worked out from its
  cases by ``snapshots.py`` (a Celery task) and read by the dashboards. Case-derived data:
  always reached through the authority.
- ``AmbitionTarget``: the targets an authority sets for the 10 system ambitions.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from valuing_send.authorities.models import Authority


class AreaLevel(models.TextChoices):
    ENGLAND = "england", "England"
    REGION = "region", "Region"
    AUTHORITY = "authority", "Local authority"


class PublishedArea(models.Model):
    """England, a region or a local authority as DfE publishes it.

    ``code`` is stable across DfE's re-codings: the 3-digit DfE LA number for authorities (an
    authority's ONS code changed with some reorganisations; its LA number did not), the ONS
    code for regions and England. ``current`` marks the 153 authorities of the latest release;
    authorities that no longer exist (Cumbria, Northamptonshire, …) keep their history."""

    level = models.CharField(max_length=10, choices=AreaLevel.choices)
    code = models.CharField(max_length=9, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    name = models.CharField(max_length=120)
    region = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="authorities"
    )
    current = models.BooleanField(default=False)

    class Meta:
        ordering = ["level", "name"]
        indexes = [models.Index(fields=["ons_code"])]

    def __str__(self):
        return self.name

    @property
    def is_authority(self) -> bool:
        return self.level == AreaLevel.AUTHORITY


class StatisticalNeighbour(models.Model):
    """DfE's children's services statistical neighbours: ten per authority, closest first."""

    area = models.ForeignKey(PublishedArea, on_delete=models.CASCADE, related_name="neighbours")
    neighbour = models.ForeignKey(PublishedArea, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    proximity = models.CharField(max_length=30)

    class Meta:
        ordering = ["area", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["area", "rank"], name="one_neighbour_per_rank"),
        ]

    def __str__(self):
        return f"{self.area} neighbour {self.rank}: {self.neighbour}"


class PublishedFigure(models.Model):
    """One published figure. ``year`` is the January it belongs to: a January snapshot
    (``time_period`` 202425) and the calendar year before it (2024) are both year 2025, as DfE
    pairs them in one release. ``marker`` keeps DfE's special values as published (x not
    available, c suppressed, z not applicable; LAIT's "-"), with ``value`` empty.
    ``derived``: worked out by us from DfE's published counts (a share DfE does not publish,
    or ages summed into phases), never a figure DfE printed."""

    area = models.ForeignKey(PublishedArea, on_delete=models.CASCADE, related_name="figures")
    indicator = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    time_period = models.CharField(max_length=6)
    dimension = models.CharField(max_length=30, blank=True)
    category = models.CharField(max_length=80, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    marker = models.CharField(max_length=1, blank=True)
    derived = models.BooleanField(default=False)
    source = models.CharField(max_length=80)

    class Meta:
        ordering = ["indicator", "year", "dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "indicator", "year", "dimension", "category"],
                name="one_published_figure",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year", "dimension"])]

    def __str__(self):
        shown = self.marker or self.value
        return f"{self.area} {self.indicator} {self.year} {self.dimension}={self.category}: {shown}"


class PublishedImport(models.Model):
    """What one run of ``import_published`` loaded and skipped, and why."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=300)
    figures = models.PositiveIntegerField(default=0)
    areas = models.PositiveIntegerField(default=0)
    neighbours = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"Import of {self.figures} published figures at {self.started_at:%Y-%m-%d %H:%M}"


class SnapshotTrigger(models.TextChoices):
    CHANGE = "change", "A change to the caseload"
    NIGHTLY = "nightly", "The nightly recompute"
    MANUAL = "manual", "Asked for by a member of staff"
    HISTORY = "history", "Earlier years worked out from the records' dates"


class SnapshotRun(models.Model):
    """One recompute of an authority's indicators for one period."""

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="indicator_runs"
    )
    period = models.DateField(help_text="The census date the figures belong to.")
    as_at = models.DateField(help_text="The day the figures describe (the census date once past).")
    trigger = models.CharField(max_length=10, choices=SnapshotTrigger.choices)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)
    # The run whose rows the period holds now (a later run of the period replaces them).
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["authority", "period", "-started_at"]),
            models.Index(fields=["authority", "current", "period"]),
        ]

    def __str__(self):
        return f"Indicators for {self.authority} as at {self.as_at}"


class IndicatorSnapshot(models.Model):
    """One local figure: the indicator for a breakdown category (``dimension`` and ``category``
    empty for the whole authority), with the numerator and denominator kept."""

    # Figures are derived rows, written only by ``snapshots.store`` in bulk, all of them from
    # the run it creates in the same transaction (and the run's authority, kept on each figure
    # for the pages' reads). So the database checks no key per figure: those checks (two per
    # figure, 14,000 for a Kent-size period) were half of writing the figures. Deleting a run
    # or an authority still deletes its figures (Django's cascade).
    authority = models.ForeignKey(
        Authority,
        on_delete=models.CASCADE,
        related_name="indicator_snapshots",
        db_constraint=False,
        db_index=False,  # the index below starts with it
    )
    run = models.ForeignKey(
        SnapshotRun,
        on_delete=models.CASCADE,
        related_name="snapshots",
        db_constraint=False,
        db_index=False,  # the unique constraint below starts with it
    )
    period = models.DateField()
    indicator = models.CharField(max_length=60)
    dimension = models.CharField(max_length=30, blank=True)
    category = models.CharField(max_length=80, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["period", "indicator", "dimension", "category"]
        constraints = [
            # Per run, not per period: a period's figures are replaced by a new run's
            # (``snapshots.store``, one at a time per authority), and new rows whose keys
            # repeat rows deleted in the same transaction cost a check of each deleted row.
            models.UniqueConstraint(
                fields=["run", "indicator", "dimension", "category"],
                name="one_figure_per_run",
            ),
        ]
        indexes = [models.Index(fields=["authority", "indicator", "dimension"])]

    def __str__(self):
        return f"{self.indicator} {self.period} {self.dimension}={self.category}: {self.value}"


class AmbitionTarget(models.Model):
    """The target an authority sets for one indicator evidencing one of the 10 system
    ambitions. Two managers may edit it: the version is checked on save."""

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="ambition_targets"
    )
    ambition = models.PositiveSmallIntegerField()
    indicator = models.CharField(max_length=60)
    target = models.DecimalField(max_digits=12, decimal_places=1)
    note = models.CharField("Why this target", max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["ambition", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "ambition", "indicator"], name="one_target_per_indicator"
            ),
        ]

    def __str__(self):
        return f"Ambition {self.ambition}: {self.indicator} target {self.target}"
