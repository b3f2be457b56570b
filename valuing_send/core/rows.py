"""For presenters that write long tables in one pass instead of a template loop (the children
list, the work tray): values formatted exactly as the templates' filters format them."""

from django.utils.dates import MONTHS_3


def day_month_year(value) -> str:
    """A date as the template filter ``date:"j M Y"`` writes it ("5 Jan 2026"); "" for none."""
    if not value:
        return ""
    return f"{value.day} {str(MONTHS_3[value.month]).title()} {value.year}"


def related_text(related, attribute: str, fallback: str) -> str:
    """A related object's text as ``{{ related.attribute|default:fallback }}`` writes it: the
    fallback when there is no object or its text is empty."""
    return (getattr(related, attribute) if related is not None else "") or fallback
