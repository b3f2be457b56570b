"""Keyboard only, once per role: a caseworker finds a child and completes a needs assessment; a
parent gives their views through the secure link of an invitation (no account, on a phone-sized
screen); a panel member goes from the work tray to a case and records the panel's decision.
Each uses Tab, Shift+Tab, Enter, Space and the arrow keys (and typing into text boxes). After
every key,
``KeyboardOnly`` checks that focus is visible, not covered and moving in reading order
(WCAG 2.1.1, 2.4.3, 2.4.7, 2.4.11). On the way the journey checks that the skip link works,
that htmx updates are announced (search results, autosave), that help sits in the same place
on every page of the assessment (3.2.6) and that answers given are never asked for again
(3.3.7). Sign-in goes through the shared ``sign_in`` helper, whatever it asks for."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from panels import services
from panels.codes import CaseKind, CaseStatus
from panels.models import Decision
from tests.browser.conftest import sign_in
from tests.browser.wcag import REPORT, KeyboardOnly
from tests.conftest import PASSWORD
from tests.factories import ChildFactory, complete_assessment
from tests.panels.factories import InvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def help_on(page):
    """The help a page offers, in order, with where it sits: (words, link, comes after the
    page's form, is the last thing in the main column)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-app-help]')].map(help => {
            const form = [...document.querySelectorAll('main form')].pop();
            return [
                help.innerText.replace(/\\s+/g, ' ').trim(),
                [...help.querySelectorAll('a')].map(a => a.getAttribute('href')).join(' '),
                !!form && !!(form.compareDocumentPosition(help) & Node.DOCUMENT_POSITION_FOLLOWING),
                help === help.parentElement.lastElementChild,
            ];
        })"""
    )


def answer_domain_by_keyboard(keys, page, code, level):
    """Answer one domain in the order its questions come: level, evidence and its source (for
    level 2 and above), what the setting and the family can support (level 1 and above)."""
    domain = page.locator(f"#{code}")

    def group(name):
        return domain.locator("fieldset", has=page.locator(f"[name='{code}-{name}']"))

    keys.choose(group("level"), page.locator(f"#id_{code}-level_{level}"))
    if level >= 2:
        keys.tab_to(page.locator(f"#id_{code}-evidence"))
        keys.type("Seen in class and in the SENCo's report")
        keys.choose(group("source"), page.locator(f"#id_{code}-source_0"))
    if level >= 1:
        keys.choose(group("setting_ability"), page.locator(f"#id_{code}-setting_ability_2"))
        keys.choose(group("family_capacity"), page.locator(f"#id_{code}-family_capacity_2"))


def test_caseworker_journey_by_keyboard_alone(
    live_server, page, check_a11y, caseworker, child, framework, oakfield, authority_a
):
    for last_name in ("Ahmed", "Brown", "Clarke"):
        ChildFactory(authority=authority_a, last_name=last_name, current_setting=oakfield)
    sign_in(page, live_server, caseworker.email, PASSWORD)
    expect(page.locator("main")).to_contain_text("Needs assessments in progress")
    keys = KeyboardOnly(page)

    # The skip link is the first thing Tab reaches, it shows when focused, and it moves focus
    # to the main content.
    keys.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    keys.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # Back up from the main content to the navigation.
    keys.tab_to(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children"), back=True
    )
    keys.activate()

    # Search: htmx updates the results in place; focus stays in the search box and the page's
    # live region says how many children match.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Children")
    keys.tab_to(page.get_by_label("Search by name, UPN or date of birth"))
    keys.type("jones")
    keys.press("Enter")
    expect(page.locator("#result-count")).to_contain_text("1 child matches")
    expect(page.locator("#app-announcer")).to_have_text(re.compile(r"^1 child matches"))
    expect(page.get_by_label("Search by name, UPN or date of birth")).to_be_focused()
    check_a11y(page, "children list after a keyboard search")
    keys.tab_to(page.get_by_role("link", name="Jones, Amy"))
    keys.activate()

    expect(page.get_by_role("heading", level=1)).to_have_text("Amy Jones")
    keys.tab_to(page.get_by_role("button", name="Start a needs assessment"))
    keys.activate("Space")

    # The assessment: one page of questions about the request, one per area of need, and the
    # check-answers page, each with the same help in the same place.
    help_seen = []
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What is being asked for at this assessment?"
    )
    help_seen.append(help_on(page))
    keys.choose(
        page.locator("fieldset").first, page.get_by_label("EHC needs assessment", exact=True)
    )
    keys.tab_to(page.get_by_role("button", name="Continue"))
    keys.activate()

    first_area = page.url
    levels = {"speech_language": 2}
    for area in range(5):
        help_seen.append(help_on(page))
        codes = page.locator(".app-domain").evaluate_all("els => els.map(e => e.id)")
        for code in codes:
            level = levels.get(code, 1)
            answer_domain_by_keyboard(keys, page, code, level)
            # htmx saved the domain as it changed; the status is a live region.
            status = page.locator(f"#{code}-status")
            expect(status).to_contain_text("Saved at")
            assert status.get_attribute("role") == "status"
        if area == 0:
            check_a11y(page, "area page answered by keyboard")
        keys.tab_to(page.get_by_role("button", name="Save and continue"))
        keys.activate()
        if area == 0:
            # Back to the first area by keyboard: the answers are still there (3.3.7).
            keys.tab_to(page.get_by_role("link", name="Back", exact=True))
            keys.activate()
            assert page.url == first_area
            expect(page.locator("#id_speech_language-level_2")).to_be_checked()
            expect(page.locator("#id_speech_language-evidence")).to_have_value(
                "Seen in class and in the SENCo's report"
            )
            keys.tab_to(page.get_by_role("button", name="Save and continue"))
            keys.activate()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before completing the assessment"
    )
    help_seen.append(help_on(page))
    # Every answer given is shown back, none asked for again (3.3.7).
    expect(page.locator("main")).to_contain_text("EHC needs assessment")
    expect(page.locator("main")).to_contain_text("Level 2: Targeted SEN support")
    expect(page.locator("main")).to_contain_text("Seen in class and in the SENCo's report")
    keys.tab_to(page.get_by_role("button", name="Complete assessment"))
    keys.activate()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The needs assessment is complete"
    )

    # The densest page: Tab through all of it, then all the way back.
    forward = keys.key_presses
    keys.tab_to(page.locator(".govuk-footer a").last)
    keys.tab_to(page.locator(".govuk-skip-link"), back=True)
    assert keys.key_presses - forward > 10

    assert len(help_seen) == 7  # what is asked for, five areas, check answers
    assert all(seen == help_seen[0] for seen in help_seen), help_seen
    assert help_seen[0] and all(after_form and last for _, _, after_form, last in help_seen[0])

    REPORT.append(
        f"Keyboard, caseworker (find a child, complete a needs assessment, read the profile): "
        f"{keys.key_presses} key presses {dict(keys.presses)}, {keys.characters} characters typed"
    )


def radios(page, name):
    """The fieldset of the radio group ``name``."""
    return page.locator("fieldset", has=page.locator(f"input[name={name}]"))


def skip_to_main_content(keys, page):
    """The skip link is the first thing Tab reaches, it shows when focused, and Enter on it
    moves focus to the main content."""
    keys.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    keys.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_parent_gives_their_views_through_the_link_by_keyboard_alone(
    live_server, page, caseworker, child, framework
):
    complete_assessment(
        child, caseworker, {"speech_language": 3, "specific_learning": 2}, default=0
    )
    case = services.case_open(
        child,
        CaseKind.ASSESSMENT_REQUEST,
        by=caseworker,
        received_date=datetime.date.today() - datetime.timedelta(days=10),
    )
    invitation, token = InvitationFactory.issue(case, by=caseworker, role="parent")
    # A parent on a phone (or at 400% zoom): 320 CSS px wide.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/views/{token}/")  # opened from the email: no key pressed
    expect(page.get_by_role("heading", level=1)).to_have_text("Give your views")
    keys = KeyboardOnly(page)
    skip_to_main_content(keys, page)
    keys.tab_to(page.get_by_role("button", name="Start"))
    keys.activate()

    # The first need, sent unanswered: the error summary takes focus, and its link takes focus
    # to the first answer.
    expect(page.get_by_role("heading", level=1)).to_have_text("Speech, language and communication")
    keys.tab_to(page.get_by_role("button", name="Save and continue"))
    keys.activate()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    keys.tab_to(summary.get_by_role("link", name="Select an answer"))
    keys.press("Enter")
    first = page.locator("input[name=level]").first
    expect(first).to_be_focused()
    keys.choose(
        radios(page, "level"),
        page.get_by_label("Severe and complex needs, with a high level of specialist help"),
    )
    keys.tab_to(page.get_by_label("If you see it differently, why? (optional)"))
    keys.type("At home he cannot make himself understood")
    keys.tab_to(page.get_by_role("button", name="Save and continue"))
    keys.activate()

    expect(page.get_by_role("heading", level=1)).to_have_text("Specific learning difficulties")
    keys.choose(radios(page, "level"), page.get_by_label("Needs some extra, planned help"))
    keys.tab_to(page.get_by_role("button", name="Save and continue"))
    keys.activate("Space")

    expect(page.get_by_role("heading", level=1)).to_have_text("In your words")
    keys.tab_to(page.get_by_label("What works well for them?"))
    keys.type("Visual timetables")
    keys.tab_to(page.get_by_label("What are your hopes for them?"))
    keys.type("The local secondary school")
    keys.tab_to(page.get_by_role("button", name="Save and continue"))
    keys.activate()

    # Every answer shown back before sending, none asked for again (3.3.7).
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending them"
    )
    main = page.locator("main")
    expect(main).to_contain_text("At home he cannot make himself understood")
    expect(main).to_contain_text("Visual timetables")
    keys.tab_to(page.get_by_role("button", name="Send my answers"))
    keys.activate("Space")
    expect(page.locator(".govuk-panel__title")).to_have_text("Your answers have been sent")
    invitation.refresh_from_db()
    assert invitation.submitted_at is not None
    assert invitation.draft_answers["domains"]["speech_language"]["why"] == (
        "At home he cannot make himself understood"
    )

    # Back to the link: what happens next, and by when.
    keys.tab_to(page.get_by_role("link", name="this link"))
    keys.activate()
    expect(page.locator(".govuk-panel__title")).to_have_text("Thank you")
    expect(main).to_contain_text("What happens next, and by when")

    REPORT.append(
        f"Keyboard, parent through a secure link at 320 px (start, an error and its summary, "
        f"2 needs, in your words, check, send, back to the link): {keys.key_presses} key "
        f"presses {dict(keys.presses)}, {keys.characters} characters typed"
    )


def test_panel_member_decides_from_the_tray_by_keyboard_alone(
    live_server, page, check_a11y, caseworker, panel_member, child, framework
):
    complete_assessment(child, caseworker, {"speech_language": 3}, default=0)
    case = services.case_open(
        child,
        CaseKind.ASSESSMENT_REQUEST,
        by=caseworker,
        received_date=datetime.date.today() - datetime.timedelta(days=30),
    )
    services.case_move(case, CaseStatus.REQUEST_READY, by=caseworker)
    sign_in(page, live_server, panel_member.email, PASSWORD)
    # Signed in: the home page has loaded (the first Tab must land on its skip link, not the
    # sign-in page's).
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    page.wait_for_load_state("load")
    keys = KeyboardOnly(page)
    skip_to_main_content(keys, page)
    keys.tab_to(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cases"), back=True
    )
    keys.activate()

    # The tray: everyone's cases, by the filter's radios and its button.
    expect(page.get_by_role("heading", level=1)).to_contain_text("cases")
    keys.choose(radios(page, "view"), page.get_by_label("Everyone's cases"))
    keys.tab_to(page.get_by_role("button", name="Apply filters"))
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Everyone's cases")
    keys.tab_to(page.get_by_role("link", name=case.reference))
    keys.activate()

    expect(page.get_by_role("heading", level=1)).to_have_text("Request for an EHC needs assessment")
    keys.tab_to(page.get_by_role("button", name="Record the panel's decision"))
    keys.activate()

    # The decision: sent without reasons first, then with them.
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the panel's decision")
    keys.choose(radios(page, "outcome"), page.get_by_label("Agree", exact=True))
    keys.tab_to(page.get_by_role("button", name="Record the decision"))
    keys.activate()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Give the reasons for the decision")
    check_a11y(page, "decision with an error, by keyboard")
    keys.tab_to(summary.get_by_role("link", name="Give the reasons for the decision"))
    keys.press("Enter")
    expect(page.get_by_label("Reasons for the decision")).to_be_focused()
    keys.type("Evidence from the school and the speech and language therapist.")
    keys.tab_to(page.get_by_role("button", name="Record the decision"))
    keys.activate("Space")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The decision has been recorded: agree"
    )
    decision = Decision.objects.get(case=case)
    assert decision.outcome == "agree"
    assert decision.reasons.startswith("Evidence from the school")

    # The letter the decision made.
    keys.tab_to(page.locator("main a[href*='/letters/']"))
    keys.activate()
    expect(page.locator(".app-letter")).to_contain_text("Evidence from the school")

    REPORT.append(
        f"Keyboard, panel member (tray, filter, case, decision with an error and its summary, "
        f"the letter): {keys.key_presses} key presses {dict(keys.presses)}, "
        f"{keys.characters} characters typed"
    )
