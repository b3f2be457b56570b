"""The cross-authority view, from DfE's published figures only (no case data): a sortable
table of every English authority, one page per authority with its time series beside its
region, England and its statistical neighbours, and the transparent weighted ranking."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.urls import reverse

from . import charts, ranking, registry
from .models import AreaLevel, PublishedArea, PublishedFigure
from .queries import ENGLAND, PublishedSet, published_for, published_label, published_set


@dataclass(frozen=True)
class Column:
    key: str
    indicator: str
    heading: str
    category: str = ""  # a primary need, for the need-mix columns

    @property
    def dimension(self) -> str:
        return "primary_need" if self.category else ""


NEED_MIX = ("ASD", "SEMH", "SLCN")
COLUMNS = (
    Column("plans", "ehc_plans", "EHC plans"),
    Column("growth", "ehc_plans_growth_pct", "Change over the year"),
    Column("mainstream", "plans_mainstream_pct", "In mainstream schools"),
    Column("special", "plans_special_pct", "In special schools"),
    Column(
        "independent", "plans_independent_special_pct", "In independent or non-maintained special"
    ),
    Column("weeks20ex", "plans_within_20_weeks_ex", "Issued in 20 weeks, excluding exceptions"),
    Column("weeks20", "plans_within_20_weeks", "Issued in 20 weeks, including exceptions"),
    *(
        Column(f"need-{code.lower()}", "plans_by_need", f"All plans: {code}", code)
        for code in NEED_MIX
    ),
    *(
        Column(f"new-need-{code.lower()}", "new_plans_by_need", f"New plans: {code}", code)
        for code in NEED_MIX
    ),
    Column("pupils-plan", "pct_pupils_ehc_plan", "Pupils with a plan"),
    Column("pupils-support", "pct_pupils_sen_support", "Pupils on SEN support"),
)
COLUMN_KEYS = {column.key: column for column in COLUMNS}
MAIN_INDICATORS = tuple(dict.fromkeys(column.indicator for column in COLUMNS))


def latest_years(indicators) -> dict[str, int]:
    """The latest year with published values, per indicator (one query)."""
    return dict(
        PublishedFigure.objects.filter(indicator__in=list(indicators), value__isnull=False)
        .values("indicator")
        .annotate(latest=Max("year"))
        .values_list("indicator", "latest")
    )


def _figures(areas, indicators, years) -> PublishedSet:
    from django.db.models import Q

    query = Q()
    for indicator in indicators:
        if indicator in years:
            query |= Q(indicator=indicator, year=years[indicator])
    return published_set(
        PublishedFigure.objects.filter(query, area__in=areas, dimension__in=["", "primary_need"])
    )


def current_authorities():
    return list(
        PublishedArea.objects.filter(level=AreaLevel.AUTHORITY, current=True)
        .select_related("region")
        .order_by("name")
    )


def _cell(figure, unit: str) -> charts.Cell:
    if figure is None:
        return charts.Cell(None, "–")
    if figure.value is None:
        return charts.Cell(figure.marker or None, figure.marker or "–")
    return charts.Cell(charts._plain_number(figure.value), charts.formatted(figure.value, unit))


def national_table(*, sort: str = "name", descending: bool = False) -> dict:
    """Every current English authority with the main measures, each at its latest published
    year (four queries)."""
    authorities = current_authorities()
    years = latest_years(MAIN_INDICATORS)
    published = _figures(authorities, MAIN_INDICATORS, years)
    headings = ["Authority", "Region"]
    for column in COLUMNS:
        indicator = registry.get(column.indicator)
        when = (
            published_label(years[column.indicator], indicator.flow)
            if column.indicator in years
            else ""
        )
        headings.append(f"{column.heading} ({when})" if when else column.heading)
    rows = []
    for area in authorities:
        cells = [
            charts.Cell(area.name, area.name, reverse("national-authority", args=[area.code])),
            charts.Cell(
                area.region.name if area.region else "", area.region.name if area.region else ""
            ),
        ]
        for column in COLUMNS:
            unit = registry.get(column.indicator).unit
            figure = published.get(
                area,
                column.indicator,
                years.get(column.indicator),
                column.dimension,
                column.category,
            )
            cells.append(_cell(figure, unit))
        rows.append(cells)
    index = (
        0
        if sort == "name"
        else (1 if sort == "region" else 2 + [c.key for c in COLUMNS].index(sort))
    )
    if index < 2:
        rows.sort(key=lambda row: (row[index].value or "", row[0].value), reverse=descending)
    else:
        # Authorities without a figure stay last, whichever way the column is sorted.
        known = [row for row in rows if isinstance(row[index].value, int | float | Decimal)]
        unknown = [row for row in rows if row not in known]
        known.sort(key=lambda row: row[index].value, reverse=descending)
        rows = known + unknown
    table = charts.Table(
        key="authorities",
        caption="Every English local authority: EHC plans and how they are placed, timeliness, "
        "primary need and school-census prevalence",
        headings=headings,
        rows=rows,
        numeric=set(range(2, len(headings))),
    )
    keys = ["name", "region", *(column.key for column in COLUMNS)]
    headers = [
        {"text": text, "key": key, "numeric": position in table.numeric}
        for position, (text, key) in enumerate(zip(headings, keys, strict=True))
    ]
    return {
        "table": table,
        "headers": headers,
        "sort": sort,
        "descending": descending,
        "count": len(rows),
    }


# ----- One authority ------------------------------------------------------------------------


def authority_context(area: PublishedArea) -> dict:
    """An authority's time series for the main measures across every published year, beside
    its region, England and the mean of its ten statistical neighbours (five queries)."""
    neighbours = list(area.neighbours.select_related("neighbour").order_by("rank"))
    neighbour_areas = [link.neighbour for link in neighbours]
    england = PublishedArea.objects.filter(code=ENGLAND).first()
    areas = [area, area.region, england, *neighbour_areas]
    published = published_for(areas, MAIN_INDICATORS, dimensions=("", "primary_need"))
    sections = []
    for indicator_id in MAIN_INDICATORS:
        indicator = registry.get(indicator_id)
        categories = NEED_MIX if indicator.split_by else ("",)
        for category in categories:
            dimension = "primary_need" if category else ""
            years = sorted(
                {
                    key[2]
                    for key in published.figures
                    if key[1] == indicator_id and key[3] == dimension
                }
            )
            if not years:
                continue
            series = [
                (
                    area.name,
                    [published.value(area, indicator_id, y, dimension, category) for y in years],
                )
            ]
            css = ["own"]
            if area.region:
                series.append(
                    (
                        area.region.name,
                        [
                            published.value(area.region, indicator_id, y, dimension, category)
                            for y in years
                        ],
                    )
                )
                css.append("region")
            if england:
                series.append(
                    (
                        "England",
                        [
                            published.value(england, indicator_id, y, dimension, category)
                            for y in years
                        ],
                    )
                )
                css.append("england")
            if neighbour_areas:
                series.append(
                    (
                        "Statistical neighbours (mean)",
                        [
                            published.neighbour_mean(
                                neighbour_areas, indicator_id, y, dimension, category
                            )[0]
                            for y in years
                        ],
                    )
                )
                css.append("neighbours")
            title = indicator.title + (f": {category}" if category else "")
            chart = charts.line_chart(
                f"{indicator.slug}{'-' + category.lower() if category else ''}",
                title,
                [published_label(y, indicator.flow) for y in years],
                series,
                unit=indicator.unit,
                css=css,
            )
            latest = years[-1]
            neighbour_table = charts.Table(
                key=f"{chart.id}-neighbours",
                caption=f"{title}: {area.name} and its statistical neighbours, {published_label(latest, indicator.flow)}",
                headings=["Authority", "Closeness", "Figure"],
                numeric={2},
            )
            neighbour_table.rows.append(
                [
                    charts.Cell(area.name, area.name),
                    charts.Cell("", "–"),
                    _cell(
                        published.get(area, indicator_id, latest, dimension, category),
                        indicator.unit,
                    ),
                ]
            )
            for link in neighbours:
                neighbour_table.rows.append(
                    [
                        charts.Cell(
                            link.neighbour.name,
                            link.neighbour.name,
                            reverse("national-authority", args=[link.neighbour.code]),
                        ),
                        charts.Cell(link.proximity, f"{link.rank}. {link.proximity}"),
                        _cell(
                            published.get(
                                link.neighbour, indicator_id, latest, dimension, category
                            ),
                            indicator.unit,
                        ),
                    ]
                )
            sections.append({"indicator": indicator, "chart": chart, "neighbours": neighbour_table})
    return {"area": area, "neighbours": neighbours, "sections": sections, "england": england}


# ----- Ranking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Default:
    indicator: str
    weight: int
    reason: str
    higher_is_better: bool


DEFAULT_WEIGHTS = (
    Default(
        "plans_within_20_weeks_ex",
        3,
        "A statutory duty families feel directly; DfE's headline timeliness measure.",
        True,
    ),
    Default(
        "plans_mainstream_pct",
        3,
        "Ambition 3: most children with additional needs fulfil their potential in mainstream.",
        True,
    ),
    Default(
        "plans_independent_special_pct",
        2,
        "Ambition 9: support local to home; independent places are the costliest and furthest.",
        False,
    ),
    Default(
        "ehc_plans_growth_pct",
        2,
        "Demand pressure: fast growth in plans suggests needs are not met earlier (ambition 2).",
        False,
    ),
    Default(
        "pct_pupils_ehc_plan",
        1,
        "Prevalence among pupils, lower taken as better (needs met without a plan, ambition "
        "2); it is context as much as performance, so weighted lightly.",
        False,
    ),
    Default(
        "plans_special_pct",
        1,
        "Special school places overall (state and independent), lightly: some need is best "
        "met there.",
        False,
    ),
)
RANKABLE = tuple(d.indicator for d in DEFAULT_WEIGHTS)


def ranking_context(weights: dict[str, int], method: str) -> dict:
    """The composite ranking with ``weights`` (indicator → 0–10) and ``method`` (four
    queries); every step's figures are in the context for the page to show."""
    authorities = current_authorities()
    years = latest_years(RANKABLE)
    published = _figures(authorities, RANKABLE, years)
    criteria = [
        ranking.Criterion(
            indicator,
            float(weights.get(indicator, 0)),
            registry.get(indicator).direction != registry.LOWER,
        )
        for indicator in RANKABLE
    ]
    values = {
        area.code: {
            indicator: (
                float(v)
                if (v := published.value(area, indicator, years.get(indicator))) is not None
                else None
            )
            for indicator in RANKABLE
        }
        for area in authorities
    }
    ordered, scales = ranking.rank(values, criteria, method=method)
    by_code = {area.code: area for area in authorities}
    headings = ["Rank", "Authority", "Composite score"]
    headings += [f"{registry.get(c.indicator).title} (score)" for c in criteria if c.weight > 0]
    table = charts.Table(
        key="ranking",
        caption="Authorities ranked by the composite score",
        headings=headings,
        numeric=set(range(2, len(headings))),
    )
    table.row_headings = False
    for item in ordered:
        area = by_code[item.code]
        row = [
            charts.Cell(item.rank, str(item.rank) if item.rank else "Not ranked"),
            charts.Cell(area.name, area.name, reverse("national-authority", args=[area.code])),
            charts.Cell(
                None if item.composite is None else round(item.composite, 3),
                "–" if item.composite is None else f"{item.composite:.3f}",
            ),
        ]
        for criterion in criteria:
            if criterion.weight <= 0:
                continue
            score = item.scores.get(criterion.indicator)
            raw = values[item.code][criterion.indicator]
            row.append(
                charts.Cell(
                    None if score is None else round(score, 3),
                    "missing"
                    if score is None
                    else f"{score:.2f} ({charts.formatted(raw, registry.get(criterion.indicator).unit)})",
                )
            )
        table.rows.append(row)
    method_rows = []
    for criterion in criteria:
        indicator = registry.get(criterion.indicator)
        scale = scales.get(criterion.indicator)
        method_rows.append(
            {
                "indicator": indicator,
                "weight": criterion.weight,
                "higher_is_better": criterion.higher_is_better,
                "year": published_label(years[criterion.indicator], indicator.flow)
                if criterion.indicator in years
                else "–",
                "scale": scale,
                "reason": next(
                    d.reason for d in DEFAULT_WEIGHTS if d.indicator == criterion.indicator
                ),
                "default": next(
                    d.weight for d in DEFAULT_WEIGHTS if d.indicator == criterion.indicator
                ),
            }
        )
    return {
        "table": table,
        "ordered": ordered,
        "method": method,
        "method_text": ranking.NORMALISATIONS[method],
        "criteria": method_rows,
        "min_coverage": int(ranking.MIN_COVERAGE * 100),
        "unranked": sum(1 for item in ordered if item.rank is None),
    }


def authority_area(code: str) -> PublishedArea | None:
    return (
        PublishedArea.objects.filter(code=code, level=AreaLevel.AUTHORITY)
        .select_related("region")
        .first()
    )
