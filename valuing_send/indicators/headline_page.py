"""The Valuing SEND headline page, from the authority's snapshots: how the rules'
recommendations compare with what is held and asked for, setting readiness, where settings'
capability falls short of their children's needs, and the same by ethnicity and sex.

The source's "in almost 70% of cases the need for services could have been prevented, reduced
or delayed" is a share of the cases where more is held or asked for (design §6), not of every
child: the page states that denominator, and the share of all children beside it.
"""

from __future__ import annotations

from . import charts, labels, registry
from .presenters import _chosen, drill_url
from .queries import local_for, periods_of
from .snapshots import FORMULAS

CLASSIFICATION_IDS = [f"classified_{code}" + "_pct" for code, *_ in registry.CLASSIFICATIONS]
HEADLINE_IDS = [
    "avoidable_pct",
    "avoidable_of_all_pct",
    "mainstream_capable_pct",
    "mainstream_capable_of_all_pct",
    "mean_setting_readiness",
    "capability_shortfall_pct",
    "top_up_avoidable",
    *CLASSIFICATION_IDS,
]
HEATMAP_SETTINGS = 25


def _figure(local, period, indicator_id, dimension="", category=""):
    return local.get(period.period, indicator_id, dimension, category) if period else None


def headline_context(authority, *, period=None) -> dict:
    """Five queries (six with the heatmap's setting names)."""
    periods = periods_of(authority)
    chosen = _chosen([p for p in periods if not p.from_dates], period)
    local = local_for(
        authority,
        HEADLINE_IDS,
        periods=[chosen.period] if chosen else [],
        dimensions=None,
    )
    figure = lambda *args: _figure(local, chosen, *args)  # noqa: E731
    context = {"authority": authority, "periods": periods, "period": chosen, "ready": False}
    escalations = figure("mainstream_capable_pct")
    if chosen is None or escalations is None:
        return context
    context["ready"] = True
    context["figures"] = {indicator_id: figure(indicator_id) for indicator_id in HEADLINE_IDS}
    # The split of the cases where more is held or asked for: could mainstream meet the
    # needs, and how the recommendation compares with what is held and asked for.
    split_rows = []
    for code, title, _meaning, _ in registry.CLASSIFICATIONS:
        cell = figure("mainstream_capable_pct", "classification", code)
        split_rows.append((title, cell.value if cell else None))
    context["split_chart"] = charts.bar_chart(
        "mainstream-split",
        "Cases where more is held or asked for whose needs mainstream could meet, by classification",
        split_rows,
        unit=registry.PERCENT,
        label_heading="Classification",
        table_heading="Share of cases where more is held or asked for",
        links={
            title: drill_url("mainstream_capable_pct", chosen.period, "classification", code)
            for code, title, _, _ in registry.CLASSIFICATIONS
        },
        extra_columns=[
            (
                "Children",
                [
                    charts.Cell(c.numerator if c else 0, f"{c.numerator:,}" if c else "0")
                    for code, *_ in registry.CLASSIFICATIONS
                    for c in [figure("mainstream_capable_pct", "classification", code)]
                ],
            )
        ],
    )
    context["classification_chart"] = charts.bar_chart(
        "classifications",
        "Every child with a current needs profile, by classification",
        [
            (
                title,
                (
                    figure(f"classified_{code}_pct").value
                    if figure(f"classified_{code}_pct")
                    else None
                ),
            )
            for code, title, _, _ in registry.CLASSIFICATIONS
        ],
        unit=registry.PERCENT,
        label_heading="Classification",
        table_heading="Share of children with a current needs profile",
        links={
            title: drill_url(f"classified_{code}_pct", chosen.period)
            for code, title, _, _ in registry.CLASSIFICATIONS
        },
        extra_columns=[
            (
                "Children",
                [
                    charts.Cell(c.numerator if c else 0, f"{c.numerator:,}" if c else "0")
                    for code, *_ in registry.CLASSIFICATIONS
                    for c in [figure(f"classified_{code}_pct")]
                ],
            )
        ],
    )
    context["domain_chart"] = _domain_chart(local, chosen)
    context["type_heatmap"] = _type_heatmap(local, chosen)
    context["setting_heatmap"] = _setting_heatmap(authority, local, chosen)
    context["equality"] = [
        _equality_table(local, chosen, dimension) for dimension in ("ethnicity", "gender")
    ]
    return context


def _domain_chart(local, period):
    rows, links = [], {}
    for code, label in labels.CATEGORIES["domain"].items():
        cell = local.get(period.period, "capability_shortfall_pct", "domain", code)
        if cell is None:
            continue
        rows.append((label, cell.value))
        links[label] = drill_url("capability_shortfall_pct", period.period, "domain", code)
    return charts.bar_chart(
        "shortfall-by-domain",
        "Children whose setting's capability is below their need, by domain",
        rows,
        unit=registry.PERCENT,
        label_heading="Needs domain",
        table_heading="Share of children with a need in the domain",
        links=links,
    )


def _type_heatmap(local, period):
    types = [t for t in labels.CATEGORIES["setting_type"] if t != "none"]
    domains = list(labels.CATEGORIES["domain"])
    cells = {
        (f.category.split(":")[0], f.category.split(":")[1]): f
        for f in local.breakdown(period.period, "capability_shortfall_pct", "setting_type_domain")
    }
    present = [t for t in types if any((t, d) in cells for d in domains)]
    return charts.heatmap(
        "shortfall-by-setting-type",
        "Where capability falls short of need: type of setting by domain",
        [labels.category_label("setting_type", t) for t in present],
        [labels.category_label("domain", d) for d in domains],
        [[cells[(t, d)].value if (t, d) in cells else None for d in domains] for t in present],
        counts=[
            [
                f"{cells[(t, d)].numerator:,} of {cells[(t, d)].denominator:,}"
                if (t, d) in cells
                else ""
                for d in domains
            ]
            for t in present
        ],
    )


def _setting_heatmap(authority, local, period):
    """The settings with the most children whose needs exceed capability somewhere, by domain."""
    domains = list(labels.CATEGORIES["domain"])
    cells: dict[int, dict[str, object]] = {}
    for f in local.breakdown(period.period, "capability_shortfall_pct", "setting_domain"):
        setting_id, domain = f.category.split(":")
        cells.setdefault(int(setting_id), {})[domain] = f
    worst = sorted(cells, key=lambda s: -sum(f.numerator for f in cells[s].values()))[
        :HEATMAP_SETTINGS
    ]
    names = dict(authority.settings_register.filter(pk__in=worst).values_list("pk", "name"))
    rows = [s for s in worst if s in names]
    chart = charts.heatmap(
        "shortfall-by-setting",
        f"Where capability falls short of need: the {len(rows)} settings with most children affected, by domain",
        [names[s] for s in rows],
        [labels.category_label("domain", d) for d in domains],
        [[cells[s][d].value if d in cells[s] else None for d in domains] for s in rows],
        counts=[
            [
                f"{cells[s][d].numerator:,} of {cells[s][d].denominator:,}" if d in cells[s] else ""
                for d in domains
            ]
            for s in rows
        ],
    )
    for row, setting_id in zip(chart.table.rows, rows, strict=True):
        for position, domain in enumerate(domains, start=1):
            if domain in cells[setting_id]:
                cell = row[position]
                row[position] = charts.Cell(
                    cell.value,
                    cell.text,
                    drill_url(
                        "capability_shortfall_pct",
                        period.period,
                        "setting_domain",
                        f"{setting_id}:{domain}",
                    ),
                )
    return chart


def _equality_table(local, period, dimension) -> charts.Table:
    """Each classification's share of the children in each group, with the group's size."""
    categories = sorted(
        {
            f.category
            for indicator_id in CLASSIFICATION_IDS
            for f in local.breakdown(period.period, indicator_id, dimension)
        },
        key=lambda c: labels.sort_key(dimension, c),
    )
    table = charts.Table(
        key=f"equality-{dimension}",
        caption=f"Each classification by {labels.dimension_label(dimension).lower()}: share of the "
        "children with a current needs profile in each group",
        headings=[
            labels.dimension_label(dimension),
            "Children with a current needs profile",
            *(title for _, title, _, _ in registry.CLASSIFICATIONS),
        ],
        numeric=set(range(1, 2 + len(registry.CLASSIFICATIONS))),
    )
    for category in categories:
        row = [
            charts.Cell(
                labels.category_label(dimension, category),
                labels.category_label(dimension, category),
            )
        ]
        size = None
        shares = []
        for indicator_id in CLASSIFICATION_IDS:
            cell = local.get(period.period, indicator_id, dimension, category)
            if cell is not None:
                size = cell.denominator
            shares.append(
                charts.Cell(
                    None if cell is None else charts._plain_number(cell.value),
                    "0.0%"
                    if cell is None
                    else f"{charts.formatted(cell.value, registry.PERCENT)} ({cell.numerator:,})",
                    ""
                    if cell is None
                    else drill_url(indicator_id, period.period, dimension, category),
                )
            )
        row.append(charts.Cell(size, f"{size:,}" if size is not None else "–"))
        row.extend(shares)
        table.rows.append(row)
    return table


__all__ = ["headline_context", "FORMULAS"]
