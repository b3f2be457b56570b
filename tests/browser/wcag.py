"""WCAG 2.2 AA checks that axe-core cannot make, for the browser journeys.

Every page a journey hands to ``check_a11y`` is recorded here as it was shown (its address,
title and the HTML in the browser at that moment, after any htmx updates). One test,
``test_every_page.py``, replays all of them after the journeys have run and checks each at a
320 CSS px viewport (reflow, target size) and at 1280 px with WCAG's text spacing and with
200% text size, so a page added to any journey is checked without being listed anywhere.

``KeyboardOnly`` drives a page with Tab, Shift+Tab, Enter, Space and the arrow keys alone,
checking after every key that focus is visible, not hidden and moving in reading order.
"""

import functools
import mimetypes
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

WCAG_JS = (Path(__file__).parent / "wcag.js").read_text()

# 1280 × 1024 at 400% zoom lays out as 320 × 256 CSS px (drawn on four times the pixels, which
# changes no layout): one size covers both the 320 px width and the 400% zoom of WCAG 1.4.10.
NARROW = {"width": 320, "height": 256}
DESKTOP = {"width": 1280, "height": 800}
# 1280 × 800 at 200% zoom lays out as 640 × 400 CSS px.
ZOOM_200 = {"width": 640, "height": 400}

# WCAG 1.4.12's figures, as the W3C's own test bookmarklet applies them.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
# Text-only zoom to 200% (as a browser's "zoom text only" does): GOV.UK Frontend sizes text
# in rem, so doubling the root font size doubles every piece of text and nothing else.
TEXT_200_CSS = "html { font-size: 200% !important; }"

# Lines for the end of the test run: what the checks covered (see conftest's terminal summary).
REPORT = []

# Components GOV.UK Frontend and MOJ Frontend have set up carry data-<module>-init; a replayed
# snapshot drops the marks so the scripts set the components up again at the new size.
_INIT_MARK = re.compile(r'\sdata-[a-z][a-z-]*-init=""')


@dataclass(frozen=True)
class Snapshot:
    journey: str
    label: str
    url: str
    title: str
    heading: str
    html: str
    javascript: bool

    @property
    def name(self):
        return f"{self.journey}: {self.label}"

    @property
    def path(self):
        return urlsplit(self.url).path


@dataclass
class PageRecorder:
    """The pages the journeys showed in this test session, in the order they were checked."""

    snapshots: list = field(default_factory=list)

    def record(self, page, journey, label, *, javascript=True):
        heading = page.locator("h1").first
        self.snapshots.append(
            Snapshot(
                journey=journey,
                label=label,
                url=page.url,
                title=page.title(),
                heading=heading.inner_text() if heading.count() else "",
                html=_INIT_MARK.sub("", page.content()),
                javascript=javascript,
            )
        )


@functools.cache
def _static_file(path: str) -> tuple[bytes, str] | None:
    """A static file's bytes and type, read once per session: every replay loads the same
    stylesheets, scripts and fonts, and the browser keeps no cache while requests are routed."""
    if not path.startswith(settings.STATIC_URL):
        return None
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    if not found:
        return None
    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
    return Path(found).read_bytes(), content_type


def replay(page, snapshot):
    """Show ``snapshot`` in ``page`` (at whatever size its context has) at its own address.
    Static files come from the project's static folders; nothing else is loaded (htmx polling
    and the like is refused: a snapshot is a still)."""
    page.unroute_all()

    def serve(route):
        request = route.request
        if request.is_navigation_request():
            return route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=snapshot.html
            )
        static = _static_file(urlsplit(request.url).path)
        if static is not None:
            body, content_type = static
            return route.fulfill(status=200, body=body, content_type=content_type)
        return route.abort()

    page.route("**/*", serve)
    page.goto(snapshot.url, wait_until="load")
    settle(page, snapshot.javascript)
    page.evaluate(WCAG_JS)


def resize(page, size, javascript):
    page.set_viewport_size(size)
    settle(page, javascript)


def settle(page, javascript):
    """Let the page's resize observers and media-query listeners run (two frames), after its
    web fonts have loaded: a font swapped in later can widen a table, and the observer that
    makes its region focusable runs only at the next frame (a race on a busy machine). Then, for
    up to 30 more frames, wait while a table region scrolls without being in the tab order yet:
    a layout that settles late (a busy machine) is seen as users see it a frame later, and a
    region the observer never makes focusable still fails the check."""
    if javascript:
        page.evaluate(
            """async () => {
              await document.fonts.ready;
              const frame = () => new Promise((r) => requestAnimationFrame(r));
              await frame();
              await frame();
              const unsettled = () =>
                [...document.querySelectorAll("[data-app-scroll-region]")].some(
                  (region) =>
                    region.scrollWidth > region.clientWidth + 1 && !region.hasAttribute("tabindex")
                );
              for (let waited = 0; waited < 30 && unsettled(); waited++) await frame();
            }"""
        )


def add_style(page, css):
    """Add a stylesheet and return a handle that removes it (page.add_style_tag waits for an
    event that pages without JavaScript never fire)."""
    return page.evaluate_handle(
        "css => document.head.appendChild(Object.assign(document.createElement('style'), "
        "{textContent: css}))",
        css,
    )


def run(page, check):
    if page.evaluate("() => !window.wcag"):
        page.evaluate(WCAG_JS)
    return page.evaluate(f"() => window.wcag.{check}()")


ALLOWED_KEYS = {"Tab", "Shift+Tab", "Enter", "Space"} | {
    f"Arrow{way}" for way in ("Up", "Down", "Left", "Right")
}


class KeyboardOnly:
    """Operate ``page`` with the keyboard alone and count every key pressed.

    After each key it asserts (2.4.7, 2.4.11, 2.4.3) that the focused element shows a focus
    indicator, that part of it is on screen and not covered by other content, and that Tab moves
    forward (Shift+Tab back) in document order, which is the reading order here: no positive
    tabindex and no CSS reordering of focusable content.
    """

    def __init__(self, page):
        self.page = page
        self.presses = Counter()
        self.characters = 0
        self.steps = []
        self._previous = None

    @property
    def key_presses(self):
        return sum(self.presses.values())

    def press(self, key, *, check=True):
        assert key in ALLOWED_KEYS, f"{key} is not a key this journey may use"
        self.page.keyboard.press(key)
        self.presses[key] += 1
        if check:
            self.check_focus(key)

    def type(self, text):
        """Type into the focused field (characters, not navigation keys)."""
        self.page.keyboard.type(text)
        self.characters += len(text)

    def check_focus(self, key):
        state = run(self.page, "focusState")
        self.steps.append((key, state))
        where = f"after {key} (key press {self.key_presses}) on {self.page.url}"
        assert state["onPage"], f"focus was lost to the page body {where}"
        assert state["positiveTabindex"] == 0, f"positive tabindex breaks the order {where}"
        if state["programmatic"]:  # e.g. <main> after the skip link: not a control
            self._previous = None
            return state
        assert state["indicator"], f"no visible focus indicator on {state['element']} {where}"
        assert state["visiblePoints"] > 0, (
            f"{state['element']} has focus but is off screen or covered {where}"
        )
        current = self.page.evaluate_handle("document.activeElement")
        if self._previous is not None and key in ("Tab", "Shift+Tab"):
            relation = self.page.evaluate(
                "([a, b]) => a.isConnected ? a.compareDocumentPosition(b) : 0",
                [self._previous, current],
            )
            following = bool(relation & 4)
            if relation:  # 0: the page changed under us (navigation or an htmx swap)
                assert following == (key == "Tab"), (
                    f"focus moved against the reading order to {state['element']} {where}"
                )
        self._previous = current
        return state

    def focused(self, locator):
        """Whether ``locator`` (or any element it matches) has focus."""
        return locator.evaluate_all("els => els.includes(document.activeElement)")

    def tab_to(self, locator, *, back=False, limit=120):
        """Press Tab (or Shift+Tab) until ``locator`` has focus."""
        key = "Shift+Tab" if back else "Tab"
        for _ in range(limit):
            if self.focused(locator):
                return
            self.press(key)
        raise AssertionError(f"{locator} never received focus after {limit} presses of {key}")

    def activate(self, key="Enter"):
        """Press Enter or Space on a control that loads a new page, and wait for it."""
        with self.page.expect_navigation():
            self.press(key, check=False)
        self._previous = None

    def choose(self, group, target):
        """Tab into the radio group ``group`` and move with the arrow keys until the radio
        ``target`` is checked (arrow keys check radios as they move; Space checks the first)."""
        radios = group.locator("input[type=radio]")
        self.tab_to(radios)
        ids = radios.evaluate_all("els => els.map(e => e.id)")
        at = radios.evaluate_all("els => els.indexOf(document.activeElement)")
        wanted = ids.index(target.get_attribute("id"))
        for _ in range(abs(wanted - at)):
            self.press("ArrowDown" if wanted > at else "ArrowUp")
        if not target.is_checked():
            self.press("Space")
        assert target.is_checked(), f"{target} is not checked"
