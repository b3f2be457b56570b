from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context, key: str, fmt: str) -> str:
    """This page's address with its own query, asking for one table as a download."""
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = key
    query["format"] = fmt
    return f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"


@register.simple_tag(takes_context=True)
def with_query(context, **changes) -> str:
    """This page's address with some query values changed (a blank value removes one)."""
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    query.pop("export", None)
    query.pop("format", None)
    encoded = urlencode(sorted(query.lists()), doseq=True)
    return f"{request.path}?{encoded}" if encoded else request.path


@register.filter
def figure(value, unit="count"):
    """``{{ snapshot.value|figure:"percent" }}``: a figure as every indicator page shows it."""
    from valuing_send.indicators.charts import formatted

    return formatted(value, unit)
