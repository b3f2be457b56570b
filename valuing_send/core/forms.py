"""GOV.UK Design System form markup, produced in one place for every form.

The project's form renderer gives every bound field the GOV.UK structure (form group, label or
fieldset legend, hint, error message) from ``templates/govuk/field.html``; widgets that need
GOV.UK markup of their own (radios, checkboxes, date input) have templates in
``templates/govuk/widgets/``. Pages show the error summary with ``{% error_summary form %}``.
Forms declare nothing about markup beyond the widget they use and, optionally:

- ``page_heading_field = "name"``: that field's label or legend is the page's <h1>;
- ``GovukRadios(choices_hints={value: hint}, inline=True)`` for hints under each radio;
- ``widget.attrs["class"]`` for width classes such as ``govuk-input--width-10``.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


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
        label = self.label or "Date"
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
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError("year must have 4 digits")
            return datetime.date(year, month, day)
        except ValueError:
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


class VersionedFormMixin(forms.Form):
    """Carries the version of the record the user started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
