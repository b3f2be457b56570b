"""For presenters that write long tables in one pass instead of a template loop (the children
list, the work tray, a child's assessment history): values formatted exactly as the templates'
filters format them, links, and the small tags each row repeats."""

import datetime
import html

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.safestring import SafeString

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


def rendered_once(template_name: str, context):
    """A function from a value to the small template ``template_name`` rendered with
    ``context(value)``, each value rendered once for a whole table (a row's tag: the same few
    tags on every row)."""
    rendered: dict = {}

    def render(value) -> str:
        if value not in rendered:
            rendered[value] = render_to_string(template_name, context(value))
        return rendered[value]

    return render


def escaped(value) -> str:
    """``conditional_escape(value)`` for a table cell: HTML already marked safe as it is, any
    other value as text with ``& < > " '`` escaped, exactly as Django escapes it, without the
    lazy-string checks Django's ``escape`` makes on every call (a quarter of a long table's
    time)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def joined_rows(row_format: str, rows) -> SafeString:
    """``format_html_join("\n", row_format, rows)``, byte for byte: each row's values escaped
    (``escaped``) and put into ``row_format`` with ``str.format``, the rows one per line."""
    return SafeString("\n".join(row_format.format(*map(escaped, cells)) for cells in rows))
