"""What the indicator pages show, built from snapshots and published figures by functions that
take the authority (never the request) and never write: a view renders them, and a worker can
render the same templates to a PDF.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from . import charts, labels, registry
from .queries import (
    Comparators,
    LocalSet,
    Period,
    PublishedSet,
    comparators_for,
    local_for,
    periods_of,
    published_for,
    published_label,
)
from .snapshots import FORMULAS

TILES = {
    registry.PREVALENCE: (
        "ehc_plans",
        "ehc_plans_growth_pct",
        "sen_support",
        "new_plans",
        "requests_refused_pct",
    ),
    registry.INCLUSION: (
        "plans_mainstream_pct",
        "plans_special_pct",
        "plans_independent_special_pct",
        "mainstream_capable_of_all_pct",
    ),
    registry.OUTCOMES: ("ceased_needs_met_pct", "ceased_to_work_or_study_pct", "pfa_coverage_pct"),
    registry.TIMELINESS: (
        "plans_within_20_weeks_ex",
        "plans_within_20_weeks",
        "requests_decided_6_weeks_pct",
    ),
    registry.FINANCIAL: (
        "top_up_held",
        "top_up_recommended",
        "top_up_avoidable",
        "top_up_above_range",
    ),
    registry.VALUING_SEND: (
        "avoidable_pct",
        "classified_under_supported_pct",
        "mean_setting_readiness",
        "capability_shortfall_pct",
    ),
}
DIRECTION_WORDS = {
    registry.HIGHER: "Higher is better",
    registry.LOWER: "Lower is better",
    registry.NEUTRAL: "Neither higher nor lower is better in itself",
}
PANELS_PENDING = (
    "Worked out from panel cases (requests, decisions and statutory clocks) once panels are in "
    "use; until then only DfE's published figures are shown."
)


def drill_url(
    indicator_id: str, period: datetime.date, dimension: str = "", category: str = ""
) -> str:
    query = {"indicator": indicator_id, "period": period.isoformat()}
    if dimension:
        query.update(dimension=dimension, category=category)
    return f"{reverse('indicator-children')}?{urlencode(query)}"


def is_drillable(indicator: registry.Indicator) -> bool:
    return indicator.id in FORMULAS


@dataclass
class Comparison:
    label: str
    text: str
    when: str
    value: Decimal | None = None


@dataclass
class Tile:
    indicator: registry.Indicator
    value: Decimal | None
    text: str
    detail: str
    comparisons: list[Comparison]
    href: str
    drill_href: str = ""
    note: str = ""

    @property
    def direction(self) -> str:
        return DIRECTION_WORDS[self.indicator.direction]


def _detail(indicator: registry.Indicator, snapshot) -> str:
    if snapshot is None:
        return ""
    if indicator.unit == registry.MEAN_PERCENT:
        return f"average over {snapshot.denominator:,} children"
    if indicator.is_share and snapshot.denominator is not None:
        if indicator.id == "ehc_plans_growth_pct":
            return f"{snapshot.numerator:,} plans now, {snapshot.denominator:,} a year earlier"
        return f"{snapshot.numerator:,} of {snapshot.denominator:,}"
    return ""


def comparisons(
    indicator: registry.Indicator,
    published: PublishedSet,
    comparators: Comparators,
    *,
    dimension: str = "",
    category: str = "",
) -> list[Comparison]:
    """DfE's latest published figures for the same measure: the authority's own (or the area
    standing in for it), its region, England and the mean of its statistical neighbours."""
    if not indicator.published:
        return []
    year = published.latest_year(indicator.id)
    if year is None:
        return []
    when = published_label(year, indicator.flow)
    out = []
    if comparators.own is not None:
        value = published.value(comparators.own, indicator.id, year, dimension, category)
        out.append(
            Comparison(
                f"{comparators.own.name} (DfE)",
                charts.formatted(value, indicator.unit),
                when,
                value,
            )
        )
    for area in (comparators.region, comparators.england):
        if area is not None:
            value = published.value(area, indicator.id, year, dimension, category)
            out.append(Comparison(area.name, charts.formatted(value, indicator.unit), when, value))
    if comparators.neighbours:
        mean, count = published.neighbour_mean(
            comparators.neighbours, indicator.id, year, dimension, category
        )
        if mean is not None and indicator.unit == registry.COUNT:
            mean = mean.quantize(Decimal("1"))
        label = f"Statistical neighbours (mean of {count})"
        out.append(Comparison(label, charts.formatted(mean, indicator.unit), when, mean))
    return out


def tile(
    indicator: registry.Indicator,
    period: Period | None,
    local: LocalSet,
    published: PublishedSet,
    comparators: Comparators,
) -> Tile:
    snapshot = local.get(period.period, indicator.id) if period else None
    value = snapshot.value if snapshot else None
    note = ""
    if indicator.local == registry.PANELS:
        note = PANELS_PENDING
    elif not indicator.local:
        note = indicator.local_note
    return Tile(
        indicator=indicator,
        value=value,
        text=charts.formatted(value, indicator.unit) if snapshot else "–",
        detail=_detail(indicator, snapshot),
        comparisons=comparisons(indicator, published, comparators),
        href=reverse("indicator-detail", args=[indicator.slug]),
        drill_href=drill_url(indicator.id, period.period)
        if snapshot and period and is_drillable(indicator)
        else "",
        note=note,
    )


def _chosen(periods: list[Period], period: datetime.date | None) -> Period | None:
    for candidate in periods:
        if candidate.period == period:
            return candidate
    full = [p for p in periods if not p.from_dates]
    return full[0] if full else (periods[0] if periods else None)


def dashboard_context(authority, *, period: datetime.date | None = None, periods=None) -> dict:
    """The dashboard: headline tiles for every question group (five queries; four when the
    caller already has the periods)."""
    context = dashboard_frame(authority, period=period, periods=periods)
    context["groups"] = dashboard_groups(authority, context["period"], context["comparators"])
    return context


def dashboard_frame(authority, *, period: datetime.date | None = None, periods=None) -> dict:
    """What the dashboard shows around its tiles: the periods, the one chosen and the
    comparators (one query for the version of the published statistics; one more without
    ``periods``)."""
    periods = periods_of(authority) if periods is None else periods
    return {
        "authority": authority,
        "periods": periods,
        "period": _chosen(periods, period),
        "comparators": comparators_for(authority),
    }


def dashboard_groups(authority, chosen: Period | None, comparators: Comparators) -> list[dict]:
    """The headline tiles of every question group for the chosen period (one query for the
    authority's figures; the published ones are kept per version)."""
    ids = [i for group in TILES.values() for i in group]
    local = local_for(authority, ids, periods=[chosen.period] if chosen else [])
    published = published_for(comparators.areas, ids, version=comparators.version)
    return [
        {
            "name": group,
            "slug": registry.GROUP_SLUGS[group],
            "question": registry.GROUP_QUESTIONS[group],
            "tiles": [
                tile(registry.get(i), chosen, local, published, comparators) for i in TILES[group]
            ],
        }
        for group in registry.GROUPS
    ]


def trend_chart(
    indicator: registry.Indicator,
    periods: list[Period],
    local: LocalSet,
    published: PublishedSet,
    comparators: Comparators,
    *,
    dimension: str = "",
    category: str = "",
    chart_id: str = "",
) -> charts.LineChart:
    """The local figure for every period beside DfE's published years."""
    by_year: dict[int, Decimal | None] = {}
    for p in sorted(periods, key=lambda p: (p.period, p.as_at)):
        value = local.value(p.period, indicator.id, dimension, category)
        if value is not None:
            by_year[p.period.year] = value
    years = set(by_year)
    if indicator.published:
        years |= set(published.years(indicator.id))
    years = sorted(years)
    series: list[tuple[str, list]] = []
    css: list[str] = []
    if indicator.local and by_year:
        series.append(("This authority (its records)", [by_year.get(y) for y in years]))
        css.append("local")
    # A count is only comparable with the authority's own published count: England's and the
    # region's are of another size. Shares compare with every area.
    counts = indicator.unit in (registry.COUNT, registry.POUNDS)
    if indicator.published:
        if comparators.own is not None:
            series.append(
                (
                    f"{comparators.own.name} (DfE)",
                    [
                        published.value(comparators.own, indicator.id, y, dimension, category)
                        for y in years
                    ],
                )
            )
            css.append("own")
        for area, klass in ((comparators.region, "region"), (comparators.england, "england")):
            if area is not None and not counts:
                series.append(
                    (
                        area.name,
                        [
                            published.value(area, indicator.id, y, dimension, category)
                            for y in years
                        ],
                    )
                )
                css.append(klass)
        if comparators.neighbours and not counts:
            series.append(
                (
                    "Statistical neighbours (mean)",
                    [
                        published.neighbour_mean(
                            comparators.neighbours, indicator.id, y, dimension, category
                        )[0]
                        for y in years
                    ],
                )
            )
            css.append("neighbours")
    labels_ = [published_label(y, indicator.flow) if indicator.flow else f"Jan {y}" for y in years]
    return charts.line_chart(
        chart_id or f"trend-{indicator.slug}",
        f"{indicator.title}: over time",
        labels_,
        series,
        unit=indicator.unit,
        css=css,
    )


def group_context(
    authority, group: str, *, period: datetime.date | None = None, periods=None
) -> dict:
    """A question group: every indicator's figure, comparisons and trend (five queries)."""
    periods = periods_of(authority) if periods is None else periods
    chosen = _chosen(periods, period)
    comparators = comparators_for(authority)
    indicators = list(registry.in_group(group))
    ids = [i.id for i in indicators]
    local = local_for(authority, ids, periods=[p.period for p in periods])
    published = published_for(comparators.areas, ids, version=comparators.version)
    sections = []
    for indicator in indicators:
        sections.append(
            {
                "tile": tile(indicator, chosen, local, published, comparators),
                "trend": trend_chart(indicator, periods, local, published, comparators),
            }
        )
    return {
        "authority": authority,
        "group": group,
        "slug": registry.GROUP_SLUGS[group],
        "question": registry.GROUP_QUESTIONS[group],
        "periods": periods,
        "period": chosen,
        "comparators": comparators,
        "sections": sections,
    }


@dataclass
class Breakdown:
    dimension: str
    label: str
    chart: charts.BarChart
    published_note: str = ""


def breakdown_chart(
    indicator: registry.Indicator,
    period: Period,
    local: LocalSet,
    published: PublishedSet,
    comparators: Comparators,
    dimension: str,
    *,
    drill: bool,
) -> Breakdown | None:
    figures = local.breakdown(period.period, indicator.id, dimension)
    if not figures:
        return None
    figures.sort(key=lambda f: labels.sort_key(dimension, f.category))
    rows = [(labels.category_label(dimension, f.category), f.value) for f in figures]
    links = (
        {
            labels.category_label(dimension, f.category): drill_url(
                indicator.id, period.period, dimension, f.category
            )
            for f in figures
        }
        if drill
        else {}
    )
    extra = [
        (
            "Numerator" if indicator.is_share else "Children",
            [
                charts.Cell(f.numerator, f"{f.numerator:,}" if f.numerator is not None else "–")
                for f in figures
            ],
        )
    ]
    if indicator.is_share and indicator.unit != registry.MEAN_PERCENT:
        extra.append(
            (
                "Denominator",
                [
                    charts.Cell(
                        f.denominator, f"{f.denominator:,}" if f.denominator is not None else "–"
                    )
                    for f in figures
                ],
            )
        )
    note = ""
    if indicator.published:
        year = published.latest_year(indicator.id)
        area = comparators.england
        if year is not None and area is not None:
            values = [
                published.value(area, indicator.id, year, dimension, f.category) for f in figures
            ]
            if any(v is not None for v in values):
                extra.append(
                    (
                        f"England, {published_label(year, indicator.flow)}",
                        [charts.Cell(v, charts.formatted(v, indicator.unit)) for v in values],
                    )
                )
                note = "England's published figures by the same breakdown are in the table."
    chart = charts.bar_chart(
        f"{indicator.slug}-by-{dimension.replace('_', '-')}",
        f"{indicator.title} by {labels.dimension_label(dimension).lower()}",
        rows,
        unit=indicator.unit,
        label_heading=labels.dimension_label(dimension),
        table_heading=f"This authority, {period.short_label}",
        links=links,
        extra_columns=extra,
    )
    return Breakdown(dimension, labels.dimension_label(dimension), chart, note)


def indicator_context(
    authority, indicator: registry.Indicator, *, period=None, drill=False, periods=None
) -> dict:
    """One indicator: its definition (DfE's words where DfE publishes it), the figure, its
    comparisons and trend, and every breakdown (five queries)."""
    periods = periods_of(authority) if periods is None else periods
    chosen = _chosen(periods, period)
    comparators = comparators_for(authority)
    local = local_for(
        authority, [indicator.id], periods=[p.period for p in periods], dimensions=None
    )
    dimensions = ["", *indicator.breakdowns]
    if indicator.split_by:
        dimensions.append(indicator.split_by)
    published = published_for(
        comparators.areas, [indicator.id], dimensions=dimensions, version=comparators.version
    )
    breakdowns = []
    if chosen is not None:
        order = ([indicator.split_by] if indicator.split_by else []) + list(indicator.breakdowns)
        split = FORMULAS.get(indicator.id)
        if indicator.id == "mainstream_capable_pct":
            order = ["classification", *indicator.breakdowns]
        if indicator.id == "capability_shortfall_pct":
            order = ["domain", *indicator.breakdowns]
        for dimension in order:
            item = breakdown_chart(
                indicator,
                chosen,
                local,
                published,
                comparators,
                dimension,
                drill=drill and split is not None,
            )
            if item is not None:
                breakdowns.append(item)
    return {
        "authority": authority,
        "indicator": indicator,
        "direction": DIRECTION_WORDS[indicator.direction],
        "periods": periods,
        "period": chosen,
        "comparators": comparators,
        "tile": tile(indicator, chosen, local, published, comparators),
        "trend": trend_chart(indicator, periods, local, published, comparators),
        "breakdowns": breakdowns,
    }


@dataclass
class Options:
    """Choices a page offers as a plain GET form (no script needed)."""

    choices: list[tuple[str, str]] = field(default_factory=list)
    selected: str = ""
