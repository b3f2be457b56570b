"""Reads the indicator pages share: snapshot figures of an authority, published figures of
areas, and the published areas an authority is set beside. Each takes the authority (or the
areas), never a request, and runs a fixed number of queries whatever the data size."""

from __future__ import annotations

import dataclasses
import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from valuing_send.core.kept import KeptInProcess

from . import registry
from .models import (
    AreaLevel,
    IndicatorSnapshot,
    PublishedArea,
    PublishedFigure,
    PublishedImport,
    SnapshotRun,
    SnapshotTrigger,
    StatisticalNeighbour,
)

ENGLAND = "E92000001"


def published_label(year: int, flow: bool) -> str:
    """DfE periods as the pages name them: a January snapshot, or the calendar year before."""
    return str(year - 1) if flow else f"January {year}"


def period_label(period: datetime.date, as_at: datetime.date | None = None) -> str:
    label = f"January {period.year}"
    if as_at is not None and as_at < period:
        label += f" (so far: as at {as_at.day} {as_at:%B %Y})"
    return label


# ----- Comparators --------------------------------------------------------------------------


@dataclass
class Comparators:
    """The published areas an authority's figures are set beside, and which authority's
    published figures count as its own (with the reason, for the page to say)."""

    own: PublishedArea | None
    basis: str
    region: PublishedArea | None
    england: PublishedArea | None
    neighbours: list[PublishedArea] = field(default_factory=list)
    # The published statistics these were read from (``published_version``).
    version: tuple | None = None

    @property
    def areas(self) -> list[PublishedArea]:
        return [a for a in (self.own, self.region, self.england, *self.neighbours) if a]


# ----- Published statistics kept in the process ----------------------------------------------
#
# DfE's published statistics change only when ``import_published`` loads a release, which
# records every run (``PublishedImport``). What the indicator pages read of them (an
# authority's comparators, and the figures of those areas) is kept in each process per version
# of the statistics, and read again only when a load changed them: one small query a page
# instead of four and the building of a few thousand figures. No personal data: these are
# published national statistics.

_KEPT = KeptInProcess(limit=256)


def published_version() -> tuple:
    """What identifies the published statistics as loaded, in one query: the newest figure's,
    area's, neighbour link's and import's ids (a load writes new rows and records itself)."""
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in (PublishedFigure, PublishedArea, StatisticalNeighbour, PublishedImport)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT MAX(id) FROM {table})" for table in tables))
        return tuple(cursor.fetchone())


def comparators_for(authority) -> Comparators:
    """The authority's comparators, read once per version of the published statistics (one
    query to check the version; ``comparators_read`` when it changed). A copy: callers may
    change it."""
    version = published_version()
    kept = _KEPT.get(
        ("comparators", authority.la_code, authority.region, authority.name, version),
        lambda: dataclasses.replace(comparators_read(authority), version=version),
    )
    return dataclasses.replace(kept, neighbours=list(kept.neighbours))


def comparators_read(authority) -> Comparators:
    """Three queries. An authority carrying a real DfE LA code is compared as that authority;
    the synthetic demo authority (a code DfE does not use) was calibrated to England's figures,
    so England stands in for its own published figures and its region is found by name."""
    areas = {
        area.code: area
        for area in PublishedArea.objects.filter(
            code__in=[authority.la_code, ENGLAND]
        ).select_related("region")
    }
    own = areas.get(authority.la_code)
    england = areas.get(ENGLAND)
    if own is not None and own.level == AreaLevel.AUTHORITY:
        region = own.region
        basis = (
            f"{authority.name} carries DfE local authority code {authority.la_code}: its "
            f"published figures are DfE's for {own.name}."
        )
        neighbours = [
            link.neighbour for link in own.neighbours.select_related("neighbour").order_by("rank")
        ]
    else:
        own = None
        region = (
            PublishedArea.objects.filter(level=AreaLevel.REGION, name__iexact=authority.region)
            .order_by("code")
            .first()
            if authority.region
            else None
        )
        basis = (
            f"{authority.name} (code {authority.la_code}) is not one of DfE's published "
            "authorities: its records were generated to match England's published January "
            "2025 figures, so its figures are set beside England's"
            + (f" and the {region.name} region's" if region else "")
            + ". It has no statistical neighbours."
        )
        neighbours = []
    return Comparators(own, basis, region, england, neighbours)


# ----- Published figures --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """A published figure as the pages read it (no model instance: pages read thousands)."""

    value: Decimal | None
    numerator: int | None
    denominator: int | None
    marker: str
    derived: bool


FIGURE_FIELDS = ("value", "numerator", "denominator", "marker", "derived")


def published_set(query) -> PublishedSet:
    rows = query.values_list(
        "area__code", "indicator", "year", "dimension", "category", *FIGURE_FIELDS
    )
    return PublishedSet({tuple(row[:5]): Figure(*row[5:]) for row in rows})


class PublishedSet:
    """Published figures keyed (area code, indicator, year, dimension, category), with each
    indicator's years and latest year worked out once."""

    def __init__(self, figures: dict[tuple, Figure]):
        self.figures = figures
        years: dict[str, set[int]] = defaultdict(set)
        latest: dict[str, int] = {}
        for (_, indicator, year, _, _), figure in figures.items():
            years[indicator].add(year)
            if figure.value is not None and year > latest.get(indicator, 0):
                latest[indicator] = year
        self._years = {indicator: sorted(found) for indicator, found in years.items()}
        self._latest = latest

    def get(self, area, indicator, year, dimension="", category="") -> Figure | None:
        if area is None:
            return None
        return self.figures.get((area.code, indicator, year, dimension, category))

    def years(self, indicator: str) -> list[int]:
        return self._years.get(indicator, [])

    def latest_year(self, indicator: str) -> int | None:
        return self._latest.get(indicator)

    def value(self, area, indicator, year, dimension="", category="") -> Decimal | None:
        figure = self.get(area, indicator, year, dimension, category)
        return None if figure is None else figure.value

    def neighbour_mean(self, neighbours, indicator, year, dimension="", category=""):
        """The simple mean of the neighbours' published values (as LAIT averages them), and
        how many neighbours had one."""
        values = [
            v
            for n in neighbours
            if (v := self.value(n, indicator, year, dimension, category)) is not None
        ]
        if not values:
            return None, 0
        mean = Decimal(statistics.fmean(float(v) for v in values))
        return mean.quantize(Decimal("0.1")), len(values)


def published_for(areas, indicators, *, dimensions=("",), version=None) -> PublishedSet:
    """The published figures of ``areas`` for ``indicators``, every year: kept per version of
    the published statistics (``version`` when the caller has it, e.g. from its comparators;
    else one query finds it), read in one query when they changed. Shared: never changed."""
    areas = [a for a in areas if a is not None]
    indicators, dimensions = list(indicators), list(dimensions)
    version = published_version() if version is None else version
    return _KEPT.get(
        (
            "figures",
            tuple(sorted(a.code for a in areas)),
            tuple(sorted(indicators)),
            tuple(sorted(dimensions)),
            version,
        ),
        lambda: published_set(
            PublishedFigure.objects.filter(
                area__in=areas, indicator__in=indicators, dimension__in=dimensions
            )
        ),
    )


# ----- Local snapshots ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    period: datetime.date
    as_at: datetime.date
    computed_at: datetime.datetime | None
    from_dates: bool
    # The run whose rows the period holds: a run's rows never change (a recompute stores a new
    # run), so a page worked out from them may be kept per run (the dashboard's tiles:
    # ``views._dashboard_tiles_html``).
    run: int | None = None

    @property
    def label(self) -> str:
        return period_label(self.period, self.as_at)

    @property
    def short_label(self) -> str:
        return f"Jan {self.period.year}" + (" (so far)" if self.as_at < self.period else "")

    @property
    def slug(self) -> str:
        return self.period.isoformat()


def periods_of(authority) -> list[Period]:
    """The periods the authority has figures for, newest first, each with the run whose rows
    it holds (one indexed query)."""
    runs = SnapshotRun.objects.filter(authority=authority, current=True).order_by("-period")
    return [
        Period(
            run.period,
            run.as_at,
            run.finished_at,
            run.trigger == SnapshotTrigger.HISTORY,
            run=run.pk,
        )
        for run in runs.only("period", "as_at", "finished_at", "trigger")
    ]


@dataclass
class LocalSet:
    """Snapshot figures keyed (period, indicator, dimension, category)."""

    figures: dict[tuple, IndicatorSnapshot]

    def get(self, period, indicator, dimension="", category="") -> IndicatorSnapshot | None:
        return self.figures.get((period, indicator, dimension, category))

    def value(self, period, indicator, dimension="", category=""):
        figure = self.get(period, indicator, dimension, category)
        return None if figure is None else figure.value

    def breakdown(self, period, indicator, dimension) -> list[IndicatorSnapshot]:
        return [
            f
            for (p, i, d, _), f in self.figures.items()
            if p == period and i == indicator and d == dimension
        ]


def local_for(authority, indicators, *, periods=None, dimensions=("",)) -> LocalSet:
    """One query: the authority's snapshot figures for ``indicators``."""
    query = IndicatorSnapshot.objects.filter(authority=authority, indicator__in=list(indicators))
    if dimensions is not None:
        query = query.filter(dimension__in=list(dimensions))
    if periods is not None:
        query = query.filter(period__in=list(periods))
    return LocalSet({(f.period, f.indicator, f.dimension, f.category): f for f in query})


def by_group() -> dict[str, list[registry.Indicator]]:
    groups = defaultdict(list)
    for indicator in registry.INDICATORS:
        groups[indicator.group].append(indicator)
    return groups
