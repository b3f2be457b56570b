"""``{% url %}`` and ``{% static %}`` for the page chrome, answered from what was worked out the
first time in this process. Loaded into every template after Django's own tags (TEMPLATES
builtins in settings), so ``{% url %}`` is this one everywhere.

``reverse`` walks the URL patterns on every call: about 80 µs each for the handful of links that
every page's header and footer hold (home, sign out, the accessibility statement, the privacy
notice), which was two fifths of rendering ``base.html``. A URL without arguments depends only
on its name, the URLconf, the script prefix and the current application, so it is kept under
all four and worked out once. A URL with arguments (a child, a case) is reversed each time as
before: its arguments are endless and the page's own."""

from functools import cache

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


def _urlconf():
    """The URLconf ``reverse`` uses: the request's own if it set one, else the setting's (a
    test that overrides ROOT_URLCONF gets its own entries)."""
    return get_urlconf() or settings.ROOT_URLCONF


@cache
def _reversed(view_name: str, current_app, urlconf, script_prefix: str) -> str:
    """A URL without arguments; a name that does not reverse raises, and nothing is kept."""
    return reverse(view_name, urlconf=urlconf, current_app=current_app)


def reverse_once(view_name: str) -> str:
    """``reverse(view_name)`` for a URL without arguments, worked out once (see the module)."""
    return _reversed(view_name, None, _urlconf(), get_script_prefix())


class KeptURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        if not isinstance(view_name, str):
            return super().render(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            match = getattr(request, "resolver_match", None)
            current_app = match.namespace if match is not None else None
        try:
            url = _reversed(view_name, current_app, _urlconf(), get_script_prefix())
        except NoReverseMatch:
            # Raised (or not, with "as") exactly as Django's tag does.
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's ``{% url %}``, same syntax and output (see the module)."""
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
