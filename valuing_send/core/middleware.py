"""Requests that no page of ours sends are refused before any view reads them."""

from django.shortcuts import render

# What an HTML form (and htmx, which submits forms) sends.
FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class FormPostsOnly:
    """A POST with a body must be form data. A JSON (or any other) body would reach the views
    as an empty form, so the page would come back blank or with every answer 'missing': say
    plainly what was wrong instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type not in FORM_CONTENT_TYPES:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 1
            if length:
                return render(
                    request,
                    "errors/400.html",
                    {"sent_as": request.content_type or "an unnamed type"},
                    status=400,
                )
        return self.get_response(request)
