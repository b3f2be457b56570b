"""From a figure to the children behind it: the same facts and conditions the figure was
counted with (``facts.children_sql``), for the period's window."""

from __future__ import annotations

from . import facts, labels
from .models import SnapshotRun
from .snapshots import FORMULAS, SPLIT_DIMENSIONS

EXPORT_HEADINGS = [
    "Child ID",
    "First name",
    "Last name",
    "UPN",
    "SEN status",
    "Primary need",
    "Setting",
]


def column_for(indicator_id: str, dimension: str, category: str) -> tuple[str, str, str]:
    """The aggregate column a figure's numerator counts, and the breakdown to filter by."""
    formula = FORMULAS[indicator_id]
    if formula.kind == "growth":
        return "plans", dimension, category
    if dimension and dimension == SPLIT_DIMENSIONS.get(indicator_id):
        return formula.split[category][0], "", ""
    if dimension == "setting_domain":
        setting_id, domain = category.split(":", 1)
        return f"short_{domain}", "setting", setting_id
    if dimension == "setting_type_domain":
        setting_type, domain = category.split(":", 1)
        return f"short_{domain}", "setting_type", setting_type
    return formula.numerator, dimension, category


def window_of(authority, period) -> facts.Window:
    run = (
        SnapshotRun.objects.filter(authority=authority, period=period)
        .order_by("-started_at")
        .first()
    )
    return facts.Window(period, run.as_at if run else period)


def children_sql(authority, indicator, period, dimension="", category=""):
    ctx = facts.context_for(authority, window_of(authority, period))
    column, by, value = column_for(indicator.id, dimension, category)
    return facts.children_sql(ctx, column, by, value)


def describe(drill: dict) -> str:
    indicator = drill["indicator"]
    text = f"Children counted in “{indicator.title}”"
    dimension, category = drill["dimension"], drill["category"]
    if dimension in ("setting_domain", "setting_type_domain"):
        where, domain = category.split(":", 1)
        name = drill.get("setting_name") or labels.category_label("setting_type", where)
        text += f": {name}, {labels.category_label('domain', domain)}"
    elif dimension:
        text += f", {labels.dimension_label(dimension).lower()}: {labels.category_label(dimension, category)}"
    return text + f", January {drill['period'].year}"


def export_rows(children):
    for child in children.iterator(chunk_size=2000):
        yield [
            child.pk,
            child.first_name,
            child.last_name,
            child.upn,
            child.get_sen_status_display(),
            child.get_primary_need_display(),
            child.current_setting.name if child.current_setting else "",
        ]
