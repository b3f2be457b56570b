"""The shared GOV.UK form rendering: one place produces labels, hints, errors and the summary."""

import datetime

import pytest
from django import forms
from django.template import Context, Template

from valuing_send.core.forms import GovukDateField, GovukForm, GovukRadios, VersionField


class ExampleForm(GovukForm):
    page_heading_field = "level"
    error_nouns = {"level": "the level of need"}

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
    assert '<a href="#id_level_0">Select the level of need</a>' in summary
    assert "This field is required" not in summary
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
        (("1", "1", "2147483648"), "Date of birth must be a real date"),
        (("99999999999999999999", "1", "2019"), "Date of birth must be a real date"),
        (("1", "99999999999999999999", "2019"), "Date of birth must be a real date"),
        (("1", "1", "99999"), "Date of birth must be a real date"),
        (("²", "1", "2019"), "Date of birth must be a real date"),
        (("-1", "1", "2019"), "Date of birth must be a real date"),
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


class EveryKindForm(GovukForm):
    """Fields with no wording of their own: the shared layer words their errors."""

    error_nouns = {"first_name": "the child's first name"}

    first_name = forms.CharField(label="First name", max_length=10)
    full_name = forms.CharField(label="Full name (optional)", required=False, max_length=10)
    status = forms.ChoiceField(label="SEN status", choices=[("K", "SEN support")])
    colour = forms.ChoiceField(
        label="Favourite colour", choices=[("r", "Red")], widget=GovukRadios()
    )
    count = forms.IntegerField(label="Number of places", min_value=1, max_value=20)
    email = forms.EmailField(label="Email address")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    secret = forms.CharField(label="Password", widget=forms.PasswordInput, required=False)
    explicit = forms.CharField(
        label="Reason", required=False, error_messages={"max_length": "Keep it short"}, max_length=3
    )


def errors_for(**data):
    form = EveryKindForm(data=data)
    form.is_valid()
    return {name: errors[0] for name, errors in form.errors.items()}


def test_required_fields_get_govuk_wording_from_their_label_or_noun():
    assert errors_for() == {
        "first_name": "Enter the child's first name",
        "status": "Select the SEN status",
        "colour": "Select the favourite colour",
        "count": "Enter the number of places",
        "email": "Enter the email address",
    }


def test_other_django_defaults_are_replaced_with_govuk_wording():
    errors = errors_for(
        first_name="A" * 11,
        full_name="B" * 11,
        status="ZZ",
        colour="b",
        count="x",
        email="not-an-email",
        explicit="long",
    )
    assert errors == {
        "first_name": "The child's first name must be 10 characters or fewer",
        "full_name": "The full name must be 10 characters or fewer",
        "status": "Select the SEN status from the list",
        "colour": "Select the favourite colour from the list",
        "count": "The number of places must be a whole number",
        "email": "Enter the email address in the correct format, like name@example.gov.uk",
        "explicit": "Keep it short",
    }
    assert errors_for(count="0")["count"] == "The number of places must be 1 or more"
    assert errors_for(count="21")["count"] == "The number of places must be 20 or less"


@pytest.mark.parametrize(
    "text",
    [
        "Amy\u202eseno",  # right-to-left override: the heading would show reversed text
        "Amy\u2066x\u2069",  # isolates
        "Amy\x1b[31m",  # ESC: a terminal colour code
        "Amy\x00",
        "Amy\x07",
        "Amy\nJones",  # a line break in a one-line field
        "Amy\u0085Jones",  # next line (C1 control)
    ],
)
def test_one_line_text_refuses_control_and_direction_characters(text):
    errors = errors_for(first_name=text)
    assert errors["first_name"] == (
        "The child's first name must not include control characters or text-direction overrides"
    )


def test_textareas_keep_line_breaks_but_refuse_nul_and_direction_overrides():
    assert "notes" not in errors_for(notes="Line one\r\nLine two\twith a tab")
    for text in ("a\x00b", "a\u202eb", "a\x1bb"):
        assert errors_for(notes=text)["notes"] == (
            "The notes must not include control characters or text-direction overrides"
        )


def test_letters_from_any_script_and_ordinary_marks_are_accepted():
    form = EveryKindForm(
        data={
            "first_name": "Zoë-Anne",
            "full_name": "محمد",
            "status": "K",
            "colour": "r",
            "count": "3",
            "email": "a@b.example",
            "notes": "O'Brien\u200f",
        }
    )
    assert form.is_valid(), form.errors


class VersionedExample(GovukForm):
    version = VersionField()


@pytest.mark.parametrize(
    "value", ["", "abc", "-1", "²", "١٢", "1.0", " ", "99999999999999999999", "2147483648"]
)
def test_version_field_accepts_only_ascii_digits_and_says_so(value):
    form = VersionedExample(data={"version": value} if value else {})
    assert not form.is_valid()
    assert form.errors["version"] == [
        "This page is out of date or was not sent in full. Reload the page and try again"
    ]
    summary = render("{% error_summary form %}", form=form)
    assert 'href="#main-content">This page is out of date' in summary


def test_version_field_reads_a_version():
    form = VersionedExample(data={"version": "12"})
    assert form.is_valid()
    assert form.cleaned_data["version"] == 12


def test_every_form_in_the_app_uses_the_shared_form_layer():
    import importlib
    import pkgutil

    import assessments
    import valuing_send
    from valuing_send.core.forms import GovukFormMixin

    for package in (assessments, valuing_send):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in module.name or "demo_data" in module.name:
                continue
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.startswith(("assessments", "valuing_send"))
        and cls.__module__ != "valuing_send.core.forms"
    }
    assert len(ours) >= 15
    assert [cls.__name__ for cls in ours if not issubclass(cls, GovukFormMixin)] == []
