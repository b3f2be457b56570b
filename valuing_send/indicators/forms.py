"""Query-string choices on the indicator pages, each through a form: an unknown value is an
error shown in the error summary, never silently ignored."""

from __future__ import annotations

import datetime

from django import forms
from django.http import Http404

from valuing_send.core.forms import GovukForm, GovukRadios, VersionedFormMixin

from . import labels, registry
from .queries import periods_of
from .snapshots import FORMULAS, SPLIT_DIMENSIONS


class PeriodForm(GovukForm):
    error_nouns = {"period": "the period"}
    period = forms.ChoiceField(label="Figures for", required=False)

    def __init__(self, authority, data=None):
        super().__init__(data if data and data.get("period") else None)
        self.periods = periods_of(authority)
        self.fields["period"].choices = [(p.slug, p.label) for p in self.periods]

    def chosen(self) -> datetime.date | None:
        if self.is_bound and self.is_valid() and self.cleaned_data["period"]:
            return datetime.date.fromisoformat(self.cleaned_data["period"])
        return None


class DrillForm(GovukForm):
    error_nouns = {"indicator": "the indicator", "period": "the period"}
    indicator = forms.ChoiceField()
    period = forms.DateField(input_formats=["%Y-%m-%d"])
    dimension = forms.CharField(required=False, max_length=30)
    category = forms.CharField(required=False, max_length=80)

    def __init__(self, authority, data=None):
        super().__init__(data)
        self.authority = authority
        self.fields["indicator"].choices = [
            (indicator.id, indicator.title)
            for indicator in registry.INDICATORS
            if indicator.id in FORMULAS
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["indicator"] = indicator = registry.get(data["indicator"])
        if not self.authority.indicator_snapshots.filter(period=data["period"]).exists():
            raise forms.ValidationError("There are no figures for that period.")
        dimension, category = data["dimension"], data["category"]
        allowed = {*indicator.breakdowns, indicator.split_by, SPLIT_DIMENSIONS.get(indicator.id)}
        if indicator.id == "capability_shortfall_pct":
            allowed |= {"setting_domain", "setting_type_domain"}
        allowed.discard(None)
        allowed.discard("")
        if dimension and dimension not in allowed:
            raise forms.ValidationError(f"“{indicator.title}” has no breakdown by {dimension}.")
        if dimension and not category:
            raise forms.ValidationError("Say which category of the breakdown to show.")
        if dimension in ("setting_domain", "setting_type_domain"):
            where, _, domain = category.partition(":")
            if domain not in labels.CATEGORIES["domain"]:
                raise forms.ValidationError("Unknown needs domain.")
            if dimension == "setting_domain":
                setting = self.authority.settings_register.filter(
                    pk=where if where.isdigit() else 0
                ).first()
                if setting is None:
                    raise Http404("No such setting in this authority")
                data["setting_name"] = setting.name
        elif dimension and category not in labels.CATEGORIES.get(dimension, {}):
            raise forms.ValidationError("Unknown breakdown category.")
        return data


class SortForm(GovukForm):
    """The national table's sort: a column and a direction."""

    error_nouns = {"sort": "the column to sort by", "order": "the order"}
    sort = forms.ChoiceField(required=False)
    order = forms.ChoiceField(
        required=False, choices=[("asc", "Ascending"), ("desc", "Descending")]
    )

    def __init__(self, data=None):
        from .national import COLUMNS

        super().__init__(data if data and ("sort" in data or "order" in data) else None)
        self.fields["sort"].choices = [("name", "Authority"), ("region", "Region")] + [
            (column.key, column.heading) for column in COLUMNS
        ]

    def chosen(self) -> tuple[str, bool]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["sort"] or "name", self.cleaned_data["order"] == "desc"
        return "name", False


class WeightsForm(GovukForm):
    """The ranking's weights (0 to 10 each) and normalisation, as a plain GET form."""

    method = forms.ChoiceField(
        label="How figures are put on one scale",
        choices=[],
        widget=None,
    )

    def __init__(self, data=None):
        from .national import DEFAULT_WEIGHTS
        from .ranking import NORMALISATIONS, ZSCORE

        bound = (
            data if data and any(key.startswith("w_") or key == "method" for key in data) else None
        )
        super().__init__(bound, initial={"method": ZSCORE})
        self.fields["method"].choices = [
            (key, text.split(":")[0]) for key, text in NORMALISATIONS.items()
        ]
        self.fields["method"].widget = GovukRadios(
            choices=self.fields["method"].choices,
            choice_hints={key: text.split(": ", 1)[1] for key, text in NORMALISATIONS.items()},
        )
        self.defaults = DEFAULT_WEIGHTS
        for default in DEFAULT_WEIGHTS:
            self.fields[f"w_{default.indicator}"] = forms.IntegerField(
                label=registry.get(default.indicator).title,
                min_value=0,
                max_value=10,
                required=False,
                initial=default.weight,
                help_text=f"Default {default.weight}. {default.reason}",
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-2"}),
            )

    def clean(self):
        data = super().clean()
        given = [v for key, v in data.items() if key.startswith("w_") and v is not None]
        if given and not any(given) and len(given) == len(self.defaults):
            raise forms.ValidationError("Give at least one indicator a weight above 0.")
        return data

    def weights(self) -> tuple[dict[str, int], str]:
        from .ranking import ZSCORE

        defaults = {d.indicator: d.weight for d in self.defaults}
        if not self.is_bound or not self.is_valid():
            return defaults, ZSCORE
        chosen = {}
        for indicator, default in defaults.items():
            value = self.cleaned_data.get(f"w_{indicator}")
            chosen[indicator] = default if value is None else value
        return chosen, self.cleaned_data.get("method") or ZSCORE


class TargetForm(VersionedFormMixin):
    target = forms.DecimalField(
        label="Target",
        max_digits=12,
        decimal_places=1,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"}
        ),
    )
    note = forms.CharField(
        label="Why this target (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicator is not None:
            unit = {
                "percent": "a percentage",
                "mean_percent": "a percentage",
                "pounds": "pounds a year",
            }
            better = "higher" if indicator.direction != registry.LOWER else "lower"
            self.fields["target"].help_text = (
                f"As {unit.get(indicator.unit, 'a number')}. {better.capitalize()} is better: the "
                f"target is met when the figure is at the target or {better}."
            )


class ScenarioForm(GovukForm):
    years = forms.TypedChoiceField(
        label="Years ahead",
        coerce=int,
        choices=[(3, "3 years"), (4, "4 years"), (5, "5 years")],
        initial=5,
    )
    earlier_support_pct = forms.IntegerField(
        label="Earlier support: share of additional plans whose needs are met at SEN support level",
        min_value=0,
        max_value=100,
        initial=10,
        help_text="Per cent. These children keep SEN support in their school instead of a plan.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )
    mainstream_first_pct = forms.IntegerField(
        label="Mainstream first: share of additional special school places met in mainstream-capable provision",
        min_value=0,
        max_value=100,
        initial=10,
        help_text="Per cent. These children are placed in mainstream or resourced provision with top-up.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )

    def __init__(self, data=None):
        super().__init__(data if data and any(k in data for k in self.base_fields) else None)

    def scenario(self):
        from .projection import Scenario

        if self.is_bound and self.is_valid():
            return Scenario(**self.cleaned_data)
        return Scenario()
