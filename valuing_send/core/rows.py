"""For presenters that write long tables in one pass instead of a template loop (the children
list, the work tray): values formatted exactly as the templates' filters format them."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3

_MARKER = 987654321987654321


def _local_date(value):
    """A moment in time told in local time, as the date filter tells it; a date as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day_month_year(value) -> str:
    """A date as the template filter ``date:"j M Y"`` writes it ("5 Jan 2026"); "" for none."""
    if not value:
        return ""
    value = _local_date(value)
    return f"{value.day} {str(MONTHS_3[value.month]).title()} {value.year}"


def long_date(value) -> str:
    """A date as the template filter ``date`` writes it in the GOV.UK style of
    ``valuing_send/formats`` ("5 January 2026"); "" for none."""
    if not value:
        return ""
    value = _local_date(value)
    return f"{value.day} {MONTHS[value.month]} {value.year}"


def related_text(related, attribute: str, fallback: str) -> str:
    """A related object's text as ``{{ related.attribute|default:fallback }}`` writes it: the
    fallback when there is no object or its text is empty."""
    return (getattr(related, attribute) if related is not None else "") or fallback


def pk_url(url_name: str):
    """A function from a primary key to ``reverse(url_name, args=[pk])``, reversing once for a
    whole table rather than once a row."""
    head, _, tail = reverse(url_name, args=[_MARKER]).partition(str(_MARKER))
    return lambda pk: f"{head}{int(pk)}{tail}"
