"""The shared GOV.UK form rendering: one place produces labels, hints, errors and the summary."""

import datetime

import pytest
from django import forms
from django.template import Context, Template

from valuing_send.core.forms import GovukDateField, GovukRadios


class ExampleForm(forms.Form):
    page_heading_field = "level"

    level = forms.ChoiceField(
        label="What is the level of need?",
        choices=[("0", "No additional need"), ("1", "Ordinarily available")],
        widget=GovukRadios(choice_hints={"1": "Met by what every school offers"}),
        help_text="Choose the best fit",
    )
    born = GovukDateField(label="Date of birth")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label="I agree", required=False)


def render(template, **context):
    return Template(template).render(Context(context))


def test_radios_render_as_govuk_fieldset_with_heading_and_item_hints():
    html = render("{{ form }}", form=ExampleForm())
    assert '<h1 class="govuk-fieldset__heading">What is the level of need?</h1>' in html
    assert 'aria-describedby="id_level_helptext"' in html
    assert (
        'class="govuk-radios__input" type="radio" name="level" value="1" aria-describedby="id_level_1-item-hint"'
        in html
    )
    assert (
        '<div id="id_level_1-item-hint" class="govuk-hint govuk-radios__hint">Met by what every school offers</div>'
        in html
    )
    assert 'class="govuk-textarea"' in html
    assert 'class="govuk-checkboxes__input"' in html


def test_errors_give_summary_links_messages_and_error_classes():
    form = ExampleForm(data={"born_day": "31", "born_month": "2", "born_year": "2020"})
    assert not form.is_valid()
    summary = render("{% error_summary form %}", form=form)
    assert (
        '<a href="#id_level_0">Select a valid choice' not in summary
    )  # no choice posted: required message
    assert '<a href="#id_level_0">This field is required.</a>' in summary
    assert '<a href="#id_born_0">Date of birth must be a real date</a>' in summary
    html = render("{{ form }}", form=form)
    assert "govuk-form-group--error" in html
    assert 'id="id_born_error"' in html
    assert "govuk-input--error" in html
    assert 'aria-describedby="id_level_helptext id_level_error"' in html


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date of birth"),
        (("12", "", "2019"), "Date of birth must include a month"),
        (("", "", "2019"), "Date of birth must include a day and a month"),
        (("12", "13", "2019"), "Date of birth must be a real date"),
        (("a", "1", "2019"), "Date of birth must be a real date"),
        (("1", "1", "19"), "Date of birth must be a real date"),
    ],
)
def test_date_field_gives_govuk_messages(parts, message):
    form = ExampleForm(
        data={"level": "0", "born_day": parts[0], "born_month": parts[1], "born_year": parts[2]}
    )
    assert not form.is_valid()
    assert form.errors["born"] == [message]


def test_date_field_accepts_a_real_date_and_redisplays_it():
    form = ExampleForm(
        data={"level": "0", "born_day": "29", "born_month": "2", "born_year": "2016"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == datetime.date(2016, 2, 29)
    html = render("{{ form }}", form=ExampleForm(initial={"born": datetime.date(2016, 2, 29)}))
    assert 'name="born_day" value="29"' in html and 'name="born_year" value="2016"' in html
