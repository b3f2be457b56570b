"""What the one-pass table writers format, against what Django itself gives."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from valuing_send.core.rows import (
    day_month_year,
    escaped,
    joined_rows,
    long_date,
    pk_url,
    related_text,
    rendered_once,
)

UTC = datetime.UTC


@pytest.mark.parametrize("url_name", ["child-detail", "case-detail", "assessment-summary"])
@pytest.mark.parametrize("pk", [1, 7, 42, 987654321, 2**63 - 1])
def test_pk_url_gives_what_reverse_gives(url_name, pk):
    assert pk_url(url_name)(pk) == reverse(url_name, args=[pk])


CELLS = [
    "Jones",
    "<script>alert('x')</script>",
    'O\'Neil & "Sons" <b>',
    "\u202eevil\u202c  \x00 é",
    mark_safe('<strong class="govuk-tag">Overdue</strong>'),
    gettext_lazy("Not allocated"),
    42,
    None,
    "",
    "{} {0} {name}",
]


@pytest.mark.parametrize("value", CELLS)
def test_escaped_is_what_django_templates_write(value):
    from django.utils.html import conditional_escape

    assert escaped(value) == conditional_escape(value)


def test_joined_rows_write_what_format_html_join_writes():
    rows = [(a, b) for a in CELLS for b in reversed(CELLS)]
    row_format = '<tr><td class="x">{}</td><td>{}</td></tr>'
    written = joined_rows(row_format, rows)
    assert written == format_html_join("\n", row_format, rows)
    assert isinstance(written, SafeString)
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert joined_rows(row_format, []) == ""


def test_pk_url_takes_only_whole_numbers():
    with pytest.raises(ValueError):
        pk_url("child-detail")("1/../../admin")


MOMENTS = [
    datetime.date(2026, 1, 5),
    datetime.date(1999, 12, 31),
    datetime.date(2024, 2, 29),
    datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 1 July in London (summer time)
    datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # still 31 December in London (GMT)
    datetime.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # the hour the clocks go forward
]


@pytest.mark.parametrize("value", MOMENTS)
def test_the_one_pass_dates_match_the_date_filter(value):
    short = Template('{{ value|date:"j M Y" }}').render(Context({"value": value}))
    long = Template("{{ value|date }}").render(Context({"value": value}))
    assert day_month_year(value) == short
    assert long_date(value) == long
    assert day_month_year(None) == long_date(None) == ""


def test_a_summer_evening_in_utc_is_the_next_day_in_london():
    assert long_date(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"


def test_related_text_falls_back_as_the_default_filter_does():
    class Named:
        name = ""

    assert related_text(None, "name", "–") == "–"
    assert related_text(Named(), "name", "–") == "–"
    Named.name = "Oak School"
    assert related_text(Named(), "name", "–") == "Oak School"


def test_rendered_once_renders_each_value_once_as_render_to_string_does(monkeypatch):
    from django.template import loader

    from valuing_send.core import rows

    calls = []
    real = loader.render_to_string

    def counted(name, context):
        calls.append(context["state"])
        return real(name, context)

    monkeypatch.setattr(rows, "render_to_string", counted)
    tag = rendered_once("panels/_deadline_tag.html", lambda state: {"state": state})
    shown = [tag(state) for state in ("overdue", "due_soon", "overdue", "overdue")]
    assert calls == ["overdue", "due_soon"]
    assert shown[0] == shown[2] == real("panels/_deadline_tag.html", {"state": "overdue"})
    assert shown[1] == real("panels/_deadline_tag.html", {"state": "due_soon"})


def test_kept_in_process_makes_a_value_once_per_key_and_empties_when_full():
    from valuing_send.core.kept import KeptInProcess

    made = []
    kept = KeptInProcess(limit=2)

    def make(value):
        return lambda: made.append(value) or value * 10

    assert kept.get(("a", 1), make(1)) == 10
    assert kept.get(("a", 1), make(99)) == 10  # kept: not made again
    assert kept.get(("a", 2), make(2)) == 20  # a new version is a new key
    assert made == [1, 2]
    assert kept.get(("a", 3), make(3)) == 30  # full: emptied, then kept
    assert kept.get(("a", 1), make(1)) == 10
    assert made == [1, 2, 3, 1]
