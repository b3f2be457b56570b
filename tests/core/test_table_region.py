"""Every data table sits in the one shared scroll region (templates/govuk/table_region.html),
so that at 320 px or 400% zoom a wide table scrolls inside itself, never the page
(WCAG 1.4.10). test_every_page.py checks the pages the browser journeys reach; this checks the
markup of every table in every template, including pages no journey reaches yet."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Print-only templates (PDFs) have no window to scroll in.
PRINT_ONLY = {"pdf", "documents", "letters", "email"}


def test_table_region_is_a_labelled_focusable_region_around_the_table():
    html = Template(
        '{% table_region label %}<table class="govuk-table"></table>{% endtable_region %}'
    ).render(Context({"label": "Children & carers"}))
    assert html.strip() == (
        '<div class="app-table-scroll" tabindex="0" role="region" '
        'aria-label="Children &amp; carers" data-app-scroll-region>'
        '<table class="govuk-table"></table></div>'
    )


def test_every_table_in_every_template_is_in_a_table_region():
    outside = []
    tokens = re.compile(r"{%\s*table_region\b|{%\s*endtable_region\s*%}|<table\b")
    for path in sorted(TEMPLATES.rglob("*.html")):
        if PRINT_ONLY & set(path.relative_to(TEMPLATES).parts[:-1]):
            continue
        depth = 0
        for token in tokens.finditer(path.read_text()):
            text = token.group()
            if text.startswith("<table"):
                if depth == 0:
                    outside.append(str(path.relative_to(TEMPLATES)))
            else:
                depth += -1 if "endtable_region" in text else 1
    assert not outside, f"tables outside {{% table_region %}}: {outside}"
