"""Forms found by reading the pages, not from a list: every page the world's personas can open
is fetched, and every <form> on it (and every htmx element that posts) is recorded with its
fields, what kind each is and the values it offers. A form added to any page is fuzzed from
the next run on."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, textarea, radio, checkbox, select, file, submit, email, number, password
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class FoundForm:
    endpoint: str  # URL name the form sends to
    path: str  # the URL it sends to
    method: str  # GET or POST
    fields: dict[str, Field]
    found_on: str
    persona: object = None
    multipart: bool = False
    htmx: bool = False  # sent by htmx (HX-Request header), with its hx-vals added
    extra: dict = field(default_factory=dict)
    # The world's objects the page was opened with (the pages showing what it stores use them).
    objects: dict | None = None

    @property
    def key(self) -> str:
        return f"{self.endpoint} {self.method}{' htmx' if self.htmx else ''}"


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {"attrs": a, "fields": {}, "htmx": []}
            self.forms.append(self._form)
            if "hx-post" in a or "hx-get" in a:
                self._form["htmx"].append(a)
            return
        if self._form is None:
            if "hx-post" in a:  # an htmx element outside any form: a form of its own
                self.forms.append(
                    {
                        "attrs": {"method": "post", "action": a["hx-post"]},
                        "fields": {},
                        "htmx": [a],
                        "htmx_only": True,
                    }
                )
            return
        fields = self._form["fields"]
        if "hx-post" in a and tag != "form":
            self._form["htmx"].append(a)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            existing = fields.get(name)
            if kind in {"radio", "checkbox"}:
                if existing is None:
                    existing = fields[name] = Field(name, kind)
                existing.options.append(a.get("value", "on"))
                if "checked" in a:
                    existing.value = a.get("value", "on")
            elif kind in {"submit", "image"}:
                fields.setdefault(name, Field(name, "submit", a.get("value", "")))
            elif kind not in {"button", "reset"}:
                fields[name] = Field(name, kind, a.get("value", ""))
        elif tag == "button" and name:
            fields.setdefault(name, Field(name, "submit", a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = fields[name] = Field(name, "textarea")
        elif tag == "select" and name:
            self._select = fields[name] = Field(name, "select")
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(page_url: str, html: str) -> list[FoundForm]:
    """The forms on one page, each tied to the URL name it sends to. Forms sending elsewhere
    (another site) are left out."""
    import json

    parser = _FormParser()
    parser.feed(html)
    found = []
    for raw in parser.forms:
        attrs = raw["attrs"]
        method = (attrs.get("method") or "get").upper()
        target = urljoin(page_url, attrs.get("action") or page_url)
        parts = urlsplit(target)
        if parts.netloc not in {"", "testserver"}:
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        multipart = attrs.get("enctype", "") == "multipart/form-data"
        if not raw.get("htmx_only"):
            found.append(
                FoundForm(
                    match.url_name,
                    parts.path,
                    method,
                    dict(raw["fields"]),
                    page_url,
                    multipart=multipart,
                )
            )
        for element in raw["htmx"]:
            hx_target = element.get("hx-post") or element.get("hx-get")
            hx_method = "POST" if element.get("hx-post") else "GET"
            hx_path = urlsplit(urljoin(page_url, hx_target)).path
            try:
                hx_match = resolve(hx_path)
            except Resolver404:
                continue
            try:
                extra = json.loads(element.get("hx-vals") or "{}")
            except ValueError:
                extra = {}
            found.append(
                FoundForm(
                    hx_match.url_name,
                    hx_path,
                    hx_method,
                    dict(raw["fields"]),
                    page_url,
                    multipart=multipart,
                    htmx=True,
                    extra={k: str(v) for k, v in extra.items()},
                )
            )
    return found
