"""One row of facts per child, as SQL: what every local indicator counts.

``facts_sql(context)`` is a SELECT giving, for each child of the authority, the breakdown
categories (primary need, age phase, setting type, ethnicity, sex) and a column per fact
(has a plan on the census date, started a plan in the year, is classified could be prevented,
the setting's readiness for their needs, …). The snapshot recompute aggregates it
(``COUNT(*) FILTER (WHERE …)`` grouped by the five breakdowns, one pass over the caseload),
and drill-down selects the children behind a figure from the very same SQL, so a figure and
the list of children behind it can never disagree.

Portable between PostgreSQL and SQLite (the embedded mode): CASE, SUBSTR, CAST, COALESCE,
integer division and aggregate FILTER clauses only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from assessments.models import Assessment, Child, NeedsFramework, Recommendation
from assessments.rules.codes import (
    AVOIDABLE_CLASSIFICATIONS,
    CLASSIFICATION_CODES,
    NEEDS_DOMAIN_CODES,
)
from valuing_send.authorities.models import Setting, SettingCapability

# Could be prevented, reduced or delayed: the same named set as the home page's headline.
AVOIDABLE = tuple(AVOIDABLE_CLASSIFICATIONS)
MAINSTREAM_TYPES = ("mainstream", "resourced")
SPECIAL_TYPES = ("state_special", "independent_special")
PFA = "preparing_for_adulthood"
DIMENSION_COLUMNS = ("primary_need", "age_phase", "setting_type", "ethnicity", "gender")


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Window:
    """The day stocks are counted on (``as_at``) and the calendar year flows are counted over
    (the year before the census date, up to ``as_at`` while the period is still open)."""

    period: datetime.date  # the census date
    as_at: datetime.date

    @property
    def flow_start(self) -> datetime.date:
        return datetime.date(self.period.year - 1, 1, 1)

    @property
    def flow_end(self) -> datetime.date:
        return min(datetime.date(self.period.year - 1, 12, 31), self.as_at)

    @property
    def year_ago(self) -> datetime.date:
        return years_before(self.as_at, 1)


@dataclass(frozen=True)
class Context:
    """What the SQL needs to know about the authority: its id, the frameworks its profiles use
    (domain order in the stored vectors), and its active rule set's top-up table."""

    authority_id: int
    window: Window
    frameworks: dict[int, tuple[str, ...]]
    # Annual-equivalent pounds (pence exact) per held band number and setting type.
    top_up: dict[int, dict[str, Decimal]]
    specialist_types: tuple[str, ...]
    vendor: str = "postgresql"


def context_for(authority, window: Window) -> Context:
    from assessments.rulesets import active_rule_set

    # Every framework version (a handful of rows): the vectors of each profile are read in
    # its own framework's domain order.
    frameworks = {
        framework.pk: tuple(framework.definition.domain_codes)
        for framework in NeedsFramework.objects.all()
    }
    try:
        ruleset = active_rule_set(authority).ruleset
    except Exception:  # no rule set loaded: no funding figures, everything else still counts
        top_up, specialist = {}, ("state_special", "independent_special", "ap")
    else:
        top_up = {int(band): dict(types) for band, types in ruleset.top_up.items()}
        specialist = tuple(ruleset.classification.specialist_setting_types)
    from django.db import connection

    return Context(authority.pk, window, frameworks, top_up, specialist, connection.vendor)


def _in(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def _table(model) -> str:
    return model._meta.db_table


# Readiness as the profile page shows it (rules.readiness_for_needs): covered ÷ needed, as a
# whole percentage rounded half up, for a child with needs at a setting in the register.
READINESS = "(200 * f.covered + f.needed) / (2 * f.needed)"
HAS_READINESS = "f.in_register = 1 AND f.needed > 0"


# Aggregate columns: name → (SQL over the facts row ``f``, "count" | "sum"). A count column's
# SQL is the condition a child must meet; a sum column's is the amount.
# Counts by type of setting are worked out from the grouped rows (setting type is one of the
# breakdowns), not by more FILTER clauses: column → (counted column, setting types).
BY_SETTING_TYPE = {
    "plans_mainstream": ("plans", MAINSTREAM_TYPES),
    "plans_special": ("plans", SPECIAL_TYPES),
    "plans_indep": ("plans", ("independent_special",)),
    "plans_ap": ("plans", ("ap",)),
    "plans_fe": ("plans", ("fe",)),
    "plans_ey": ("plans", ("early_years",)),
    "plans_other": ("plans", ("other",)),
    "plans_none": ("plans", ("none",)),
    "new_mainstream": ("new_plans", MAINSTREAM_TYPES),
    "new_special": ("new_plans", SPECIAL_TYPES),
    "support_mainstream": ("support", MAINSTREAM_TYPES),
}


def _count_columns() -> dict[str, str]:
    plan = "f.plan_now = 1"
    columns = {
        "children": "1 = 1",
        "plans": plan,
        "plans_before": "f.plan_before = 1",
        "support": "f.support_now = 1",
        "new_plans": "f.new_plan = 1",
        "ceased": "f.ceased = 1",
        "ceased_met": "f.ceased = 1 AND f.cease_reason = '2'",
        "ceased_ws": "f.ceased = 1 AND f.cease_reason IN ('3', '4', '5')",
        "profiled": "f.profiled = 1",
        "esc": "f.escalation = 1",
        "avoidable": f"f.profiled = 1 AND f.classification IN {_in(AVOIDABLE)}",
        "avoidable_esc": f"f.escalation = 1 AND f.classification IN {_in(AVOIDABLE)}",
        "mc_all": "f.profiled = 1 AND f.mainstream_capable = 1",
        "mc_esc": "f.escalation = 1 AND f.mainstream_capable = 1",
        "readiness_children": HAS_READINESS,
        "at_setting": "f.needed > 0 AND f.in_register = 1",
        "short_any": "f.needed > 0 AND f.in_register = 1 AND f.short_any = 1",
        "pfa_den": "f.plan_now = 1 AND f.age14 = 1 AND f.profiled = 1",
        # Plans the rules price: above the scheme's range the funding is agreed at panel.
        "plans_priced": "f.plan_now = 1 AND f.profiled = 1 AND f.above_range = 0",
        "above_range": "f.profiled = 1 AND f.above_range = 1",
        "pfa_num": "f.plan_now = 1 AND f.age14 = 1 AND f.profiled = 1 AND f.pfa_rated = 1",
    }
    for code in CLASSIFICATION_CODES:
        columns[f"cls_{code}"] = f"f.profiled = 1 AND f.classification = '{code}'"
        columns[f"mc_esc_{code}"] = (
            f"f.escalation = 1 AND f.mainstream_capable = 1 AND f.classification = '{code}'"
        )
    return columns


COUNT_COLUMNS = _count_columns()
# Per-domain columns come from the settings pass (``heatmap_sql``), summed over settings.
DOMAIN_COLUMNS = {}
for _index, _code in enumerate(NEEDS_DOMAIN_CODES):
    DOMAIN_COLUMNS[f"short_{_code}"] = f"f.in_register = 1 AND f.lv{_index} > f.cp{_index}"
    DOMAIN_COLUMNS[f"needat_{_code}"] = f"f.in_register = 1 AND f.lv{_index} > 0"
SUM_COLUMNS = {
    "readiness_sum": (READINESS, HAS_READINESS),
    "top_up_held": ("f.held_top_up", "f.profiled = 1 AND f.held_top_up > 0"),
    "top_up_rec": ("f.top_up", "f.profiled = 1 AND f.top_up > 0"),
    "plans_top_up": ("f.top_up", "f.plan_now = 1 AND f.profiled = 1 AND f.top_up > 0"),
    "top_up_avoidable": (
        "f.avoidable_top_up",
        f"f.classification IN {_in(AVOIDABLE)} AND f.avoidable_top_up > 0",
    ),
}
COLUMNS = (*COUNT_COLUMNS, *SUM_COLUMNS)


def condition(column: str) -> str:
    """The condition a child meets to be counted in ``column`` (drill-down)."""
    if column in COUNT_COLUMNS:
        return COUNT_COLUMNS[column]
    if column in DOMAIN_COLUMNS:
        return DOMAIN_COLUMNS[column]
    if column in BY_SETTING_TYPE:
        counted, types = BY_SETTING_TYPE[column]
        return f"{COUNT_COLUMNS[counted]} AND f.setting_type IN {_in(types)}"
    return SUM_COLUMNS[column][1]


def base_sql(ctx: Context) -> tuple[str, list]:
    """SELECT … one row per child of the authority aged 0–25 on the census date (or a year
    before it): breakdowns, facts, need level and setting capability per domain."""
    window = ctx.window
    as_at, year_ago = window.as_at, window.year_ago
    params: list = []

    def p(value) -> str:
        params.append(value)
        return "%s"

    # Per-domain need level characters from the stored vector (framework order), and the
    # setting's capability in that domain (0 where the register has no level for it).
    level_chars, capability_pivot = [], []
    position = "strpos" if ctx.vendor == "postgresql" else "instr"
    for index, code in enumerate(NEEDS_DOMAIN_CODES):
        places = {
            framework_id: codes.index(code) + 1
            for framework_id, codes in ctx.frameworks.items()
            if code in codes
        }
        if len(set(places.values())) == 1 and len(places) == len(ctx.frameworks):
            char = f"SUBSTR(a.need_vector, {next(iter(places.values()))}, 1)"
        elif places:
            whens = " ".join(
                f"WHEN {int(framework_id)} THEN SUBSTR(a.need_vector, {place}, 1)"
                for framework_id, place in places.items()
            )
            char = f"CASE a.framework_id {whens} END"
        else:
            char = ""
        # '0'…'4' → 0…4; '-' (not assessed), a missing profile or domain → NULL.
        level_chars.append(
            f"NULLIF({position}('01234', {char}), 0) - 1 AS lv{index}"
            if char
            else f"CAST(NULL AS INTEGER) AS lv{index}"
        )
        capability_pivot.append(f"MAX(CASE WHEN domain = '{code}' THEN level END) AS c{index}")
    # The top-up the held band attracts at the current type of setting (rule set's table).
    band_cases = []
    for band, types in ctx.top_up.items():
        inner = " ".join(
            f"WHEN '{setting_type}' THEN {Decimal(amount):.2f}"
            for setting_type, amount in types.items()
            if setting_type.isidentifier()
        )
        band_cases.append(f"WHEN {int(band)} THEN CASE s.setting_type {inner} ELSE 0 END")
    held = f"CASE c.held_band {' '.join(band_cases)} ELSE 0 END" if band_cases else "0"
    n = len(NEEDS_DOMAIN_CODES)

    def on_plan(day, *, held_now: bool) -> str:
        # A plan counts from its start date until the day it ceased; a child recorded with a
        # plan but no start date counts on the census date (not for the year before).
        start, ceased = p(day), p(day)
        undated = " OR (c.sen_status = 'E' AND c.plan_start_date IS NULL)" if held_now else ""
        return (
            f"((c.plan_start_date <= {start} AND (c.plan_ceased_date IS NULL "
            f"OR c.plan_ceased_date > {ceased})){undated})"
        )

    raw = f"""
SELECT c.id AS id,
  CASE WHEN c.primary_need = 'DS' THEN 'OTH' WHEN c.primary_need = '' THEN 'UNKNOWN'
       ELSE c.primary_need END AS primary_need,
  CASE WHEN c.date_of_birth > {p(years_before(as_at, 5))} THEN 'early_years'
       WHEN c.date_of_birth > {p(years_before(as_at, 11))} THEN 'primary'
       WHEN c.date_of_birth > {p(years_before(as_at, 16))} THEN 'secondary'
       ELSE 'post_16' END AS age_phase,
  COALESCE(s.setting_type, 'none') AS setting_type,
  CASE WHEN c.ethnicity IN ('REFU', 'NOBT') THEN 'UNCL' ELSE c.ethnicity END AS ethnicity,
  c.gender AS gender,
  c.current_setting_id AS setting_id,
  CASE WHEN c.date_of_birth > {p(years_before(as_at, 26))}
        AND {on_plan(as_at, held_now=True)}
       THEN 1 ELSE 0 END AS plan_now,
  CASE WHEN c.date_of_birth <= {p(year_ago)}
        AND {on_plan(year_ago, held_now=False)}
       THEN 1 ELSE 0 END AS plan_before,
  CASE WHEN c.date_of_birth > {p(years_before(as_at, 26))} AND c.sen_status = 'K'
        AND (c.sen_support_start_date IS NULL OR c.sen_support_start_date <= {p(as_at)})
        AND (c.plan_start_date IS NULL OR c.plan_start_date > {p(as_at)}
             OR c.plan_ceased_date <= {p(as_at)})
       THEN 1 ELSE 0 END AS support_now,
  CASE WHEN c.plan_start_date BETWEEN {p(window.flow_start)} AND {p(window.flow_end)}
       THEN 1 ELSE 0 END AS new_plan,
  CASE WHEN c.plan_ceased_date BETWEEN {p(window.flow_start)} AND {p(window.flow_end)}
       THEN 1 ELSE 0 END AS ceased,
  c.plan_cease_reason AS cease_reason,
  CASE WHEN c.date_of_birth <= {p(years_before(as_at, 14))} THEN 1 ELSE 0 END AS age14,
  CASE WHEN r.id IS NOT NULL THEN 1 ELSE 0 END AS profiled,
  r.classification AS classification,
  CASE WHEN r.mainstream_capable THEN 1 ELSE 0 END AS mainstream_capable,
  CASE WHEN r.id IS NOT NULL AND (c.sen_status = 'E' OR a.request <> 'none'
            OR s.setting_type IN {_in(ctx.specialist_types)} OR c.held_band IS NOT NULL)
       THEN 1 ELSE 0 END AS escalation,
  CASE WHEN r.id IS NOT NULL THEN COALESCE(r.top_up, 0) ELSE 0 END AS top_up,
  CASE WHEN r.above_range THEN 1 ELSE 0 END AS above_range,
  CASE WHEN r.id IS NOT NULL THEN {held} ELSE 0 END AS held_top_up,
  CASE WHEN s.id IS NOT NULL THEN 1 ELSE 0 END AS in_register,
  {", ".join(level_chars)},
  {", ".join(f"CASE WHEN s.id IS NOT NULL THEN COALESCE(cap.c{i}, 0) END AS cp{i}" for i in range(n))}
FROM {_table(Child)} c
LEFT JOIN {_table(Setting)} s ON s.id = c.current_setting_id
LEFT JOIN {_table(Assessment)} a ON a.child_id = c.id AND a.status = 'complete'
LEFT JOIN {_table(Recommendation)} r ON r.assessment_id = a.id AND r.superseded_at IS NULL
LEFT JOIN (SELECT setting_id, {", ".join(capability_pivot)}
           FROM {_table(SettingCapability)} GROUP BY setting_id) cap
  ON cap.setting_id = c.current_setting_id
WHERE c.authority_id = {p(ctx.authority_id)}
  AND c.date_of_birth <= {p(as_at)}
  AND c.date_of_birth > {p(years_before(year_ago, 26))}"""
    # The sums over domains are worked out here, once per child, rather than in every
    # aggregate that reads them.
    # (Materialised: inlined, each domain's level expression would be repeated in every sum.)
    return f"WITH b AS MATERIALIZED ({raw}) SELECT b.*, {_derived()} FROM b", params


def _derived() -> str:
    n = len(NEEDS_DOMAIN_CODES)
    pfa = NEEDS_DOMAIN_CODES.index(PFA)
    needed = " + ".join(f"CASE WHEN b.lv{i} > 0 THEN b.lv{i} ELSE 0 END" for i in range(n))
    covered = " + ".join(
        f"CASE WHEN b.lv{i} > 0 THEN CASE WHEN b.cp{i} < b.lv{i} THEN b.cp{i} ELSE b.lv{i} END "
        "ELSE 0 END"
        for i in range(n)
    )
    short = " OR ".join(f"b.lv{i} > b.cp{i}" for i in range(n))
    return (
        f"({needed}) AS needed, ({covered}) AS covered, "
        f"CASE WHEN {short} THEN 1 ELSE 0 END AS short_any, "
        f"CASE WHEN b.lv{pfa} IS NOT NULL THEN 1 ELSE 0 END AS pfa_rated, "
        f"CASE WHEN b.classification IN {_in(AVOIDABLE)} AND b.held_top_up > b.top_up "
        "THEN b.held_top_up - b.top_up ELSE 0 END AS avoidable_top_up"
    )


def _counts_and_sums() -> list[str]:
    """The aggregate columns of the five-breakdown grouping: every count, then every sum."""
    counts = [f"COUNT(*) FILTER (WHERE {cond}) AS {name}" for name, cond in COUNT_COLUMNS.items()]
    sums = [
        f"COALESCE(SUM({amount}) FILTER (WHERE {cond}), 0) AS {name}"
        for name, (amount, cond) in SUM_COLUMNS.items()
    ]
    return counts + sums


def _domain_counts(within: str = "") -> list[str]:
    """The heatmap's per-domain counts, each also limited by ``within`` when given."""
    also = f"{within} AND " if within else ""
    return [
        f"COUNT(*) FILTER (WHERE {also}{cond}) AS {name}" for name, cond in DOMAIN_COLUMNS.items()
    ]


_DIMENSIONS = ", ".join(f"f.{name}" for name in DIMENSION_COLUMNS)
_REGISTERED = "f.in_register = 1"


def aggregate_sql(source: str) -> str:
    """Every count and sum, grouped by the five breakdowns: one pass over the caseload."""
    return (
        f"SELECT {_DIMENSIONS}, {', '.join(_counts_and_sums())} FROM {source} f "
        f"GROUP BY {_DIMENSIONS}"
    )


def heatmap_sql(source: str) -> str:
    """Per setting in the register: children whose need in each domain is above the setting's
    capability there, and children with a need in that domain."""
    return (
        f"SELECT f.setting_id, f.setting_type, {', '.join(_domain_counts())} FROM {source} f "
        f"WHERE {_REGISTERED} GROUP BY f.setting_id, f.setting_type"
    )


def combined_sql(base: str) -> str:
    """``aggregate_sql`` and ``heatmap_sql`` in one pass over the caseload's facts (``base``,
    a query), for PostgreSQL: GROUPING SETS gives the rows grouped by the five breakdowns
    (``by_breakdowns`` 1) and the rows grouped by setting (0), each row carrying every column;
    ``split_combined`` takes them apart into the rows the two queries give. The domain counts
    keep the heatmap's condition (children at a setting in the register), and ``registered``
    says whether a setting's group has any such child (the heatmap lists only those)."""
    columns = _counts_and_sums() + _domain_counts(within=_REGISTERED)
    return (
        f"SELECT GROUPING(f.setting_id) AS by_breakdowns, {_DIMENSIONS}, f.setting_id, "
        f"COUNT(*) FILTER (WHERE {_REGISTERED}) AS registered, {', '.join(columns)} "
        f"FROM ({base}) f "
        f"GROUP BY GROUPING SETS (({_DIMENSIONS}), (f.setting_id, f.setting_type))"
    )


def split_combined(rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """The rows of ``combined_sql`` as ``aggregate_sql``'s rows and ``heatmap_sql``'s."""
    width = len(DIMENSION_COLUMNS)
    setting_type_at = 1 + DIMENSION_COLUMNS.index("setting_type")
    setting_id_at = 1 + width
    registered_at = setting_id_at + 1
    counts_at = registered_at + 1
    domains_at = counts_at + len(COUNT_COLUMNS) + len(SUM_COLUMNS)
    aggregates, heatmap = [], []
    for row in rows:
        if row[0] == 1:  # grouped by the five breakdowns
            aggregates.append(row[1:setting_id_at] + row[counts_at:domains_at])
        elif row[registered_at]:
            heatmap.append((row[setting_id_at], row[setting_type_at], *row[domains_at:]))
    return aggregates, heatmap


def children_sql(ctx: Context, column: str, dimension: str = "", category: str = ""):
    """The ids of the children counted in ``column`` (for one breakdown category): the same
    facts and the same condition the figure was counted with."""
    base, params = base_sql(ctx)
    where = condition(column)
    if dimension == "setting":
        where += " AND f.setting_id = %s"
        params = [*params, int(category)]
    elif dimension:
        if dimension not in DIMENSION_COLUMNS:
            raise ValueError(f"unknown breakdown {dimension!r}")
        where += f" AND f.{dimension} = %s"
        params = [*params, category]
    return f"SELECT f.id FROM ({base}) f WHERE {where}", params
