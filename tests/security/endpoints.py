"""Every URL the project serves, found from the URL configuration (never a hand-written list),
with the HTTP methods each view accepts: what the permission matrix and the form fuzzing
walk over, so that a page added tomorrow is covered (or fails them until it is)."""

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# What Django's method decorators (require_GET/POST/http_methods) keep in their closure.
_METHODS_CLOSURE = "request_method_list"


@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str  # e.g. "children/<int:pk>/edit/"
    callback: object
    default_kwargs: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def kwarg_names(self) -> list[str]:
        return [
            name
            for name in re.findall(r"<(?:\w+:)?(\w+)>", self.route)
            if name not in self.default_kwargs
        ]

    @property
    def methods(self) -> frozenset[str]:
        return allowed_methods(self.callback)

    @property
    def accepts_post(self) -> bool:
        return "POST" in self.methods


def _walk(resolvers, prefix=""):
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield entry, route


def endpoints() -> list[Endpoint]:
    """Every named URL pattern, in URL configuration order. An unnamed pattern is an error:
    the matrix keys on names."""
    found = []
    for pattern, route in _walk(get_resolver().url_patterns):
        if pattern.name is None:
            raise AssertionError(f"The URL pattern {route!r} has no name: give it one")
        found.append(Endpoint(pattern.name, route, pattern.callback, dict(pattern.default_args)))
    return found


def allowed_methods(view) -> frozenset[str]:
    """The methods a view answers (anything else is a 405). Function views: from the closure
    of Django's ``require_http_methods`` family, anywhere in the decorator chain; class-based
    views: the handlers they define. A view with no restriction answers GET and POST."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return frozenset(
            method.upper()
            for method in view_class.http_method_names
            if hasattr(view_class, method) and method not in {"options", "head"}
        )
    seen = view
    while seen is not None:
        code = getattr(seen, "__code__", None)
        if code is not None and _METHODS_CLOSURE in code.co_freevars:
            cell = seen.__closure__[code.co_freevars.index(_METHODS_CLOSURE)]
            return frozenset(method.upper() for method in cell.cell_contents) - {"HEAD"}
        seen = getattr(seen, "__wrapped__", None)
    return frozenset({"GET", "POST"})
