"""What needs-profile pages show, prepared from models: rows per domain, the radar chart's
geometry and its SVG (placed by ``templates/assessments/_radar.html``), shortfalls and changes."""

import math
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from assessments.rules import readiness_for_needs
from valuing_send.core.kept import KeptInProcess
from valuing_send.core.rows import (
    day_month_year,
    escaped,
    joined_rows,
    long_date,
    pk_url,
    related_text,
    rendered_once,
)

from . import recommendations, rulesets
from .codes import EVIDENCE_SOURCES
from .models import AssessmentStatus, DomainRating, Override
from .rules.codes import CAPACITY_LEVELS
from .templatetags.assessment_tags import need_label, sen_status_label

SOURCE_LABELS = dict(EVIDENCE_SOURCES)
CAPACITY_LABELS = dict(CAPACITY_LEVELS)


@dataclass(frozen=True)
class ProfileRow:
    code: str
    name: str
    area_name: str
    level: int | None
    level_name: str
    capability: int | None
    setting_ability: int | None
    family_capacity: int | None
    evidence: str
    source: str
    previous_level: int | None

    @property
    def shortfall(self) -> bool:
        """The setting's ordinary capability is below the child's need here."""
        return (
            self.level is not None and self.capability is not None and self.capability < self.level
        )

    @property
    def change(self) -> str:
        if self.previous_level is None or self.level is None or self.previous_level == self.level:
            return ""
        return "rose" if self.level > self.previous_level else "fell"

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, "")

    @property
    def setting_ability_label(self) -> str:
        return (
            CAPACITY_LABELS.get(self.setting_ability, "")
            if self.setting_ability is not None
            else ""
        )

    @property
    def family_capacity_label(self) -> str:
        return (
            CAPACITY_LABELS.get(self.family_capacity, "")
            if self.family_capacity is not None
            else ""
        )


def profile_rows(
    definition, ratings, capabilities: dict[str, int] | None, previous: dict[str, int] | None
):
    by_domain = {r.domain: r for r in ratings}
    rows = []
    for domain in definition.domains:
        rating = by_domain.get(domain.code)
        if rating is None:
            continue
        level = rating.level
        rows.append(
            ProfileRow(
                code=domain.code,
                name=domain.name,
                area_name=domain.area_name,
                level=level,
                level_name=definition.level_names[level] if level is not None else "Not answered",
                capability=capabilities.get(domain.code, 0) if capabilities is not None else None,
                setting_ability=rating.setting_ability,
                family_capacity=rating.family_capacity,
                evidence=rating.evidence,
                source=rating.source,
                previous_level=(previous or {}).get(domain.code),
            )
        )
    return rows


def readiness(rows, capabilities) -> int | None:
    if capabilities is None:
        return None
    return readiness_for_needs(
        capabilities, {row.code: row.level for row in rows if row.level is not None}
    )


@dataclass(frozen=True)
class RadarAxis:
    """One axis of the radar chart. Coordinates are written once, as SVG wants them
    (one decimal place), so the template only places them."""

    x: str
    y: str
    lines: list[str]
    label_x: str
    label_y: str
    anchor: str


@dataclass(frozen=True)
class RadarChart:
    width: int
    height: int
    cx: float
    cy: float
    rings: list[str]
    ring_labels: list[tuple[str, str, int]]
    axes: list[RadarAxis]
    need_points: str
    capability_points: str | None
    title: str
    description: str

    def svg(self, element_id) -> str:
        """The chart as an SVG element, written in one pass (through the template engine its
        hundred-odd placed values were half of the needs profile's render). ``element_id``
        makes the title's and description's ids unique on a page. Every text is escaped."""
        axis_lines = format_html_join(
            "",
            '<line x1="{}" y1="{}" x2="{}" y2="{}"/>',
            ((self.cx, self.cy, axis.x, axis.y) for axis in self.axes),
        )
        labels = format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="{}">{}</text>',
            (
                (
                    axis.label_x,
                    axis.label_y,
                    axis.anchor,
                    format_html_join(
                        "",
                        '<tspan x="{}" dy="{}">{}</tspan>',
                        (
                            (axis.label_x, 0 if index == 0 else 14, line)
                            for index, line in enumerate(axis.lines)
                        ),
                    ),
                )
                for axis in self.axes
            ),
        )
        capability = (
            format_html(
                '<polygon class="app-radar__capability" points="{}" fill="none" stroke="#00703c"'
                ' stroke-width="3" stroke-dasharray="8 5"/>',
                self.capability_points,
            )
            if self.capability_points
            else ""
        )
        return format_html(
            '<svg class="app-radar__svg" viewBox="0 0 {width} {height}" role="img"'
            ' aria-labelledby="radar-title-{id} radar-desc-{id}"'
            ' xmlns="http://www.w3.org/2000/svg" focusable="false">'
            '<title id="radar-title-{id}">{title}</title>'
            '<desc id="radar-desc-{id}">{description}</desc>'
            '<g fill="none" stroke="#b1b4b6" stroke-width="1">{rings}{axis_lines}</g>'
            '<g font-family="GDS Transport, arial, sans-serif" font-size="11" fill="#505a5f"'
            ' aria-hidden="true">{ring_labels}</g>'
            "{capability}"
            '<polygon class="app-radar__need" points="{need}" fill="#1d70b8" fill-opacity="0.2"'
            ' stroke="#1d70b8" stroke-width="3"/>'
            '<g font-family="GDS Transport, arial, sans-serif" font-size="13" fill="#0b0c0c"'
            ' aria-hidden="true">{labels}</g>'
            "</svg>",
            width=self.width,
            height=self.height,
            id=element_id,
            title=self.title,
            description=self.description,
            rings=format_html_join("", '<polygon points="{}"/>', ((ring,) for ring in self.rings)),
            axis_lines=axis_lines,
            ring_labels=format_html_join("", '<text x="{}" y="{}">{}</text>', self.ring_labels),
            capability=capability,
            need=self.need_points,
            labels=labels,
        )


def _point(cx, cy, radius, index, count, value, max_value=4):
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = radius * value / max_value
    return cx + distance * math.cos(angle), cy + distance * math.sin(angle)


def _wrap(text: str, width: int = 18) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _one_place(value: float) -> str:
    return f"{value:.1f}"


def _points(pairs) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def radar_chart(rows: list[ProfileRow], *, child_name: str, setting_name: str | None) -> RadarChart:
    """A spider chart of need level (0–4) per domain against the setting's capability."""
    width, height, radius = 680, 520, 170
    cx, cy = width / 2, height / 2
    count = len(rows)
    rings = [
        _points(_point(cx, cy, radius, i, count, level) for i in range(count))
        for level in range(1, 5)
    ]
    axes = []
    for i, row in enumerate(rows):
        x, y = _point(cx, cy, radius, i, count, 4)
        lx, ly = _point(cx, cy, radius + 16, i, count, 4)
        lines = _wrap(row.name)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        # Labels above the centre grow upwards, below it downwards, so none crosses the chart.
        top = (
            ly - 14 * (len(lines) - 1) - 4
            if ly < cy - 10
            else ly + 10
            if ly > cy + 10
            else ly - 7 * (len(lines) - 1) + 4
        )
        axes.append(
            RadarAxis(_one_place(x), _one_place(y), lines, _one_place(lx), _one_place(top), anchor)
        )
    need = _points(_point(cx, cy, radius, i, count, row.level or 0) for i, row in enumerate(rows))
    has_capability = setting_name is not None and rows and rows[0].capability is not None
    capability = (
        _points(_point(cx, cy, radius, i, count, row.capability or 0) for i, row in enumerate(rows))
        if has_capability
        else None
    )
    short = [row.name for row in rows if row.shortfall]
    description = f"Need levels from 0 to 4 in {count} domains for {child_name}."
    if capability:
        description += f" Dashed line: what {setting_name} can ordinarily meet."
        description += (
            f" Needs above it in: {', '.join(short)}." if short else " It meets every need."
        )
    return RadarChart(
        width=width,
        height=height,
        cx=cx,
        cy=cy,
        rings=rings,
        ring_labels=[
            (_one_place(cx + 4), _one_place(cy - radius * level / 4 - 2), level)
            for level in range(1, 5)
        ],
        axes=axes,
        need_points=need,
        capability_points=capability,
        title=f"Needs profile of {child_name}",
        description=description,
    )


def _previous_in(history, assessment):
    """The profile completed before ``assessment``, from the child's assessments already read
    (what ``AssessmentQuerySet.previous_to`` would find)."""
    earlier = [
        other
        for other in history
        if other.pk != assessment.pk
        and other.status != AssessmentStatus.DRAFT
        and (assessment.completed_at is None or other.completed_at < assessment.completed_at)
    ]
    return max(earlier, key=lambda other: (other.completed_at, other.pk), default=None)


# A setting's capabilities per version of the setting: every change to them saves the setting
# with a new version (``register.services.setting_set_capabilities``), so a page showing a
# profile reads them once per change rather than once per view.
_CAPABILITIES = KeptInProcess(limit=5000)


def _capabilities(setting) -> dict[str, int]:
    """The setting's capability map (a copy: callers may change it)."""
    if "capabilities" in getattr(setting, "_prefetched_objects_cache", {}):
        return setting.capability_map()
    key = (setting.pk, setting.version, setting.updated_at)
    return dict(_CAPABILITIES.get(key, setting.capability_map))


def profile_context(authority, assessment, *, history=None) -> dict:
    """What a needs profile shows: rows per domain, the radar chart, readiness, shortfalls and
    the comparison with the profile before it. Takes the authority, never a request, and
    writes nothing: the same context serves a page, a PDF made in a worker and an invitation
    page with nobody signed in.

    Four queries at most, whatever the child's history: the previous profile (none when the
    page passes the child's assessments it has read as ``history``), the ratings of both
    profiles at once, the setting (none when it came with the assessment) and its
    capabilities."""
    previous = (
        _previous_in(history, assessment)
        if history is not None
        else assessment.child.assessments.previous_to(assessment)
    )
    wanted = [assessment.pk] + ([previous.pk] if previous is not None else [])
    ratings_by_assessment: dict[int, list] = {pk: [] for pk in wanted}
    for rating in DomainRating.objects.filter(assessment_id__in=wanted):
        ratings_by_assessment[rating.assessment_id].append(rating)
    ratings = ratings_by_assessment[assessment.pk]
    definition = assessment.framework.definition
    setting = None
    if assessment.setting_id is not None:
        cached = assessment._state.fields_cache.get("setting")
        if cached is not None and cached.authority_id == authority.pk:
            setting = cached
        else:
            setting = authority.settings_register.filter(pk=assessment.setting_id).first()
    capabilities = _capabilities(setting) if setting is not None else None
    previous_levels = (
        {r.domain: r.level for r in ratings_by_assessment[previous.pk] if r.level is not None}
        if previous is not None
        else None
    )
    rows = profile_rows(definition, ratings, capabilities, previous_levels)
    chart = radar_chart(
        rows, child_name=assessment.child.full_name, setting_name=setting.name if setting else None
    )
    return {
        "profile_assessment": assessment,
        "rows": rows,
        "chart": chart,
        "chart_svg": chart.svg(assessment.pk),
        "profile_setting": setting,
        "readiness": readiness(rows, capabilities),
        "shortfalls": [row for row in rows if row.shortfall],
        "previous": previous,
        "rose": [row for row in rows if row.change == "rose"],
        "fell": [row for row in rows if row.change == "fell"],
    }


def recommendation_context(authority, assessment) -> dict:
    """The stored (or, for a draft, provisional) recommendation and what surrounds it. Reads
    only: a recommendation made in bulk whose detail is not kept yet is worked out in memory."""
    active = rulesets.active_rule_set(authority)
    if assessment.status == AssessmentStatus.DRAFT:
        result = recommendations.as_stored(recommendations.recommend(assessment, active), active)
        return {
            "result": result,
            "active_rule_set": active,
            "provisional": True,
            "recommendation": None,
        }
    stored = (
        assessment.recommendations.current()
        .select_related("rule_set")
        .annotate(has_overrides=Exists(Override.objects.filter(recommendation=OuterRef("pk"))))
        .first()
    )
    if stored is None:
        return {"result": None, "active_rule_set": active, "recommendation": None}
    # The overrides and who made them in one query, however many there are; none at all for
    # the many recommendations nobody overrode.
    overrides = list(stored.overrides.select_related("by")) if stored.has_overrides else []
    return {
        "recommendation": stored,
        "result": recommendations.recommendation_worked_out(stored),
        "overrides": overrides,
        "active_rule_set": active,
        "stale_rule_set": stored.rule_set_id != active.pk,
        "provisional": False,
    }


def history_rows(assessments) -> str:
    """The child page's table of needs assessments, newest first, written in one pass (ten
    rows of three dates, a status tag and a link each were a quarter of the page's render
    through the template engine). The status tags come from their one template."""
    summary_url = pk_url("assessment-summary")
    continue_url = pk_url("assessment-continue")
    labels = dict(AssessmentStatus.choices)
    tag = rendered_once(
        "assessments/_status_tag.html",
        lambda status: {"status": status, "label": labels.get(status, status)},
    )

    def cells(assessment):
        started = long_date(assessment.created_at)
        draft = assessment.is_draft
        return (
            started,
            tag(assessment.status),
            long_date(assessment.completed_at) or "–",
            related_text(assessment.completed_by or assessment.created_by, "full_name", ""),
            continue_url(assessment.pk) if draft else summary_url(assessment.pk),
            "Continue" if draft else "View",
            started,
        )

    return joined_rows(
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}'
        '<span class="govuk-visually-hidden"> assessment started {}</span></a></td>'
        "</tr>",
        (cells(assessment) for assessment in assessments),
    )


def child_rows(children, *, by_review: bool) -> str:
    """The children list's table rows as HTML, written in one pass: the same markup the
    template loop wrote, at a fraction of its cost (25 rows of eight cells, a link and two
    dates each, were a third of the page's time through the template engine). ``children``:
    rows as ``queries.children_matching`` gives them. Every value is escaped
    (``core.rows.joined_rows``)."""
    child_url = pk_url("child-detail")

    def row(child):
        need = child["primary_need"]
        review = (
            SafeString(
                f'<td class="govuk-table__cell">{day_month_year(child["next_review_date"])}</td>'
            )
            if by_review
            else ""
        )
        return (
            child_url(child["pk"]),
            child["last_name"],
            child["first_name"],
            day_month_year(child["date_of_birth"]),
            child["upn"] or "–",
            sen_status_label(child["sen_status"]),
            SafeString(f'<abbr title="{escaped(need_label(need))}">{escaped(need)}</abbr>')
            if need
            else "–",
            child["setting_name"] or "–",
            child["caseworker_name"] or "Not allocated",
            review,
        )

    return joined_rows(
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}, {}</a></td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        "{}</tr>",
        (row(child) for child in children),
    )
