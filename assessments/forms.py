import datetime
import re

from django import forms
from django.utils import timezone

from assessments import codes, queries
from assessments.rules import codes as rule_codes
from valuing_send.authorities.models import Role
from valuing_send.core.forms import (
    BandField,
    FastSelect,
    GovukCheckboxes,
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


def band_choices(authority, kept=None, blank="None"):
    """The active scheme's bands by name, for a band number kept on a record (held, asked
    for, agreed); a band the record already has that the scheme does not have (``kept``)
    stays selectable, so saving the record unchanged keeps it."""
    from .models import RuleSetVersion
    from .rulesets import active_rule_set

    try:
        ruleset = active_rule_set(authority).ruleset
    except RuleSetVersion.DoesNotExist:  # no rule set loaded yet: bands by number
        bands = [(number, f"Band {number}") for number in range(1, 21)]
    else:
        bands = [(band.number, band.label) for band in ruleset.bands]
    if kept is not None and kept not in {number for number, _ in bands}:
        bands.append((kept, f"Band numbered {kept} (not a band of the active scheme)"))
    return _blank_choice(blank, bands)


def _held_band_choices(authority, child):
    return band_choices(authority, getattr(child, "held_band", None))


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
    held_band = BandField(
        label="Funding band held (optional)",
        help_text="The top-up band the setting receives for the child now, under the authority's active banding scheme.",
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
        self.fields["held_band"].choices = _held_band_choices(authority, child)
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
    error shown in the error summary, and no list is shown: never one that looks filtered.

    The setting is typed, not picked from a select: a large authority's register has 900
    settings, too many for a select to be usable (or cheap to send). Without JavaScript it is a
    text field matched on the server (a URN, an exact name, or part of a name: every setting
    that matches); with JavaScript the field suggests names from the register as one types
    (``static/js/autocomplete.mjs``, accessible-autocomplete). The caseworker stays a select:
    its options are written in one pass (``FastSelect``)."""

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
    setting = forms.CharField(
        label="Setting",
        required=False,
        max_length=200,
        help_text="Its name, part of it, or its URN",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    caseworker = forms.ChoiceField(label="Caseworker", required=False, widget=FastSelect)
    review = forms.ChoiceField(
        label="Review date",
        required=False,
        choices=_blank_choice("Any", codes.REVIEW_WINDOWS),
    )

    NAMES = queries.FILTER_NAMES

    def __init__(self, *args, authority, caseworker_choices, suggestions_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.caseworker_choices = caseworker_choices
        self.suggestions_url = suggestions_url
        # A callable: the options are made only when the form is drawn (most requests take
        # its HTML from the cache) or a caseworker is chosen, not for every request.
        self.fields["caseworker"].choices = lambda: [
            ("", "Anyone"),
            ("me", "Allocated to me"),
            ("none", "Not allocated"),
            *caseworker_choices,
        ]
        if suggestions_url:
            self.fields["setting"].widget.attrs["data-app-autocomplete"] = suggestions_url

    def clean_setting(self) -> tuple[int, ...]:
        """The ids of the settings meant: ``()`` for any. A number is a URN (six digits) or,
        from older links, a setting's id."""
        text = " ".join(self.cleaned_data["setting"].split())
        if not text:
            return ()
        register = self.authority.settings_register
        urn = settings_urn(text)
        if urn:
            matches = register.filter(urn=urn)
        elif text.isascii() and text.isdigit() and int(text) <= LARGEST_ID:
            matches = register.filter(pk=int(text))
        else:
            matches = register.filter(name__iexact=text)
            if not matches.exists():
                matches = register.filter(name__icontains=text)
        ids = tuple(matches.order_by("pk").values_list("pk", flat=True)[:MAX_SETTINGS_MATCHED])
        if not ids:
            raise forms.ValidationError(
                "No setting in the register has that name or URN: check the spelling, or "
                "enter part of the name"
            )
        return ids

    def filters(self) -> dict | None:
        """The filters to apply: none when nothing was asked, ``None`` when the form has errors
        (the list must not be shown as if they were applied)."""
        if not self.is_bound:
            return {}
        return self.cleaned_data if self.is_valid() else None


def settings_urn(text: str) -> str:
    """The URN in what was typed: six digits alone, or at the end in brackets, as the
    suggestions show it ("Oakfield Primary School (123456)")."""
    match = re.fullmatch(r"(?:.*\()?\s*(\d{6})\s*\)?", text, flags=re.ASCII)
    return match.group(1) if match else ""


# A number typed in the setting filter is an id only if PostgreSQL's integer can hold it ('²'
# passes str.isdigit() but not int(); twenty digits pass int() but not the database).
LARGEST_ID = 2**31 - 1

# A filter by part of a name matches at most this many settings (the list says so).
MAX_SETTINGS_MATCHED = 200


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
    band = BandField(label="Funding band decided (optional)")
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
        """``rule_set``: the version the recommendation was worked out with; the decided band
        is one of its bands, offered by name."""
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [
            ("", "No band decided"),
            *[(band.number, band.label) for band in rule_set.ruleset.bands],
        ]
        self.fields["band"].help_text = f"The bands of {rule_set.name} {rule_set.version}"

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Explain the reason in a sentence or more")
        return reason


class RuleSetYamlForm(GovukForm):
    """The whole rule set as YAML: typed in, or uploaded as a file (which then wins). With
    ``left_out`` (framework domains the scheme does not score), the admin must tick each to
    confirm it before anything is saved. Without ``versioned`` (a new scheme) there is no row
    version to check."""

    row_version = VersionField()
    yaml_text = forms.CharField(
        label="Rules (YAML)",
        required=False,
        max_length=256 * 1024,
        error_messages={"max_length": "The rules must be shorter than 256 KB"},
        widget=forms.Textarea(attrs={"rows": 30, "class": "app-code", "spellcheck": "false"}),
        help_text=(
            "The downloadable template's notes explain each part, and every shipped rule set's "
            "page shows its whole YAML as a complete example. The rules are checked in full "
            "before anything is saved, and each problem is listed with where it is."
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

    def __init__(self, *args, left_out=None, versioned=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not versioned:
            del self.fields["row_version"]
        add_left_out_confirmation(self, left_out)

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


def add_left_out_confirmation(form, left_out) -> None:
    """A required set of checkboxes, one per framework domain the scheme leaves out."""
    if not left_out:
        return
    codes, names = left_out
    form.fields["confirm_left_out"] = forms.MultipleChoiceField(
        label="Confirm the needs this scheme does not score",
        help_text=(
            "Ratings in these domains of the needs framework will not count towards points, "
            "bands or tiers under this scheme. Tick each one to confirm that is what the "
            "scheme intends."
        ),
        choices=list(zip(codes, names, strict=True)),
        widget=GovukCheckboxes(),
        error_messages={"required": "Confirm each domain the scheme does not score"},
    )


class RuleSetActivateForm(GovukForm):
    """The version of the draft the admin looked at: activating a draft someone else has
    changed since would put rules nobody reviewed into use."""

    row_version = VersionField()


def confirmed_left_out(form) -> tuple[str, ...]:
    return tuple(form.cleaned_data.get("confirm_left_out") or ())


class RuleSetSchemeForm(GovukForm):
    """The guided editor: points per level, how money is published, and the bands with their
    names, ranges and amounts. Bands are rows ``band_<n>_…``; "Add a band" posts the form
    with one more empty row (no JavaScript needed), and ticking "Remove" drops a row."""

    MAX_BANDS = 40
    row_version = VersionField()
    band_count = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_BANDS)
    per = forms.ChoiceField(
        label="How are the amounts published?",
        choices=[("year", "Per year"), ("term", "Per term")],
        widget=GovukRadios(inline=True),
    )
    terms_per_year = forms.IntegerField(
        label="Terms a year (if per term)",
        required=False,
        min_value=1,
        max_value=12,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the terms a year as a whole number, like 3",
            "min_value": "Terms a year must be 1 or more",
            "max_value": "Terms a year must be 12 or fewer",
        },
    )

    def __init__(self, *args, band_count: int, hours: list[int], left_out=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hours = hours or [None]
        self.band_count = max(1, min(band_count, self.MAX_BANDS))
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
        for n in range(self.band_count):
            self._band_fields(n, whole)
        add_left_out_confirmation(self, left_out)

    def _band_fields(self, n: int, whole: dict) -> None:
        number = n + 1
        self.fields[f"band_{n}_name"] = forms.CharField(
            label=f"Band {number}: name",
            max_length=60,
            help_text="As the council publishes it, such as C4 or Band 3",
            widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            error_messages={"required": f"Enter a name for band {number}"},
        )
        self.fields[f"band_{n}_description"] = forms.CharField(
            label=f"Band {number}: description (optional)",
            required=False,
            max_length=120,
            help_text="Shown after the name: Band 3 – Targeted plus",
        )
        for end, label in (("min", "from"), ("max", "to")):
            self.fields[f"band_{n}_{end}"] = forms.IntegerField(
                label=f"Band {number}: points {label}",
                min_value=0,
                max_value=10_000_000,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}
                ),
                error_messages={
                    **whole,
                    "required": f"Enter the points band {number} runs {label}",
                    "max_value": "Enter 10,000,000 or less",
                },
            )
        self.fields[f"band_{n}_no_top_up"] = forms.BooleanField(
            label=f"Band {number} has no top-up (a band below the first funded band)",
            required=False,
        )
        for hours in self.hours:
            what = "amount" if hours is None else f"amount at {hours} hours a week"
            self.fields[self.amount_field(n, hours)] = forms.DecimalField(
                label=f"Band {number}: {what} (£)",
                required=False,
                min_value=0,
                max_value=10_000_000,
                decimal_places=2,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}
                ),
                error_messages={
                    "invalid": "Enter an amount in pounds and pence, like 1240 or 125.50",
                    "min_value": "The amount must not be negative",
                    "max_value": "Enter £10,000,000 or less",
                    "max_decimal_places": "Enter pounds and pence, with at most 2 decimal places",
                },
            )
        # The band's name when the page was made: a renamed band keeps its exceptions.
        self.fields[f"band_{n}_was"] = forms.CharField(
            required=False, max_length=60, widget=forms.HiddenInput
        )
        self.fields[f"band_{n}_remove"] = forms.BooleanField(
            label=f"Remove band {number}", required=False
        )

    @staticmethod
    def amount_field(n: int, hours) -> str:
        return f"band_{n}_amount" if hours is None else f"band_{n}_amount_{hours}"

    def clean(self):
        data = super().clean()
        if data.get("per") == "term" and not data.get("terms_per_year"):
            self.add_error("terms_per_year", "Enter how many terms a year, like 3")
        for n in range(self.band_count):
            if data.get(f"band_{n}_remove") or data.get(f"band_{n}_no_top_up"):
                continue
            for hours in self.hours:
                name = self.amount_field(n, hours)
                if data.get(name) is None and name not in self.errors:
                    self.add_error(
                        name,
                        f"Enter band {n + 1}'s amount, or tick that it has no top-up",
                    )
        if all(data.get(f"band_{n}_remove") for n in range(self.band_count)):
            self.add_error(None, "A scheme needs at least one band")
        return data

    def points(self):
        return [self.cleaned_data[f"points_{level}"] for level in range(5)]

    def bands(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "name": data[f"band_{n}_name"].strip(),
                "was": data.get(f"band_{n}_was") or data[f"band_{n}_name"].strip(),
                "description": (data.get(f"band_{n}_description") or "").strip(),
                "min_points": data[f"band_{n}_min"],
                "max_points": data[f"band_{n}_max"],
                "funded": not data.get(f"band_{n}_no_top_up"),
                "amounts": {hours: data.get(self.amount_field(n, hours)) for hours in self.hours},
            }
            for n in range(self.band_count)
            if not data.get(f"band_{n}_remove")
        ]

    def band_rows(self):
        """Per band: its fields in display order (for the template)."""
        return [
            [
                self[f"band_{n}_was"],
                self[f"band_{n}_name"],
                self[f"band_{n}_description"],
                self[f"band_{n}_min"],
                self[f"band_{n}_max"],
                *[self[self.amount_field(n, hours)] for hours in self.hours],
                self[f"band_{n}_no_top_up"],
                self[f"band_{n}_remove"],
            ]
            for n in range(self.band_count)
        ]


def scheme_initial(scheme: dict, row_version: int) -> dict:
    """The guided form's starting values from ``rulesets.scheme_of``."""
    initial = {
        "row_version": row_version,
        "band_count": len(scheme["bands"]),
        "per": scheme["per"],
        "terms_per_year": scheme["terms_per_year"],
    }
    initial.update({f"points_{level}": value for level, value in enumerate(scheme["points"])})
    for n, band in enumerate(scheme["bands"]):
        initial[f"band_{n}_name"] = band["name"]
        initial[f"band_{n}_was"] = band["name"]
        initial[f"band_{n}_description"] = band["description"]
        initial[f"band_{n}_min"] = band["min_points"]
        initial[f"band_{n}_max"] = band["max_points"]
        initial[f"band_{n}_no_top_up"] = not band["funded"]
        for hours, amount in band["amounts"].items():
            initial[RuleSetSchemeForm.amount_field(n, hours)] = amount
    return initial


class SchemeCheckForm(GovukForm):
    """A few profiles to try a scheme on (GET): a need level per domain, the type of setting
    and, optionally, the hours a week the child attends."""

    PROFILES = 3
    DEFAULT_AGE = 10

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = domains
        levels = [("", "0 – no additional need"), *[(str(n), str(n)) for n in range(1, 5)]]
        for p in range(self.PROFILES):
            for code, name in domains:
                self.fields[f"p{p}_{code}"] = forms.ChoiceField(
                    label=name, required=False, choices=levels
                )
            self.fields[f"p{p}_age"] = forms.IntegerField(
                label="Age in years (optional)",
                required=False,
                min_value=0,
                max_value=25,
                help_text="Some domains count only from an age, such as 14",
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}
                ),
                error_messages={
                    "invalid": "Enter the age as a whole number of years, like 9",
                    "min_value": "The age must be 0 or more",
                    "max_value": "The age must be 25 or less",
                },
            )
            self.fields[f"p{p}_setting_type"] = forms.ChoiceField(
                label="Type of setting",
                required=False,
                choices=_blank_choice("Not known", rule_codes.SETTING_TYPES),
            )
            self.fields[f"p{p}_hours"] = forms.DecimalField(
                label="Hours a week at the setting (optional)",
                required=False,
                min_value=0,
                max_value=168,
                decimal_places=1,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-3", "inputmode": "decimal"}
                ),
                error_messages={
                    "invalid": "Enter the hours a week as a number, like 30",
                    "min_value": "Hours a week must not be negative",
                    "max_value": "Hours a week must be 168 or fewer",
                },
            )

    def profiles(self) -> list[dict]:
        """Each profile with at least one need: levels, setting type and hours."""
        data = self.cleaned_data
        found = []
        for p in range(self.PROFILES):
            levels = {
                code: int(data[f"p{p}_{code}"])
                for code, _ in self.domains
                if data.get(f"p{p}_{code}")
            }
            if not levels:
                continue
            hours = data.get(f"p{p}_hours")
            age = data.get(f"p{p}_age")
            found.append(
                {
                    "number": p + 1,
                    "levels": levels,
                    "age": self.DEFAULT_AGE if age is None else age,
                    "setting_type": data.get(f"p{p}_setting_type") or None,
                    "hours": None if hours is None else float(hours),
                }
            )
        return found

    def rows(self):
        return [
            (
                p + 1,
                [self[f"p{p}_{code}"] for code, _ in self.domains],
                self[f"p{p}_age"],
                self[f"p{p}_setting_type"],
                self[f"p{p}_hours"],
            )
            for p in range(self.PROFILES)
        ]
