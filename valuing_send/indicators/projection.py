"""Demand and cost projection: EHC plans, placements and top-up cost 3 to 5 years ahead, from
the authority's own trend and its published history, with scenarios.

Method (also stated on the page):
1. Growth: the compound annual growth rate of EHC plans over the last (up to) five Januaries,
   from the authority's records (its snapshots, earlier years worked out from plan start and
   cease dates) and from DfE's published counts for the authority. The projection uses the
   mean of the two where both exist, else the one there is.
2. Plans: this January's plans × (1 + growth) for each year ahead.
3. Placements: today's plans keep today's mix of settings; each year's additional plans are
   placed as this year's new plans were (their share in special schools and in mainstream),
   the rest in proportion to today's other settings.
4. Cost: each place costs the rule set's annual base funding for its type of setting plus the
   average top-up the current recommendations give a plan there (or the authority-wide
   average where a type has no profiles). Prices stay at today's; no inflation.
5. Scenarios change the additional plans only: "earlier support" meets a share of them at SEN
   support level (no plan, no top-up: the first £6,000 is the school's own budget); "mainstream
   first" places a share of the additional special-school places in mainstream, with a
   mainstream top-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from assessments.rules.codes import SETTING_TYPE_CODES

from . import charts, registry
from .queries import comparators_for, local_for, periods_of, published_for, published_label

MAINSTREAM = ("mainstream", "resourced")
SPECIAL = ("state_special", "independent_special")
# Every type of setting in the register, and no setting recorded.
TYPES = (*SETTING_TYPE_CODES, "none")
GROUPS = {
    "Mainstream (including resourced provision)": MAINSTREAM,
    "Special schools (state, independent and non-maintained)": SPECIAL,
    "Other (alternative provision, further education, early years, elsewhere)": (
        "ap",
        "fe",
        "early_years",
        "other",
        "none",
    ),
}


@dataclass(frozen=True)
class Scenario:
    years: int = 5
    earlier_support_pct: int = 10
    mainstream_first_pct: int = 10


@dataclass
class Inputs:
    plans: int
    mix: dict[str, float]  # today's placement shares by setting type
    new_special_share: float
    new_mainstream_share: float
    cost: dict[str, float]  # annual cost per place by type
    local_growth: float | None
    local_span: str
    published_growth: float | None
    published_span: str
    history: list[tuple[str, int | None, int | None]] = field(default_factory=list)

    @property
    def growth(self) -> float:
        rates = [g for g in (self.local_growth, self.published_growth) if g is not None]
        return sum(rates) / len(rates) if rates else 0.0


def cagr(first: float, last: float, years: int) -> float | None:
    if not first or years <= 0 or first <= 0 or last <= 0:
        return None
    return (last / first) ** (1 / years) - 1


def project(inputs: Inputs, scenario: Scenario) -> list[dict]:
    """Year by year: baseline and scenario plans, places by group and cost. Pure arithmetic
    on ``inputs`` (tested with hand-worked figures)."""
    growth = inputs.growth
    other_types = [t for t in TYPES if t not in MAINSTREAM + SPECIAL]
    other_mix_total = sum(inputs.mix.get(t, 0.0) for t in other_types)
    rest = max(0.0, 1 - inputs.new_special_share - inputs.new_mainstream_share)
    mainstream_mix_total = sum(inputs.mix.get(t, 0.0) for t in MAINSTREAM) or 1.0
    special_mix_total = sum(inputs.mix.get(t, 0.0) for t in SPECIAL) or 1.0

    def placed(additional: float, *, moved: float = 0.0) -> dict[str, float]:
        """Places by type for ``additional`` plans; ``moved``: the share of their special
        places met in mainstream instead."""
        special = additional * inputs.new_special_share
        mainstream = additional * inputs.new_mainstream_share + special * moved
        special -= special * moved
        out = {}
        for t in MAINSTREAM:
            out[t] = mainstream * inputs.mix.get(t, 0.0) / mainstream_mix_total
        for t in SPECIAL:
            out[t] = special * inputs.mix.get(t, 0.0) / special_mix_total
        for t in other_types:
            share = inputs.mix.get(t, 0.0) / other_mix_total if other_mix_total else 0.0
            out[t] = additional * rest * share
        return out

    today = {t: inputs.plans * inputs.mix.get(t, 0.0) for t in TYPES}
    rows = []
    for year in range(1, scenario.years + 1):
        baseline_plans = inputs.plans * (1 + growth) ** year
        additional = baseline_plans - inputs.plans
        avoided = max(additional, 0.0) * scenario.earlier_support_pct / 100
        scenario_plans = baseline_plans - avoided
        baseline_places = {t: today[t] + v for t, v in placed(additional).items()}
        scenario_places = {
            t: today[t] + v
            for t, v in placed(
                additional - avoided, moved=scenario.mainstream_first_pct / 100
            ).items()
        }
        rows.append(
            {
                "year": year,
                "baseline_plans": baseline_plans,
                "scenario_plans": scenario_plans,
                "baseline_places": baseline_places,
                "scenario_places": scenario_places,
                "baseline_cost": sum(baseline_places[t] * inputs.cost.get(t, 0.0) for t in TYPES),
                "scenario_cost": sum(scenario_places[t] * inputs.cost.get(t, 0.0) for t in TYPES),
            }
        )
    return rows


def inputs_for(authority) -> Inputs | None:
    """The projection's starting figures from the latest full snapshot and DfE's published
    history (four queries, plus the active rule set)."""
    from assessments.rulesets import active_rule_set

    periods = list(periods_of(authority))
    full = [p for p in periods if not p.from_dates]
    if not full:
        return None
    latest = full[0]
    ids = ["ehc_plans", "new_plans_special_pct", "new_plans_mainstream_pct", "top_up_per_plan"]
    local = local_for(
        authority, ids, periods=[p.period for p in periods], dimensions=("", "setting_type")
    )
    plans = local.get(latest.period, "ehc_plans")
    if plans is None or not plans.numerator:
        return None
    mix = {
        f.category: f.numerator / plans.numerator
        for f in local.breakdown(latest.period, "ehc_plans", "setting_type")
    }
    special = local.value(latest.period, "new_plans_special_pct")
    mainstream = local.value(latest.period, "new_plans_mainstream_pct")
    try:
        base = dict(active_rule_set(authority).ruleset.base_funding)
    except Exception:
        base = {}
    overall = local.value(latest.period, "top_up_per_plan")
    cost = {}
    for t in TYPES:
        top_up = local.value(latest.period, "top_up_per_plan", "setting_type", t)
        cost[t] = float(base.get(t, 0)) + float(top_up if top_up is not None else (overall or 0))
    # Growth from the authority's own records: the January snapshots taken on census dates.
    # Earlier Januaries worked out from plan dates are left out here: plans that ceased, and
    # children who left, before the service held their records are missing from them.
    census = sorted(
        (
            (p.period.year, local.get(p.period, "ehc_plans"))
            for p in periods
            if p.as_at == p.period and not p.from_dates
        ),
        key=lambda item: item[0],
    )
    census = [(year, f.numerator) for year, f in census if f is not None and f.numerator]
    local_growth, local_span = None, ""
    if len(census) >= 2:
        window = census[-6:]
        local_growth = cagr(window[0][1], window[-1][1], window[-1][0] - window[0][0])
        local_span = f"January {window[0][0]} to January {window[-1][0]}"
    comparators = comparators_for(authority)
    own = comparators.own or comparators.england
    published = published_for([own], ["ehc_plans"]) if own else None
    published_growth, published_span = None, ""
    history: dict[int, list] = {}
    for year, value in census:
        history.setdefault(year, [None, None])[0] = value
    if published is not None:
        years = [
            y
            for y in published.years("ehc_plans")
            if published.value(own, "ehc_plans", y) is not None
        ]
        window = years[-6:]
        if len(window) >= 2:
            first = float(published.value(own, "ehc_plans", window[0]))
            last = float(published.value(own, "ehc_plans", window[-1]))
            published_growth = cagr(first, last, window[-1] - window[0])
            published_span = f"January {window[0]} to January {window[-1]} ({own.name})"
        for y in years:
            history.setdefault(y, [None, None])[1] = int(published.value(own, "ehc_plans", y))
    return Inputs(
        plans=plans.numerator,
        mix=mix,
        new_special_share=float(special or 0) / 100,
        new_mainstream_share=float(mainstream or 0) / 100,
        cost=cost,
        local_growth=local_growth,
        local_span=local_span,
        published_growth=published_growth,
        published_span=published_span,
        history=[(f"January {y}", *values) for y, values in sorted(history.items())],
    )


def projection_context(authority, scenario: Scenario) -> dict:
    inputs = inputs_for(authority)
    context = {"authority": authority, "scenario": scenario, "inputs": inputs}
    if inputs is None:
        return context
    rows = project(inputs, scenario)
    start_year = max(p.period.year for p in periods_of(authority) if not p.from_dates)
    labels = [f"January {start_year + r['year']}" for r in rows]
    table = charts.Table(
        key="projection",
        caption=f"Projection over {scenario.years} years: baseline and scenario",
        headings=[
            "Year",
            "EHC plans, baseline",
            "EHC plans, scenario",
            "Difference in plans",
            *(f"{name}, baseline" for name in GROUPS),
            *(f"{name}, scenario" for name in GROUPS),
            "Cost, baseline",
            "Cost, scenario",
            "Difference in cost",
        ],
        numeric=set(range(1, 4 + 2 * len(GROUPS) + 3)),
    )
    for label, row in zip(labels, rows, strict=True):
        cells = [charts.Cell(label, label)]
        for key in ("baseline_plans", "scenario_plans"):
            cells.append(charts.Cell(round(row[key]), f"{round(row[key]):,}"))
        difference = round(row["scenario_plans"]) - round(row["baseline_plans"])
        cells.append(charts.Cell(difference, f"{difference:+,}"))
        for key in ("baseline_places", "scenario_places"):
            for types in GROUPS.values():
                places = round(sum(row[key][t] for t in types))
                cells.append(charts.Cell(places, f"{places:,}"))
        for key in ("baseline_cost", "scenario_cost"):
            cells.append(charts.Cell(round(row[key]), f"£{round(row[key]):,}"))
        saving = round(row["scenario_cost"]) - round(row["baseline_cost"])
        cells.append(charts.Cell(saving, f"{'−' if saving < 0 else '+'}£{abs(saving):,}"))
        table.rows.append(cells)
    today_cost = sum(inputs.plans * inputs.mix.get(t, 0) * inputs.cost.get(t, 0) for t in TYPES)
    context.update(
        {
            "rows": rows,
            "table": table,
            "today_cost": today_cost,
            "growth_pct": Decimal(inputs.growth * 100).quantize(Decimal("0.1")),
            "local_growth_pct": None
            if inputs.local_growth is None
            else Decimal(inputs.local_growth * 100).quantize(Decimal("0.1")),
            "published_growth_pct": None
            if inputs.published_growth is None
            else Decimal(inputs.published_growth * 100).quantize(Decimal("0.1")),
            "plans_chart": charts.line_chart(
                "projected-plans",
                "EHC plans: baseline and scenario",
                [f"January {start_year}", *labels],
                [
                    ("Baseline", [inputs.plans, *(round(r["baseline_plans"]) for r in rows)]),
                    ("Scenario", [inputs.plans, *(round(r["scenario_plans"]) for r in rows)]),
                ],
                unit=registry.COUNT,
                css=["england", "local"],
            ),
            "cost_chart": charts.line_chart(
                "projected-cost",
                "Annual cost of places: baseline and scenario",
                [f"January {start_year}", *labels],
                [
                    ("Baseline", [round(today_cost), *(round(r["baseline_cost"]) for r in rows)]),
                    ("Scenario", [round(today_cost), *(round(r["scenario_cost"]) for r in rows)]),
                ],
                unit=registry.POUNDS,
                css=["england", "local"],
            ),
            "history_table": charts.Table(
                key="history",
                caption="EHC plans in January: the authority's records and DfE's published counts",
                headings=["January", "This authority's records", "DfE published"],
                rows=[
                    [
                        charts.Cell(label, label),
                        charts.Cell(mine, f"{mine:,}" if mine is not None else "–"),
                        charts.Cell(theirs, f"{theirs:,}" if theirs is not None else "–"),
                    ]
                    for label, mine, theirs in inputs.history
                ],
                numeric={1, 2},
            ),
            "cost_table": charts.Table(
                key="costs",
                caption="Annual cost per place, by type of setting",
                headings=["Type of setting", "Share of plans today", "Cost per place"],
                rows=[
                    [
                        charts.Cell(label, label),
                        charts.Cell(
                            round(inputs.mix.get(t, 0) * 100, 1),
                            f"{inputs.mix.get(t, 0) * 100:.1f}%",
                        ),
                        charts.Cell(
                            round(inputs.cost.get(t, 0)), f"£{round(inputs.cost.get(t, 0)):,}"
                        ),
                    ]
                    for t, label in _type_labels()
                    if inputs.mix.get(t)
                ],
                numeric={1, 2},
            ),
            "published_label": published_label,
        }
    )
    return context


def _type_labels():
    from .labels import CATEGORIES

    return list(CATEGORIES["setting_type"].items())
