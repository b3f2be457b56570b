"""The settings register: forms, service functions and readiness figures for settings and
their capabilities. Views are in ``views.py``."""

from django import forms
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.db.models import Q

from assessments.rules import codes as rule_codes
from assessments.rules import setting_readiness
from valuing_send.authorities import choices
from valuing_send.authorities.models import Setting, SettingCapability
from valuing_send.core.forms import (
    GovukForm,
    GovukModelForm,
    GovukRadios,
    VersionedFormMixin,
    VersionField,
)
from valuing_send.core.locking import save_versioned

# More places than the largest school in England has, with room to spare.
LARGEST_CAPACITY = 100_000

SETTING_FIELDS = ("name", "urn", "ukprn", "phase", "setting_type", "capacity", "is_active")


class SettingForm(GovukModelForm):
    class Meta:
        model = Setting
        fields = SETTING_FIELDS
        labels = {
            "name": "Name",
            "is_active": "In use (uncheck if the setting has closed)",
            "capacity": "Capacity (optional)",
        }
        error_messages = {
            "name": {"required": "Enter the setting's name"},
            "phase": {"required": "Select the phase", "invalid_choice": "Select the phase"},
            "setting_type": {
                "required": "Select the type of setting",
                "invalid_choice": "Select the type of setting",
            },
            "capacity": {
                "invalid": "Capacity must be a whole number, like 420",
                "min_value": "Capacity must be 0 or more",
                "max_value": f"Capacity must be {LARGEST_CAPACITY:,} places or fewer",
            },
        }
        widgets = {
            "phase": GovukRadios(),
            "setting_type": GovukRadios(),
            "urn": forms.TextInput(
                attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}
            ),
            "ukprn": forms.TextInput(
                attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}
            ),
            "capacity": forms.TextInput(
                attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}
            ),
        }

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority = authority
        if self.instance.pk:  # editing: the version the admin started from
            self.fields["version"] = VersionField()
            self.initial.setdefault("version", self.instance.version)
        self.fields["capacity"].max_value = LARGEST_CAPACITY
        self.fields["capacity"].validators.append(MaxValueValidator(LARGEST_CAPACITY))
        self.fields["urn"].label = "URN (optional)"
        self.fields["ukprn"].label = "UKPRN (optional)"

    def _unique(self, field, label):
        value = self.cleaned_data[field]
        if value:
            others = self.authority.settings_register.filter(**{field: value})
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    f"Another setting in the register already has this {label}"
                )
        return value

    def clean_urn(self):
        return self._unique("urn", "URN")

    def clean_ukprn(self):
        return self._unique("ukprn", "UKPRN")

    def clean(self):
        data = super().clean()
        if data.get("phase") == "post_16" and data.get("setting_type") in {"early_years"}:
            self.add_error("setting_type", "An early years setting cannot be post-16")
        if data.get("phase") == "early_years" and data.get("setting_type") in {"fe"}:
            self.add_error("setting_type", "A further education college cannot be early years")
        return data


class SettingFilterForm(GovukForm):
    """The register's search and type filter (GET)."""

    error_nouns = {"q": "the search"}

    q = forms.CharField(
        label="Search by name, URN or UKPRN",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "search"}),
    )
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *rule_codes.SETTING_TYPES]
    )

    def filters(self) -> dict | None:
        """``{}`` when nothing was asked, ``None`` when the form has errors."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        return {"q": " ".join(self.cleaned_data["q"].split()), "type": self.cleaned_data["type"]}


def settings_matching(authority, filters: dict):
    settings = authority.settings_register.all()
    if filters.get("type"):
        settings = settings.filter(setting_type=filters["type"])
    if search := filters.get("q"):
        settings = settings.filter(Q(name__icontains=search) | Q(urn=search) | Q(ukprn=search))
    return settings


class CapabilityForm(VersionedFormMixin):
    """The highest need level the setting meets, one question per domain of the framework."""

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = domains
        for domain in domains:
            self.fields[domain.code] = forms.TypedChoiceField(
                label=domain.name,
                coerce=int,
                choices=[
                    (level.level, f"Up to level {level.level}: {level.name}")
                    for level in domain.levels
                ],
                widget=GovukRadios(small=True),
                help_text=domain.summary,
                error_messages={
                    "required": f"Select the highest level of {domain.name.lower()} need the setting meets",
                    "invalid_choice": f"Select a level from 0 to 4 for {domain.name.lower()}",
                },
            )

    def levels(self) -> dict[str, int]:
        return {domain.code: self.cleaned_data[domain.code] for domain in self.domains}


@transaction.atomic
def setting_create(authority, data: dict, *, by) -> Setting:
    return Setting.objects.create(
        authority=authority, **{k: data[k] for k in SETTING_FIELDS if k in data}
    )


@transaction.atomic
def setting_update(setting: Setting, data: dict, *, expected_version: int, by) -> Setting:
    setting = save_versioned(
        setting, expected_version, **{k: data[k] for k in SETTING_FIELDS if k in data}
    )
    choices.forget_register(setting.authority_id)
    return setting


@transaction.atomic
def setting_set_capabilities(
    setting: Setting, levels: dict[str, int], *, expected_version: int, by
) -> Setting:
    save_versioned(setting, expected_version)
    SettingCapability.objects.filter(setting=setting).exclude(domain__in=levels).delete()
    existing = {c.domain: c for c in SettingCapability.objects.filter(setting=setting)}
    for domain, level in levels.items():
        capability = existing.get(domain)
        if capability is None:
            SettingCapability.objects.create(setting=setting, domain=domain, level=level)
        elif capability.level != level:
            SettingCapability.objects.filter(pk=capability.pk).update(level=level)
    setting.refresh_from_db()
    return setting


def readiness_of(setting: Setting, domain_codes) -> int:
    """The register's readiness summary: mean capability over the framework's domains, 0–100."""
    return setting_readiness(setting.capability_map(), domain_codes)
