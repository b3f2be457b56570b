"""Template helpers loaded into every template (see TEMPLATES builtins in settings)."""

from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from valuing_send.authorities.permissions import can

register = template.Library()


def _as_list(form_or_forms):
    if form_or_forms is None or form_or_forms == "":
        return []
    if isinstance(form_or_forms, (list, tuple)):
        return list(form_or_forms)
    return [form_or_forms]


@register.inclusion_tag("govuk/error_summary.html")
def error_summary(form_or_forms):
    """The GOV.UK error summary for one form or a list of forms on the same page."""
    forms = [form for form in _as_list(form_or_forms) if form.errors]
    return {"forms": forms}


@register.simple_block_tag
def table_region(content, label):
    """``{% table_region "Children" %}<table class="govuk-table">…</table>{% endtable_region %}``:
    every data table sits in one kind of region that scrolls sideways when the table is wider
    than the window, so the page itself never does (WCAG 1.4.10 allows a data table to scroll
    in its own region). The region is labelled and focusable so keyboard users can scroll it;
    static/js/app.mjs keeps it in the tab order only while it actually scrolls."""
    return render_to_string("govuk/table_region.html", {"content": content, "label": label})


@register.filter
def mid_sentence(value) -> str:
    """A label as it reads inside a sentence: its first letter lower case, unless the first word
    is an abbreviation, and every other word as it was. ``|lower`` would also lower "EHC",
    "SEN" and "England", which screen readers then read as words and people read as typos:
    "Request for an EHC needs assessment" becomes "request for an EHC needs assessment"."""
    text = str(value)
    first = text.split(" ", 1)[0]
    if not text or sum(letter.isupper() for letter in first) > 1:
        return text
    return text[0].lower() + text[1:]


@register.filter
def forms_have_errors(form_or_forms) -> bool:
    return any(form.errors for form in _as_list(form_or_forms))


@register.filter
def may(membership, action):
    """``{% if membership|may:"child.edit" %}``: reflects the permission catalogue the view
    already enforced; never the only check."""
    return can(membership, action)


@register.simple_tag
def page_title(title, form=None):
    """The document title: 'Error: ' first when the form has errors (GOV.UK pattern)."""
    prefix = "Error: " if form is not None and getattr(form, "errors", None) else ""
    return f"{prefix}{title}"


def _local(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def govuk_time(value) -> str:
    """GOV.UK style: 9:05am, 2:30pm, midday, midnight (Europe/London)."""
    if not value:
        return ""
    value = _local(value)
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def govuk_datetime(value) -> str:
    """GOV.UK style: 23 November 2026 at 2:30pm."""
    if not value:
        return ""
    value = _local(value)
    return f"{value.day} {value:%B %Y} at {govuk_time(value)}"


@register.filter
def pounds(value) -> str:
    """£12,500 for whole pounds, £376.50 with pence, or an en dash when there is no figure."""
    if value is None or value == "":
        return "–"
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return f"£{int(amount):,}"
    return f"£{amount:,.2f}"


@register.filter
def govuk_duration(value) -> str:
    """A timedelta in words: 15 minutes, 1 hour, 2 hours 30 minutes."""
    if not value:
        return ""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
