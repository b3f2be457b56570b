"""GOV.UK Design System form markup, produced in one place for every form.

The project's form renderer gives every bound field the GOV.UK structure (form group, label or
fieldset legend, hint, error message) from ``templates/govuk/field.html``; widgets that need
GOV.UK markup of their own (radios, checkboxes, date input) have templates in
``templates/govuk/widgets/``. Pages show the error summary with ``{% error_summary form %}``.
Forms declare nothing about markup beyond the widget they use and, optionally:

- ``page_heading_field = "name"``: that field's label or legend is the page's <h1>;
- ``GovukRadios(choices_hints={value: hint}, inline=True)`` for hints under each radio;
- ``widget.attrs["class"]`` for width classes such as ``govuk-input--width-10``;
- ``error_nouns = {"first_name": "the child's first name"}`` where the label does not make a
  good noun for the error messages.

Every form derives from ``GovukForm`` or ``GovukModelForm`` (``GovukFormMixin`` for Django's own
forms). Before a form is cleaned, the mixin words every error Django would otherwise word for it
("This field is required.", "Select a valid choice…", "Enter a whole number.") the GOV.UK way
from the field's noun ("Enter the child's first name", "Select the SEN status"), and refuses
control characters and text-direction overrides in text (one validator, in one place).
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Characters nobody types into a name or a note, and that change what others see: C0 and C1
# control characters (NUL, ESC, bell…) and the Unicode embeddings, overrides and isolates that
# reverse how text after them is displayed (U+202A–U+202E, U+2066–U+2069). One-line fields also
# refuse line and paragraph separators; text areas keep tab, line feed and carriage return.
_DIRECTION = "\u202a-\u202e\u2066-\u2069"
_ONE_LINE_HIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_DIRECTION}]")
_MULTILINE_HIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_DIRECTION}]")


def has_hidden_characters(text: str, *, multiline: bool = False) -> bool:
    """True when the text holds a control character or a text-direction override."""
    return bool((_MULTILINE_HIDDEN if multiline else _ONE_LINE_HIDDEN).search(text))


class GovukRadios(forms.RadioSelect):
    template_name = "govuk/widgets/radios.html"

    def __init__(self, attrs=None, choices=(), *, choice_hints=None, inline=False, small=False):
        super().__init__(attrs, choices)
        self.choice_hints = dict(choice_hints or {})
        self.inline = inline
        self.small = small

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["hint"] = self.choice_hints.get(str(value)) or self.choice_hints.get(value)
        return option

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["inline"] = self.inline
        context["widget"]["small"] = self.small
        return context


class FastSelect(forms.Select):
    """A select whose options are written by Python in one pass rather than through a
    template per option (Django builds a dictionary and renders a template for each): for long
    lists, such as a large authority's caseworkers, that was most of a page's time. Plain
    choices only (no groups); the markup is Django's own."""

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, list | tuple) else [value]
        selected = {"" if v is None else str(v) for v in values}
        attributes = "".join(
            f" {escape(key)}" if val is True else f' {escape(key)}="{escape(val)}"'
            for key, val in self.build_attrs(self.attrs, attrs).items()
            if val is not None and val is not False
        )
        options = "".join(
            f'<option value="{escape(option_value)}"'
            f"{' selected' if str(option_value) in selected else ''}>{escape(label)}</option>"
            for option_value, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')


class GovukCheckboxes(GovukRadios, forms.CheckboxSelectMultiple):
    template_name = "govuk/widgets/checkboxes.html"
    input_type = "checkbox"
    allow_multiple_selected = True


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input pattern asks for."""

    template_name = "govuk/widgets/date.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        part = {"inputmode": "numeric", "autocomplete": "off"}
        widgets = {
            "day": forms.TextInput(
                {**part, "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            "month": forms.TextInput(
                {**part, "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            "year": forms.TextInput(
                {**part, "class": "govuk-input govuk-date-input__input govuk-input--width-4"}
            ),
        }
        super().__init__(widgets, attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["invalid"] = (attrs or {}).get("aria-invalid") == "true"
        return context

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date from three boxes, with the GOV.UK error messages for missing or impossible parts."""

    widget = GovukDateInput

    def __init__(self, *, label=None, **kwargs):
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, label=label, **kwargs)

    def clean(self, value):
        label = re.sub(r"\s*\(optional\)$", "", str(self.label or "Date"))
        parts = [str(part).strip() if part is not None else "" for part in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise ValidationError(
                    self.error_messages.get("required_date", f"Enter the {label.lower()}"),
                    code="required",
                )
            return None
        missing = [
            name
            for name, part in zip(("a day", "a month", "a year"), parts, strict=True)
            if not part
        ]
        if missing:
            raise ValidationError(
                f"{label} must include {' and '.join(missing)}", code="incomplete"
            )
        try:
            if not all(part.isascii() and part.isdigit() for part in parts):
                raise ValueError("only the digits 0 to 9")
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError("year must have 4 digits")
            return datetime.date(year, month, day)
        except (ValueError, OverflowError):
            # OverflowError: a part too large for C's int (year 2147483648, day 10**20).
            raise ValidationError(f"{label} must be a real date", code="invalid") from None

    def compress(self, data_list):  # clean() does the work; kept for MultiValueField's contract
        return data_list


class GovukBoundField(BoundField):
    """Knows which GOV.UK component renders the field and where the error summary links to."""

    @property
    def govuk_kind(self) -> str:
        widget = self.field.widget
        if widget.is_hidden:
            return "hidden"
        if isinstance(widget, GovukCheckboxes):
            return "checkboxes"
        if isinstance(widget, GovukRadios):
            return "radios"
        if isinstance(widget, GovukDateInput):
            return "date"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        if isinstance(widget, forms.Select):
            return "select"
        if isinstance(widget, forms.Textarea):
            return "textarea"
        return "input"

    @property
    def is_page_heading(self) -> bool:
        return getattr(self.form, "page_heading_field", None) == self.name

    @property
    def error_link_id(self) -> str:
        """The first input of the field: what the error summary must move focus to."""
        if self.govuk_kind in {"radios", "checkboxes", "date"}:
            return f"{self.auto_id}_0"
        return self.auto_id

    @property
    def describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}_helptext")
        if self.errors:
            ids.append(f"{self.auto_id}_error")
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        kind = self.govuk_kind
        base = {"input": "govuk-input", "textarea": "govuk-textarea", "select": "govuk-select"}.get(
            kind
        )
        if base:
            classes = [base, *(widget or self.field.widget).attrs.get("class", "").split()]
            if self.errors:
                classes.append(f"{base}--error")
            attrs["class"] = " ".join(dict.fromkeys(classes))
        if kind == "checkbox":
            attrs["class"] = "govuk-checkboxes__input"
        return attrs


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukBoundField


def _lower_first(text: str) -> str:
    """'Full name' -> 'full name', but 'SEN status' and 'UPN' keep their capitals."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def default_noun(name: str, field: forms.Field) -> str:
    """What error messages call the field: 'the' and its label, without '(optional)'.
    A label that is a question makes no noun: such fields name theirs in ``error_nouns``."""
    label = str(field.label or pretty_name(name)).strip()
    label = re.sub(r"\s*\(optional\)$", "", label).strip()
    if label.endswith("?"):
        return "an answer"
    return f"the {_lower_first(label)}"


def _django_default_messages(field: forms.Field) -> dict:
    """Django's own wording for the field's errors: ours (a subclass's) counts as chosen."""
    messages = {}
    for cls in reversed(type(field).__mro__):
        if cls.__module__.startswith("django."):
            messages.update(getattr(cls, "default_error_messages", {}))
    return messages


STALE_PAGE_MESSAGE = (
    "This page is out of date or was not sent in full. Reload the page and try again"
)


def govuk_error_messages(field: forms.Field, noun: str) -> None:
    """Word the field's errors the GOV.UK way and add the hidden-characters check. Messages a
    form gave the field itself are kept; only Django's own defaults are replaced."""
    if getattr(field, "_govuk_prepared", False) or isinstance(field, GovukDateField):
        return
    field._govuk_prepared = True
    defaults = _django_default_messages(field)
    messages = field.error_messages
    subject = _upper_first(noun)
    choice = isinstance(field, (forms.ChoiceField, forms.BooleanField, forms.FileField))

    def replace(code, text):
        if code not in messages or messages[code] == defaults.get(code):
            messages[code] = text

    if field.widget.is_hidden:  # only a page of ours fills it in: any problem means a stale page
        for code in ("required", "invalid", "invalid_choice", "min_value", "max_value"):
            replace(code, STALE_PAGE_MESSAGE)
        return
    replace("required", f"{'Select' if choice else 'Enter'} {noun}")
    replace("invalid_choice", f"Select {noun} from the list")
    if isinstance(field, forms.IntegerField):
        replace("invalid", f"{subject} must be a whole number")
    elif isinstance(field, (forms.FloatField, forms.DecimalField)):
        replace("invalid", f"{subject} must be a number")
    elif isinstance(field, forms.EmailField):
        replace("invalid", f"Enter {noun} in the correct format, like name@example.gov.uk")
    for code, bound, words in (
        ("min_value", getattr(field, "min_value", None), "{} or more"),
        ("max_value", getattr(field, "max_value", None), "{} or less"),
        ("max_length", getattr(field, "max_length", None), "{} characters or fewer"),
        ("min_length", getattr(field, "min_length", None), "{} characters or more"),
    ):
        # A bound the model adds (the database's integer range) is only known as a parameter.
        limit = f"{bound:,}" if isinstance(bound, int) else "%(limit_value)s"
        replace(code, f"{subject} must be {words.format(limit)}")
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        multiline = isinstance(field.widget, forms.Textarea)
        problem = f"{subject} must not include control characters or text-direction overrides"
        messages["null_characters_not_allowed"] = problem

        def refuse_hidden(value):
            if isinstance(value, str) and has_hidden_characters(value, multiline=multiline):
                raise ValidationError(problem, code="hidden_characters")

        field.validators.append(refuse_hidden)


class GovukFormMixin:
    """Put before a Django form class: see the module docstring."""

    error_nouns: dict[str, str] = {}

    def full_clean(self):
        # Here rather than in __init__: many forms add or relabel fields after theirs.
        for name, field in self.fields.items():
            govuk_error_messages(field, self.error_nouns.get(name) or default_noun(name, field))
        super().full_clean()


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class VersionField(forms.IntegerField):
    """The version of the record the page was made from (optimistic locking): hidden, and only
    ASCII digits ('²' and '١' pass str.isdigit() and int(), but no page of ours sends them)."""

    widget = forms.HiddenInput
    default_error_messages = {"required": STALE_PAGE_MESSAGE, "invalid": STALE_PAGE_MESSAGE}
    LARGEST = 2**31 - 1  # PostgreSQL's integer

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", self.LARGEST)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = self.error_messages["max_value"] = STALE_PAGE_MESSAGE

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


def form_data(request):
    """What a view binds its form to: the POST data on a POST (even when nothing was sent, so
    an empty submission shows its errors instead of a blank form), ``None`` otherwise."""
    return request.POST if request.method == "POST" else None


def resubmitted(data, version: int, *, field: str = "version"):
    """The user's answers again, with the version now saved: after a conflict the page shows
    both, and saving again is a deliberate choice to keep this user's answers."""
    data = data.copy()
    data[field] = str(version)
    return data


class VersionedFormMixin(GovukForm):
    """Carries the version of the record the user started from (optimistic locking)."""

    version = VersionField()


class BandField(forms.TypedChoiceField):
    """An optional funding band, chosen by name among a scheme's bands: the form sets
    ``choices`` once it knows the scheme. Its value is the band's number, or None."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(
            label=label,
            required=False,
            coerce=int,
            empty_value=None,
            choices=[],
            error_messages={"invalid_choice": "Select a funding band from the list"},
            **kwargs,
        )


class LongSelect(forms.Select):
    """A select with hundreds of options (a settings register, every caseworker), written in
    Python: even the one template loop of ``django/forms/widgets/select.html`` costs about a
    tenth of a millisecond per option, most of a filter page's time at Kent's 900 settings.
    The markup is the same as the template's."""

    def render(self, name, value, attrs=None, renderer=None):
        from html import escape

        from django.forms.utils import flatatt
        from django.utils.safestring import mark_safe

        values = value if isinstance(value, (list, tuple)) else [value]
        selected = {str(v) for v in values if v is not None}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(
            f'<option value="{escape(str(option_value))}"'
            f"{' selected' if str(option_value) in selected else ''}>{escape(str(label))}</option>"
            for option_value, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")
