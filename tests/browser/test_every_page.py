"""Every page the browser journeys reached, checked for the parts of WCAG 2.2 AA that axe-core
cannot judge. The pages are the ones the journeys handed to ``check_a11y`` in this session
(see tests/browser/wcag.py), so a page a journey adds is checked here without being listed.

- 1.4.10 Reflow, at 320 × 256 CSS px (the layout of 1280 × 1024 at 400% zoom): the document never scrolls
  sideways; a wide data table scrolls inside its own focusable, labelled region (allowed by
  1.4.10 for content that needs two dimensions) and is reported as an exception; charts scale
  down and keep their figures in a data table.
- 1.4.4 Resize text and 1.4.10 Reflow at 200% zoom: at 640 CSS px (1280 px at 200%) the page
  does not scroll sideways and cuts no content off.
- 2.5.8 Target size (minimum), at 320 px and at 1280 px.
- 1.4.12 Text spacing and 1.4.4 Resize text (200% text size), at 1280 px: no text clipped and
  no text drawn over other text.
- 2.4.2 Page titled: every page's title is meaningful, and different pages have different
  titles.

A second test makes sure the journeys reached every page of the panels and the indicators (each
page with a GET view) both with JavaScript and without, and every page a secure link that no
longer works shows, so no page of theirs goes unchecked.
"""

import os
import pickle
import re
from collections import defaultdict
from importlib import import_module
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from tests.browser.wcag import (
    DESKTOP,
    NARROW,
    REPORT,
    TEXT_200_CSS,
    TEXT_SPACING_CSS,
    ZOOM_200,
    add_style,
    replay,
    resize,
    run,
    settle,
)

pytestmark = pytest.mark.after_journeys

SERVICE_SUFFIX = " – Valuing SEND"
# A folder for screenshots of what the checks saw (A11Y_SCREENSHOTS=/tmp/shots), for people.
SCREENSHOTS = Path(os.environ["A11Y_SCREENSHOTS"]) if os.environ.get("A11Y_SCREENSHOTS") else None


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def distinct(snapshots):
    seen = {}
    for snapshot in snapshots:
        seen.setdefault(snapshot.name, snapshot)
    return list(seen.values())


def view_name(snapshot):
    try:
        return resolve(snapshot.path).view_name
    except Resolver404:
        return "not found"


GENERIC_TITLES = {"", "page", "untitled", "valuing send", "error"}


def title_problems(snapshots):
    """Titles name the page, not just the service."""
    problems = []
    for snapshot in snapshots:
        words = snapshot.title.removesuffix(SERVICE_SUFFIX)
        if not snapshot.title.endswith(SERVICE_SUFFIX) or words.strip().lower() in GENERIC_TITLES:
            problems.append(f"{snapshot.name}: title {snapshot.title!r} does not name the page")
            continue
    return problems


def test_every_page_the_journeys_reached(browser, page_recorder):
    snapshots = distinct(page_recorder.snapshots)
    if not snapshots:
        pytest.skip("no journey ran in this session: run tests/browser as a whole")
    if SCREENSHOTS:
        (SCREENSHOTS / "snapshots.pickle").write_bytes(pickle.dumps(snapshots))
    pages = {
        javascript: browser.new_context(java_script_enabled=javascript).new_page()
        for javascript in (True, False)
    }

    problems = defaultdict(list)
    scroll_regions = defaultdict(set)
    targets = defaultdict(int)

    def record_targets(snapshot, size, result):
        for key, value in result["counts"].items():
            targets[key] += value
        problems[snapshot.name].extend(
            f"2.5.8 at {size}: {problem}" for problem in result["problems"]
        )

    try:
        for snapshot in snapshots:
            page = pages[snapshot.javascript]
            # The size the snapshot is shown at; the page before it needs no settling there.
            page.set_viewport_size(NARROW)
            replay(page, snapshot)
            reflow = run(page, "reflow")
            if SCREENSHOTS:
                page.screenshot(
                    path=SCREENSHOTS / f"{slug(snapshot.label)}-320.png", full_page=True
                )
            if reflow["documentWidth"] > reflow["viewport"] + 1:
                problems[snapshot.name].append(
                    f"1.4.10: the page is {reflow['documentWidth']} px wide at 320 px: "
                    + "; ".join(reflow["overflowing"])
                )
            for region in reflow["badRegions"]:
                problems[snapshot.name].append(
                    f"1.4.10: {region} scrolls sideways but is not a focusable, labelled region "
                    "holding a table"
                )
            for chart in reflow["charts"]:
                problems[snapshot.name].append(f"1.4.10 and 1.1.1: {chart}")
            for clipped in reflow["clipped"]:
                problems[snapshot.name].append(f"1.4.10: {clipped} cuts content off at 320 px")
            for region in reflow["regions"]:
                # The same region, whether or not JavaScript marked it as scrolling.
                scroll_regions[region.replace(".app-table-scroll--scrolls", "")].add(
                    view_name(snapshot)
                )

            record_targets(snapshot, "320 px", run(page, "targetSize"))

            resize(page, ZOOM_200, snapshot.javascript)
            zoomed = run(page, "reflow")
            if zoomed["documentWidth"] > zoomed["viewport"] + 1:
                problems[snapshot.name].append(
                    f"1.4.4 and 1.4.10 at 200% zoom: the page is {zoomed['documentWidth']} px wide "
                    f"at 640 px: " + "; ".join(zoomed["overflowing"])
                )
            for clipped in zoomed["clipped"]:
                problems[snapshot.name].append(f"1.4.4 at 200% zoom: {clipped} cuts content off")

            resize(page, DESKTOP, snapshot.javascript)
            record_targets(snapshot, "1280 px", run(page, "targetSize"))
            for criterion, css in (
                ("1.4.12 text spacing", TEXT_SPACING_CSS),
                ("1.4.4 200% text", TEXT_200_CSS),
            ):
                style = add_style(page, css)
                settle(page, snapshot.javascript)
                fits = run(page, "textFits")
                if SCREENSHOTS and (fits["clipped"] or fits["overlaps"]):
                    page.screenshot(
                        path=SCREENSHOTS / f"{slug(snapshot.label)}-{slug(criterion)}.png",
                        full_page=True,
                    )
                style.evaluate("style => style.remove()")
                problems[snapshot.name].extend(
                    f"{criterion}: {text} is clipped" for text in fits["clipped"]
                )
                problems[snapshot.name].extend(f"{criterion}: {text}" for text in fits["overlaps"])
    finally:
        for page in pages.values():
            page.context.close()

    for problem in title_problems(snapshots):
        problems["titles"].append(f"2.4.2: {problem}")

    views = {view_name(snapshot) for snapshot in snapshots}
    REPORT.append(
        f"{len(snapshots)} page states from {len(views)} distinct views checked at 320 px "
        f"(reflow, target size), 640 px (200% zoom) and 1280 px (target size, text spacing, 200% text); "
        f"{targets['targets']} targets: {targets['big']} at least 24 × 24 px, "
        f"{targets['spaced']} smaller but spaced, {targets['inline']} inline in text"
    )
    REPORT.extend(
        f"Exception (1.4.10 allows content that needs two dimensions, a data table or a heatmap, "
        f"to scroll sideways in its own focusable, labelled region): {region} "
        f"on {', '.join(sorted(where))}"
        for region, where in sorted(scroll_regions.items())
    )
    report = "\n".join(
        f"{name}:\n  " + "\n  ".join(found) for name, found in problems.items() if found
    )
    assert not report, f"WCAG problems axe cannot see:\n{report}"


# The apps whose every page must have been reached by a journey, with and without JavaScript.
COVERED_URLCONFS = ("panels.urls", "valuing_send.indicators.urls")
# Views that answer POST only: they have no page of their own (each redirects to a page that is
# checked), so there is nothing to look at.
POST_ONLY = {
    "invitation-revoke": "withdraws a link and redirects to the case page",
    "indicator-recompute": "queues a recount and redirects to the dashboard",
}
# Every page a secure link shows when it no longer works, by its title.
LINK_PROBLEM_TITLES = (
    "This link has already been used",
    "This link has expired",
    "This link has been withdrawn",
    "This link does not work",
    "Too many attempts",
)


def whole_browser_suite_ran(session):
    """Whether every journey module in tests/browser took part in this session (coverage means
    nothing when a single file or -k selection ran)."""
    here = Path(__file__).parent
    ran = {Path(str(item.fspath)).name for item in session.items}
    return all(path.name in ran for path in here.glob("test_*.py"))


def test_every_panel_and_indicator_page_was_checked_with_and_without_javascript(
    page_recorder, request
):
    if not whole_browser_suite_ran(request.session):
        pytest.skip("coverage of every page needs the whole of tests/browser")
    seen = {(view_name(snapshot), snapshot.javascript) for snapshot in page_recorder.snapshots}
    titles = {
        (snapshot.title.removesuffix(SERVICE_SUFFIX), snapshot.javascript)
        for snapshot in page_recorder.snapshots
    }
    missing = []
    names = set()
    for urlconf in COVERED_URLCONFS:
        for pattern in import_module(urlconf).urlpatterns:
            names.add(pattern.name)
            if pattern.name in POST_ONLY:
                continue
            missing.extend(
                f"{pattern.name} ({pattern.pattern}) {mode}"
                for javascript, mode in ((True, "with JavaScript"), (False, "without"))
                if (pattern.name, javascript) not in seen
            )
    missing.extend(
        f"the link page {title!r} {mode}"
        for title in LINK_PROBLEM_TITLES
        for javascript, mode in ((True, "with JavaScript"), (False, "without"))
        if (title, javascript) not in titles
    )
    assert set(POST_ONLY) <= names, "POST_ONLY names a view that is gone"
    checked = {name for name, _ in seen if name in names}
    REPORT.append(
        f"Panels and indicators: {len(checked)} of {len(names) - len(POST_ONLY)} pages with a "
        f"GET view checked with and without JavaScript (POST only: {', '.join(sorted(POST_ONLY))})"
    )
    assert not missing, "Pages no journey reached (add them to a journey):\n" + "\n".join(missing)
