"""Template helpers loaded into every template (see TEMPLATES builtins in settings)."""

from django import template

from valuing_send.authorities.permissions import can

register = template.Library()


@register.inclusion_tag("govuk/error_summary.html")
def error_summary(form):
    return {"form": form}


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
