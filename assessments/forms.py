import datetime

from django import forms
from django.utils import timezone

from assessments import codes
from assessments.rules import codes as rule_codes
from valuing_send.authorities.models import Role
from valuing_send.core.forms import (
    GovukDateField,
    GovukForm,
    GovukRadios,
    VersionedFormMixin,
    VersionField,
    has_hidden_characters,
)

from .validators import need_code_problems, normalise_upn, upn_problem

OLDEST_AGE = 25


def _blank_choice(label, choices):
    return [("", label), *choices]


def _number_list(numbers) -> str:
    """'1 to 7' for a run of whole numbers, '1, 2 and 5' otherwise."""
    numbers = sorted(numbers)
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]} to {numbers[-1]}"
    if len(numbers) < 2:
        return "".join(map(str, numbers))
    return ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


class ChildForm(GovukForm):
    """Create or edit a child's record. Settings and caseworkers come from the authority only.
    Editing adds the record's ``version`` (optimistic locking)."""

    error_nouns = {
        "first_name": "the child's first name",
        "last_name": "the child's last name",
        "gender": "the child's gender",
        "ethnicity": "the child's ethnicity",
        "primary_need": "the primary type of need",
        "secondary_need": "the secondary type of need",
    }

    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 2016")
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        required=False,
        max_length=20,
        help_text="13 characters, starting with a letter, for example B801200005001",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    gender = forms.ChoiceField(
        label="Gender", choices=codes.GENDERS, widget=GovukRadios(inline=True)
    )
    # Optional, with a blank first option: a skipped answer must not be stored as the first
    # code in the list ("White – British"). Blank is stored as NOBT, the census code for
    # "information not yet obtained".
    ethnicity = forms.ChoiceField(
        label="Ethnicity (optional)",
        choices=_blank_choice("Not recorded", codes.ETHNICITIES),
        required=False,
        help_text="Recorded for equality monitoring.",
    )
    current_setting = forms.TypedChoiceField(
        label="Current school or setting", coerce=int, required=False, empty_value=None
    )
    sen_status = forms.ChoiceField(
        label="SEN status",
        choices=[("K", "SEN support"), ("E", "EHC plan"), ("N", "No SEN")],
        widget=GovukRadios(
            choice_hints={
                "K": "Support from the school's own resources, with a SEN support plan",
                "E": "An education, health and care plan issued by the authority",
                "N": "Known to the service, but with no special educational needs identified",
            }
        ),
    )
    primary_need = forms.ChoiceField(
        label="Primary type of need",
        choices=_blank_choice("Not recorded", codes.NEED_TYPES),
        required=False,
    )
    secondary_need = forms.ChoiceField(
        label="Secondary type of need (optional)",
        choices=_blank_choice("None", codes.NEED_TYPES),
        required=False,
    )
    held_band = forms.IntegerField(
        label="Funding band held (optional)",
        required=False,
        min_value=1,
        max_value=20,
        help_text="The top-up band the setting receives for the child now.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "invalid": "The funding band must be a whole number, like 3",
            "min_value": "The funding band must be 1 or more",
            "max_value": "The funding band must be 20 or less",
        },
    )
    sen_support_start_date = GovukDateField(
        label="Date SEN support started (optional)", required=False
    )
    plan_start_date = GovukDateField(label="Date the EHC plan started", required=False)
    next_review_date = GovukDateField(label="Next review due (optional)", required=False)
    caseworker = forms.TypedChoiceField(
        label="Caseworker", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, authority, child=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.child = child
        if child is not None:
            self.fields["version"] = VersionField()
        self.setting_options = {
            s.pk: s for s in authority.settings_register.active().order_by("name")
        }
        if (
            child is not None
            and child.current_setting_id
            and child.current_setting_id not in self.setting_options
        ):
            self.setting_options[child.current_setting_id] = child.current_setting
        self.fields["current_setting"].choices = _blank_choice(
            "Not in a setting, or not known",
            [(pk, s.name) for pk, s in self.setting_options.items()],
        )
        caseworkers = (
            authority.memberships.active().filter(role=Role.CASEWORKER).select_related("user")
        )
        self.caseworker_options = {m.user_id: m.user for m in caseworkers}
        self.fields["caseworker"].choices = _blank_choice(
            "Not allocated", [(pk, u.full_name) for pk, u in self.caseworker_options.items()]
        )

    def clean_upn(self):
        upn = normalise_upn(self.cleaned_data["upn"])
        if not upn:
            return ""
        problem = upn_problem(upn)
        if problem:
            raise forms.ValidationError(problem)
        duplicates = self.authority.children.filter(upn=upn)
        if self.child is not None:
            duplicates = duplicates.exclude(pk=self.child.pk)
        if duplicates.exists():
            raise forms.ValidationError(
                f"Another child in {self.authority.name} already has this UPN"
            )
        return upn

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born is None:
            return born
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("Date of birth must be today or in the past")
        oldest = (
            today.replace(year=today.year - OLDEST_AGE - 1)
            if not (today.month == 2 and today.day == 29)
            else datetime.date(today.year - OLDEST_AGE - 1, 2, 28)
        )
        if born <= oldest:
            raise forms.ValidationError(
                f"The child or young person must be {OLDEST_AGE} or younger: date of birth must be after {oldest:%-d %B %Y}"
            )
        return born

    def clean_ethnicity(self):
        return self.cleaned_data["ethnicity"] or "NOBT"

    def clean_current_setting(self):
        value = self.cleaned_data["current_setting"]
        if value is not None and value not in self.setting_options:
            raise forms.ValidationError("Select a setting from the list")
        return self.setting_options.get(value)

    def clean_caseworker(self):
        value = self.cleaned_data["caseworker"]
        if value is not None and value not in self.caseworker_options:
            raise forms.ValidationError("Select a caseworker from the list")
        return self.caseworker_options.get(value)

    def clean(self):
        data = super().clean()
        status = data.get("sen_status")
        if status:
            for name, problem in need_code_problems(
                status, data.get("primary_need", ""), data.get("secondary_need", "")
            ).items():
                self.add_error(name, problem)
        born = data.get("date_of_birth")
        today = timezone.localdate()
        plan_start = data.get("plan_start_date")
        if status == "E" and plan_start is None and "plan_start_date" not in self.errors:
            self.add_error("plan_start_date", "Enter the date the EHC plan started")
        if status != "E" and plan_start is not None:
            self.add_error(
                "plan_start_date",
                "Only a child with an EHC plan has a plan start date: remove it or change the SEN status",
            )
        for name, label in (
            ("plan_start_date", "The EHC plan start date"),
            ("sen_support_start_date", "The SEN support start date"),
        ):
            value = data.get(name)
            if value and born and value < born:
                self.add_error(name, f"{label} must be on or after the date of birth")
            elif value and value > today:
                self.add_error(name, f"{label} must be today or in the past")
        review = data.get("next_review_date")
        if review and born and review < born:
            self.add_error("next_review_date", "The next review must be after the date of birth")
        return data


class DomainRatingForm(VersionedFormMixin):
    """One domain's answers. Drafts may be saved incomplete; what completion needs is checked
    by ``services.missing_answers`` (and shown on this form when the user asks to continue)."""

    level = forms.TypedChoiceField(
        label="Level of need",
        coerce=int,
        required=False,
        empty_value=None,
        choices=rule_codes.NEED_LEVELS,
    )
    evidence = forms.CharField(
        label="Evidence for this level",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What has been observed or assessed, by whom and when. Needed for level 2 and above.",
        error_messages={"max_length": "Evidence must be 5,000 characters or fewer"},
    )
    source = forms.ChoiceField(
        label="Where the evidence came from",
        required=False,
        choices=codes.EVIDENCE_SOURCES,
        widget=GovukRadios(small=True),
    )
    setting_ability = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=rule_codes.CAPACITY_LEVELS,
        widget=GovukRadios(small=True),
    )
    family_capacity = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=rule_codes.CAPACITY_LEVELS,
        widget=GovukRadios(small=True),
    )

    def __init__(self, *args, domain, phase: str, setting_name: str | None, **kwargs):
        super().__init__(*args, prefix=domain.code, **kwargs)
        self.domain = domain
        hints = {}
        for level in domain.levels:
            examples = "; ".join(text.rstrip(". ") for text in level.examples.get(phase, ()))
            hints[str(level.level)] = (
                f"{level.descriptor} For example: {examples}." if examples else level.descriptor
            )
        self.fields["level"].widget = GovukRadios(choice_hints=hints)
        self.fields["level"].choices = [
            (level.level, f"{level.level} – {level.name}") for level in domain.levels
        ]
        self.fields["level"].error_messages["invalid_choice"] = (
            f"Select a level of need from 0 to 4 for {domain.name.lower()}"
        )
        self.fields["source"].error_messages["invalid_choice"] = (
            "Select where the evidence came from"
        )
        setting = setting_name or "the child's current setting"
        self.fields["setting_ability"].label = f"How well can {setting} meet this need now?"
        self.fields["family_capacity"].label = "How well can the family support this need?"
        for name in ("setting_ability", "family_capacity"):
            self.fields[name].error_messages["invalid_choice"] = "Select one of the options"

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "evidence": data["evidence"].strip(),
            "source": data["source"],
            "setting_ability": data["setting_ability"],
            "family_capacity": data["family_capacity"],
        }


class AssessmentRequestForm(GovukForm):
    page_heading_field = "request"

    seen = forms.ChoiceField(choices=rule_codes.REQUESTS, widget=forms.HiddenInput)

    request = forms.ChoiceField(
        label="What is being asked for at this assessment?",
        choices=rule_codes.REQUESTS,
        widget=GovukRadios(
            choice_hints={
                "none": "A review of the child's needs, with no change asked for",
                "ehc_assessment": "A request for an education, health and care needs assessment",
                "ehc_plan": "A request to issue an EHC plan",
                "specialist_placement": "A request for a special school or other specialist place",
                "increased_funding": "A request for a higher funding band for the current setting",
            }
        ),
        help_text="The recommendation is compared with what the child has now and with what is asked for.",
        error_messages={
            "required": "Select what is being asked for",
            "invalid_choice": "Select what is being asked for",
        },
    )


class CompleteForm(VersionedFormMixin):
    """Only the version of the answers the user checked."""


class ChildFilterForm(GovukForm):
    """The children list's search and filters (GET). A value the form does not offer is an
    error shown in the error summary, and no list is shown: never one that looks filtered."""

    error_nouns = {"q": "the search"}

    q = forms.CharField(
        label="Search by name, UPN or date of birth",
        required=False,
        max_length=100,
        help_text="The start of a first or last name, a UPN, or a date of birth like 27/03/2016",
    )
    status = forms.ChoiceField(
        label="SEN status", required=False, choices=_blank_choice("Any", rule_codes.SEN_STATUSES)
    )
    need = forms.ChoiceField(
        label="Primary need", required=False, choices=_blank_choice("Any", codes.NEED_TYPES)
    )
    phase = forms.ChoiceField(
        label="Age",
        required=False,
        choices=_blank_choice("Any age", [(code, label) for code, label, _, _ in codes.AGE_PHASES]),
    )
    setting = forms.TypedChoiceField(label="Setting", required=False, coerce=int, empty_value=None)
    caseworker = forms.ChoiceField(label="Caseworker", required=False)
    review = forms.ChoiceField(
        label="Review date",
        required=False,
        choices=_blank_choice("Any", codes.REVIEW_WINDOWS),
    )

    NAMES = ("q", "status", "need", "phase", "setting", "caseworker", "review")

    def __init__(self, *args, settings_choices, caseworker_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["setting"].choices = _blank_choice("Any setting", settings_choices)
        self.fields["caseworker"].choices = [
            ("", "Anyone"),
            ("me", "Allocated to me"),
            ("none", "Not allocated"),
            *caseworker_choices,
        ]

    def filters(self) -> dict | None:
        """The filters to apply: none when nothing was asked, ``None`` when the form has errors
        (the list must not be shown as if they were applied)."""
        if not self.is_bound:
            return {}
        return self.cleaned_data if self.is_valid() else None


class ReplayChangesFilterForm(GovukForm):
    """The replay drill-down's filter by tier move (GET: ``from`` and ``to``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (
            ("from", "Tier under the active rules"),
            ("to", "Tier under this version"),
        ):
            self.fields[name] = forms.ChoiceField(
                label=label, required=False, choices=_blank_choice("Any", rule_codes.TIERS)
            )

    def filters(self) -> dict | None:
        """``{}`` when nothing was asked, ``None`` when the form has errors."""
        if not self.is_bound:
            return {}
        return self.cleaned_data if self.is_valid() else None


class OverrideForm(GovukForm):
    """A person's decision that differs from the recommendation. The reason is required."""

    tier = forms.ChoiceField(
        label="What support tier was decided?",
        choices=rule_codes.TIERS,
        widget=GovukRadios(),
        error_messages={
            "required": "Select the support tier that was decided",
            "invalid_choice": "Select a support tier from the list",
        },
    )
    band = forms.IntegerField(
        label="Funding band decided (optional)",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={"invalid": "The funding band must be a whole number, like 3"},
    )
    provision = forms.CharField(
        label="Provision agreed (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What will be provided, if it differs from the recommended provision.",
        error_messages={"max_length": "Provision must be 5,000 characters or fewer"},
    )
    reason = forms.CharField(
        label="Why does the decision differ from the recommendation?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="This is kept with the recommendation and shown to anyone who reads it.",
        error_messages={
            "required": "Enter the reason for the decision",
            "max_length": "The reason must be 5,000 characters or fewer",
        },
    )

    def __init__(self, *args, rule_set, **kwargs):
        """``rule_set``: the version the recommendation was worked out with; a decided band
        must be one of its bands."""
        super().__init__(*args, **kwargs)
        self.band_numbers = [band.number for band in rule_set.ruleset.bands]
        self.bands_in_words = (
            f"{_number_list(self.band_numbers)}: the bands of {rule_set.name} {rule_set.version}"
        )
        self.fields[
            "band"
        ].help_text = (
            f"Bands {_number_list(self.band_numbers)} of {rule_set.name} {rule_set.version}"
        )

    def clean_band(self):
        band = self.cleaned_data["band"]
        if band is not None and band not in self.band_numbers:
            raise forms.ValidationError(f"Enter a funding band from {self.bands_in_words}")
        return band

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Explain the reason in a sentence or more")
        return reason


class RuleSetYamlForm(GovukForm):
    """The whole rule set as YAML: typed in, or uploaded as a file (which then wins)."""

    row_version = VersionField()
    yaml_text = forms.CharField(
        label="Rules (YAML)",
        required=False,
        max_length=256 * 1024,
        error_messages={"max_length": "The rules must be shorter than 256 KB"},
        widget=forms.Textarea(attrs={"rows": 30, "class": "app-code", "spellcheck": "false"}),
        help_text=(
            "Every shipped rule set's page shows its whole YAML, as a complete example of the "
            "format. The rules are checked in full before anything is saved, and each problem "
            "is listed with where it is."
        ),
    )
    upload = forms.FileField(
        label="Or upload a YAML file (optional)",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".yaml,.yml,text/yaml"}
        ),
    )

    MAX_BYTES = 256 * 1024

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            if upload.size > self.MAX_BYTES:
                self.add_error("upload", "The file must be smaller than 256 KB")
                return data
            try:
                data["yaml_text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("upload", "The file must be UTF-8 text (a YAML file)")
                return data
            if has_hidden_characters(data["yaml_text"], multiline=True):
                self.add_error(
                    "upload",
                    "The file must not include control characters or text-direction overrides",
                )
                return data
        if not (data.get("yaml_text") or "").strip():
            self.add_error("yaml_text", "Enter the rules, or upload a YAML file")
        return data


class RuleSetNumbersForm(GovukForm):
    """Points per level and, per band, the minimum points and the mainstream top-up."""

    row_version = VersionField()

    def __init__(self, *args, bands, **kwargs):
        super().__init__(*args, **kwargs)
        self.band_numbers = [band["number"] for band in bands]
        whole = {
            "invalid": "Enter a whole number",
            "min_value": "Enter 0 or more",
            "required": "Enter a number",
        }
        for level in range(5):
            self.fields[f"points_{level}"] = forms.IntegerField(
                label=f"Points for level {level}",
                min_value=0,
                max_value=1000,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
                ),
                error_messages={**whole, "max_value": "Enter 1,000 or less"},
            )
        for number in self.band_numbers:
            self.fields[f"band_{number}_min"] = forms.IntegerField(
                label=f"Band {number}: from how many points",
                min_value=0,
                max_value=100_000,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}
                ),
                error_messages={**whole, "max_value": "Enter 100,000 or less"},
            )
            self.fields[f"band_{number}_top_up"] = forms.IntegerField(
                label=f"Band {number}: mainstream top-up a year (£)",
                min_value=0,
                max_value=500_000,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}
                ),
                error_messages={**whole, "max_value": "Enter £500,000 or less"},
            )

    def points(self):
        return [self.cleaned_data[f"points_{level}"] for level in range(5)]

    def band_minimums(self):
        return [self.cleaned_data[f"band_{number}_min"] for number in self.band_numbers]

    def mainstream_top_ups(self):
        return [self.cleaned_data[f"band_{number}_top_up"] for number in self.band_numbers]
