"""Forms of the caseworker and panel pages. Markup comes from the one GOV.UK renderer."""

from django import forms
from django.utils import timezone

from assessments import codes as child_codes
from assessments.forms import band_choices
from valuing_send.authorities.models import Role
from valuing_send.core.forms import (
    BandField,
    GovukCheckboxes,
    GovukDateField,
    GovukForm,
    GovukRadios,
    LongSelect,
    VersionedFormMixin,
)

from . import clocks
from .codes import (
    KIND_SHORT_LABELS,
    SEN_SETTINGS,
    AdviceService,
    CaseKind,
    CaseStatus,
    ContributorRole,
    DecisionOutcome,
    DisputeAbout,
    DisputeKind,
    RequestSource,
    ReviewOutcome,
    Stage,
)
from .contributions import QUESTIONS
from .queries import DUE_BUCKETS, TRAY_SORTS

KIND_HINTS = {
    CaseKind.ASSESSMENT_REQUEST: "A parent, young person, setting or professional asks the "
    "authority to carry out an EHC needs assessment. The 6-week clock starts.",
    CaseKind.ISSUE_DECISION: "An assessment is under way and the panel will decide whether to "
    "issue a plan. The 16- and 20-week clocks run from the request.",
    CaseKind.PLACEMENT: "A setting or family asks for a placement or top-up funding. The "
    "child's current recommendation goes with it.",
    CaseKind.ANNUAL_REVIEW: "A plan's review: maintain, amend or cease. Due 12 months from the "
    "plan or last review (6 months for a child under 5).",
    CaseKind.CEASE: "A proposal to stop maintaining the plan.",
    CaseKind.PHASE_TRANSFER: "A move between phases: the amended plan is due by 15 February "
    "(31 March for a move into post-16).",
}


def _not_in_future(value, label):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return value


class TrayFilterForm(GovukForm):
    """The work tray's filters (GET). A value that is not on the list is an error shown in
    the error summary; the other filters still apply."""

    view = forms.ChoiceField(
        label="Cases",
        required=False,
        choices=[("mine", "My cases"), ("team", "Everyone's cases")],
        widget=GovukRadios(small=True),
    )
    kind = forms.ChoiceField(
        label="Kind of case",
        required=False,
        choices=[("", "Any kind"), *KIND_SHORT_LABELS.items()],
        error_messages={"invalid_choice": "Select a kind of case from the list"},
    )
    stage = forms.ChoiceField(
        label="Stage",
        required=False,
        choices=[("", "Any stage"), *Stage.choices],
        error_messages={"invalid_choice": "Select a stage from the list"},
    )
    caseworker = forms.ChoiceField(
        label="Caseworker",
        required=False,
        widget=LongSelect,
        error_messages={"invalid_choice": "Select a caseworker from the list"},
    )
    school = forms.TypedChoiceField(
        label="School or setting",
        required=False,
        coerce=int,
        empty_value=None,
        widget=LongSelect,
        error_messages={"invalid_choice": "Select a school or setting from the list"},
    )
    due = forms.ChoiceField(
        label="Deadline",
        required=False,
        choices=[
            ("", "Any"),
            ("overdue", "Overdue"),
            ("this_week", "Due this week"),
            ("later", "Due later"),
            ("none", "No statutory deadline running"),
        ],
        error_messages={"invalid_choice": "Select a deadline from the list"},
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in TRAY_SORTS],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Sort the cases by a column of the table"},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "The page number must be a whole number",
            "min_value": "The page number must be 1 or more",
        },
    )

    def __init__(self, *args, caseworker_choices, school_choices, **kwargs):
        super().__init__(*args, **kwargs)
        # Callables: the options (every setting of the register: 900 in a county) are made
        # only when the form is drawn (most requests take its HTML from the cache) or one is
        # chosen, not for every request.
        self.fields["caseworker"].choices = lambda: [
            ("", "Anyone"),
            ("none", "Not allocated"),
            *[(str(pk), name) for pk, name in caseworker_choices],
        ]
        self.fields["school"].choices = lambda: [("", "Any school or setting"), *school_choices]
        assert set(DUE_BUCKETS) <= {value for value, _ in self.fields["due"].choices}

    def filters(self, *, default_view: str) -> dict:
        self.is_valid()
        values = {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if name not in self.errors and self.cleaned_data.get(name) not in (None, "")
        }
        values.setdefault("view", default_view)
        values.setdefault("sort", "due")
        values.setdefault("page", 1)
        return values


class KindForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of case is it?",
        choices=CaseKind.choices,
        widget=GovukRadios(choice_hints=KIND_HINTS),
        error_messages={
            "required": "Select the kind of case",
            "invalid_choice": "Select a kind of case from the list",
        },
    )
    page_heading_field = "kind"


class CaseOpenForm(GovukForm):
    """The first facts of a new case; the fields shown depend on its kind."""

    FIELDS_BY_KIND = {
        CaseKind.ASSESSMENT_REQUEST: ("received_date", "request_source", "rya", "summary"),
        CaseKind.ISSUE_DECISION: ("received_date", "request_source", "summary"),
        CaseKind.PLACEMENT: (
            "received_date",
            "setting",
            "requested_band",
            "requested_top_up",
            "summary",
        ),
        CaseKind.ANNUAL_REVIEW: ("review_since", "summary"),
        CaseKind.CEASE: ("received_date", "cease_reason", "summary"),
        CaseKind.PHASE_TRANSFER: ("transfer_year", "into_post16", "setting", "summary"),
    }

    received_date = GovukDateField(
        label="Date the request was received",
        help_text="The statutory clocks run from this date. For example, 27 3 2026",
    )
    request_source = forms.ChoiceField(
        label="Who made the request?",
        choices=RequestSource.choices,
        widget=GovukRadios(),
        error_messages={"required": "Select who made the request"},
    )
    rya = forms.BooleanField(
        label="The child or young person was in relevant youth accommodation when the request "
        "was made",
        required=False,
    )
    setting = forms.TypedChoiceField(
        label="School or setting asked for", coerce=int, required=False, empty_value=None
    )
    # Bands of the authority's active scheme, offered by name (see __init__).
    requested_band = BandField(label="Funding band asked for (optional)")
    requested_top_up = forms.IntegerField(
        label="Top-up asked for, in pounds a year (optional)",
        required=False,
        min_value=0,
        max_value=500_000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={
            "invalid": "The top-up must be a whole number of pounds, like 6500",
            "min_value": "The top-up must be 0 or more",
            "max_value": "The top-up must be £500,000 or less",
        },
    )
    review_since = GovukDateField(
        label="Date of the plan or the last review",
        help_text="The next review is due 12 months from this date (6 for a child under 5).",
    )
    cease_reason = forms.ChoiceField(
        label="Why is ceasing the plan proposed?",
        choices=child_codes.CEASE_REASONS,
        widget=GovukRadios(),
        error_messages={"required": "Select why ceasing the plan is proposed"},
    )
    transfer_year = forms.IntegerField(
        label="Year of the move",
        min_value=2000,
        max_value=2100,
        help_text="The calendar year the child moves to the new setting, for example 2027.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the year of the move",
            "invalid": "The year of the move must be a year, like 2027",
            "min_value": "The year of the move must be 2000 or later",
            "max_value": "The year of the move must be 2100 or earlier",
        },
    )
    into_post16 = forms.BooleanField(
        label="The move is from school into a post-16 institution (the plan is due by 31 March)",
        required=False,
    )
    summary = forms.CharField(
        label="What is being asked (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In a sentence or two. Do not include names: the case reference is used in "
        "emails.",
    )

    def __init__(self, *args, kind, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in list(self.fields):
            if name not in self.FIELDS_BY_KIND[kind]:
                del self.fields[name]
        if kind != CaseKind.ASSESSMENT_REQUEST and "received_date" in self.fields:
            self.fields["received_date"].label = {
                CaseKind.ISSUE_DECISION: "Date the request for the assessment was received",
                CaseKind.PLACEMENT: "Date the request was received",
                CaseKind.CEASE: "Date ceasing was proposed",
            }[kind]
        if "setting" in self.fields:
            self.fields["setting"].choices = [
                ("", "None named yet"),
                *authority.settings_register.active().order_by("name").values_list("pk", "name"),
            ]
        if "requested_band" in self.fields:
            self.fields["requested_band"].choices = band_choices(authority, blank="None asked for")

    def clean_received_date(self):
        return _not_in_future(self.cleaned_data["received_date"], "The date")

    def clean_review_since(self):
        return _not_in_future(self.cleaned_data["review_since"], "The date")


DATE_FIELDS_BY_KIND = {
    CaseKind.ASSESSMENT_REQUEST: ("received_date", "request_source", "rya", "exported"),
    CaseKind.ISSUE_DECISION: (
        "received_date",
        "draft_plan_date",
        "draft_comments_date",
        "final_plan_date",
        "setting",
        "sen_setting",
        "exported",
    ),
    CaseKind.PLACEMENT: ("received_date", "setting", "requested_band", "requested_top_up"),
    CaseKind.ANNUAL_REVIEW: (
        "review_since",
        "review_meeting_date",
        "review_papers_date",
        "review_decision_date",
        "amendments_date",
        "amended_plan_date",
    ),
    CaseKind.CEASE: ("received_date", "cease_reason", "cease_date"),
    CaseKind.PHASE_TRANSFER: ("transfer_year", "into_post16", "setting", "amended_plan_date"),
}


class CaseDatesForm(VersionedFormMixin):
    """Dates and outcomes recorded on a case, with the version the caseworker started from."""

    received_date = GovukDateField(label="Date the request was received", required=False)
    request_source = forms.ChoiceField(
        label="Who made the request", choices=RequestSource.choices, widget=GovukRadios()
    )
    rya = forms.BooleanField(
        label="Request made while in relevant youth accommodation", required=False
    )
    exported = forms.BooleanField(
        label="Moved out of the authority before the assessment was completed", required=False
    )
    draft_plan_date = GovukDateField(label="Date the draft plan was sent", required=False)
    draft_comments_date = GovukDateField(
        label="Date the family's comments on the draft were received", required=False
    )
    final_plan_date = GovukDateField(label="Date the final plan was issued", required=False)
    setting = forms.TypedChoiceField(
        label="School or setting named", coerce=int, required=False, empty_value=None
    )
    sen_setting = forms.ChoiceField(
        label="Or another arrangement",
        choices=[("", "Not applicable"), *SEN_SETTINGS],
        required=False,
    )
    requested_band = CaseOpenForm.base_fields["requested_band"]
    requested_top_up = CaseOpenForm.base_fields["requested_top_up"]
    review_since = GovukDateField(label="Date of the plan or the last review", required=False)
    review_meeting_date = GovukDateField(label="Date of the review meeting", required=False)
    review_papers_date = GovukDateField(label="Date the review papers were sent", required=False)
    review_decision_date = GovukDateField(label="Date the review decision was sent", required=False)
    amendments_date = GovukDateField(label="Date the proposed amendments were sent", required=False)
    amended_plan_date = GovukDateField(label="Date the amended plan was issued", required=False)
    cease_reason = forms.ChoiceField(
        label="Reason", choices=[("", "Not recorded"), *child_codes.CEASE_REASONS], required=False
    )
    cease_date = GovukDateField(label="Date the plan ceased", required=False)
    transfer_year = CaseOpenForm.base_fields["transfer_year"]
    into_post16 = CaseOpenForm.base_fields["into_post16"]

    PAST_DATES = (
        "received_date",
        "draft_plan_date",
        "draft_comments_date",
        "final_plan_date",
        "review_since",
        "review_papers_date",
        "review_decision_date",
        "amendments_date",
        "amended_plan_date",
        "cease_date",
    )

    def __init__(self, *args, case, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        keep = {*DATE_FIELDS_BY_KIND[case.kind], "version"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "setting" in self.fields:
            self.fields["setting"].choices = [
                ("", "None named"),
                *authority.settings_register.active().order_by("name").values_list("pk", "name"),
            ]
        if "requested_band" in self.fields:
            self.fields["requested_band"].choices = band_choices(
                authority, case.requested_band, blank="None asked for"
            )

    def clean(self):
        data = super().clean()
        for name in self.PAST_DATES:
            if data.get(name) and data[name] > timezone.localdate():
                self.add_error(name, f"{self.fields[name].label} must be today or in the past")
        received = data.get("received_date") or self.case.received_date
        for name in ("draft_plan_date", "final_plan_date", "draft_comments_date"):
            if data.get(name) and received and data[name] < received:
                self.add_error(
                    name, f"{self.fields[name].label} must be on or after the date of the request"
                )
        draft, final = data.get("draft_plan_date"), data.get("final_plan_date")
        if final and not draft and "draft_plan_date" in self.fields:
            self.add_error("draft_plan_date", "Enter the date the draft plan was sent")
        if draft and final and final < draft:
            self.add_error(
                "final_plan_date", "The final plan must be issued on or after the draft plan"
            )
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class MoveForm(VersionedFormMixin):
    """Move a case on (not a panel decision): the reason where the move needs one, and the
    date where the move records one."""

    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on = GovukDateField(label="Date", required=False)

    DATE_OF_MOVE = {
        CaseStatus.DRAFT_SENT: ("draft_plan_date", "Date the draft plan was sent"),
        CaseStatus.PLAN_ISSUED: ("final_plan_date", "Date the final plan was issued"),
        CaseStatus.REVIEW_HELD: ("review_meeting_date", "Date of the review meeting"),
        CaseStatus.REVIEW_AMENDED: ("amended_plan_date", "Date the amended plan was issued"),
        CaseStatus.TRANSFER_AMENDED: ("amended_plan_date", "Date the amended plan was issued"),
    }

    def __init__(self, *args, move, **kwargs):
        super().__init__(*args, **kwargs)
        self.move = move
        if move.needs_reason:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "Give the reason"
        else:
            self.fields["reason"].label = "Note (optional)"
        dated = self.DATE_OF_MOVE.get(move.target)
        if dated:
            self.fields["on"].label = dated[1]
            self.fields["on"].required = True
            self.fields["on"].error_messages["required_date"] = f"Enter the {dated[1].lower()}"
            self.initial.setdefault("on", timezone.localdate())
        else:
            del self.fields["on"]

    def clean_on(self):
        return _not_in_future(self.cleaned_data.get("on"), "The date")

    def changes(self) -> dict:
        dated = self.DATE_OF_MOVE.get(self.move.target)
        return {dated[0]: self.cleaned_data["on"]} if dated else {}


EXCEPTION_CLOCKS_BY_KIND = {
    CaseKind.ASSESSMENT_REQUEST: (clocks.Clock.DECIDE_TO_ASSESS,),
    CaseKind.ISSUE_DECISION: (
        clocks.Clock.ADVICE,
        clocks.Clock.NOTICE_NOT_TO_ISSUE,
        clocks.Clock.FINAL_PLAN,
    ),
}


class ExceptionForm(GovukForm):
    clock = forms.ChoiceField(
        label="Which time limit does it affect?",
        widget=GovukRadios(),
        error_messages={"required": "Select the time limit it affects"},
    )
    reason = forms.ChoiceField(
        label="Why was the time limit impractical to meet?",
        choices=[(r.value, label) for r, label in clocks.EXCEPTION_REASONS.items()],
        widget=GovukRadios(),
        error_messages={"required": "Select why the time limit was impractical to meet"},
    )
    subject = forms.ChoiceField(
        label="Whose advice (for the advice time limit)",
        choices=[("", "All advice"), *AdviceService.choices],
        required=False,
    )
    recorded_on = GovukDateField(label="Date recorded")
    note = forms.CharField(
        label="What happened",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The dates and facts, without naming anyone but the child's family role.",
        error_messages={"required": "Describe what happened"},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["clock"].choices = [
            (c.value, clocks.RULES[c].label) for c in EXCEPTION_CLOCKS_BY_KIND.get(case.kind, ())
        ]
        self.initial.setdefault("recorded_on", timezone.localdate())

    def clean_recorded_on(self):
        return _not_in_future(self.cleaned_data["recorded_on"], "The date recorded")

    def clean(self):
        data = super().clean()
        if data.get("clock") and data.get("reason"):
            clock = clocks.Clock(data["clock"])
            if clocks.ExceptionReason(data["reason"]) not in clocks.RULES[clock].exceptions:
                self.add_error(
                    "reason",
                    f"The Regulations allow no exception for this reason to "
                    f"“{clocks.RULES[clock].label.lower()}”",
                )
        return data


class AdviceRequestForm(GovukForm):
    service = forms.ChoiceField(
        label="Whose advice is being asked for?",
        choices=AdviceService.choices,
        widget=GovukRadios(),
        error_messages={"required": "Select whose advice is being asked for"},
    )
    asked_on = GovukDateField(label="Date advice was asked for")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("asked_on", timezone.localdate())

    def clean_asked_on(self):
        return _not_in_future(self.cleaned_data["asked_on"], "The date advice was asked for")


class AdviceReceivedForm(GovukForm):
    received_on = GovukDateField(label="Date the advice was received")

    def __init__(self, *args, advice, **kwargs):
        super().__init__(*args, **kwargs)
        self.advice = advice
        self.initial.setdefault("received_on", timezone.localdate())

    def clean_received_on(self):
        value = _not_in_future(self.cleaned_data["received_on"], "The date")
        if value and value < self.advice.asked_on:
            raise forms.ValidationError("The advice must be received on or after it was asked for")
        return value


class DisputeForm(GovukForm):
    kind = forms.ChoiceField(
        label="Mediation or tribunal appeal?",
        choices=DisputeKind.choices,
        widget=GovukRadios(inline=True),
        error_messages={"required": "Select mediation or tribunal appeal"},
    )
    about = forms.ChoiceField(
        label="What is it about?",
        choices=DisputeAbout.choices,
        widget=GovukRadios(),
        error_messages={"required": "Select what it is about"},
    )
    started_on = GovukDateField(label="Date it started")
    after_mediation = forms.BooleanField(label="The appeal followed mediation", required=False)
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_started_on(self):
        return _not_in_future(self.cleaned_data["started_on"], "The date it started")


class DecisionForm(VersionedFormMixin):
    """The panel's decision on a case: the outcome, mandatory reasons, who was there."""

    outcome = forms.ChoiceField(
        label="What did the panel decide?",
        choices=DecisionOutcome.choices,
        widget=GovukRadios(),
        error_messages={"required": "Select what the panel decided"},
    )
    review_outcome = forms.ChoiceField(
        label="What happens to the plan?",
        choices=ReviewOutcome.choices,
        widget=GovukRadios(),
        required=False,
    )
    agreed_band = CaseOpenForm.base_fields["requested_band"]
    agreed_top_up = CaseOpenForm.base_fields["requested_top_up"]
    reasons = forms.CharField(
        label="Reasons for the decision",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="These go in the letter to the family. Explain the decision in plain English, "
        "with the evidence it rests on.",
        error_messages={"required": "Give the reasons for the decision"},
    )
    members_present = forms.TypedMultipleChoiceField(
        label="Panel members present",
        coerce=int,
        required=False,
        widget=GovukCheckboxes(),
    )

    def __init__(self, *args, case, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        outcomes = dict(DecisionOutcome.choices)
        if case.kind == CaseKind.ANNUAL_REVIEW:
            outcomes.pop(DecisionOutcome.DECLINE)
            outcomes[DecisionOutcome.AGREE] = "Decide the review's outcome"
        elif case.kind == CaseKind.PHASE_TRANSFER:
            outcomes.pop(DecisionOutcome.DECLINE)
            outcomes[DecisionOutcome.AGREE] = "Agree the setting to name"
        self.fields["outcome"].choices = list(outcomes.items())
        if case.kind != CaseKind.ANNUAL_REVIEW:
            del self.fields["review_outcome"]
        if case.kind != CaseKind.PLACEMENT:
            del self.fields["agreed_band"], self.fields["agreed_top_up"]
        else:
            self.fields["agreed_band"].label = "Funding band agreed (optional)"
            self.fields["agreed_band"].choices = band_choices(authority, blank="None agreed")
            self.fields["agreed_top_up"].label = "Top-up agreed, in pounds a year (optional)"
        members = (
            authority.memberships.active()
            .filter(role__in=(Role.PANEL_MEMBER, Role.MANAGER))
            .order_by("user__full_name")
            .values_list("user_id", "user__full_name")
        )
        self.fields["members_present"].choices = list(members)

    def clean(self):
        data = super().clean()
        if (
            "review_outcome" in self.fields
            and data.get("outcome") == DecisionOutcome.AGREE
            and not data.get("review_outcome")
        ):
            self.add_error("review_outcome", "Select whether to maintain, amend or cease the plan")
        return data


class PeriodForm(GovukForm):
    """The period a report covers (GET)."""

    start = GovukDateField(label="From", required=False)
    end = GovukDateField(label="To", required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be on or after its start")
        return data


def _members_choices(authority):
    return list(
        authority.memberships.active()
        .filter(role__in=(Role.PANEL_MEMBER, Role.MANAGER))
        .order_by("user__full_name")
        .values_list("user_id", "user__full_name")
    )


class PanelForm(VersionedFormMixin):
    """A panel's name and members, with the version the admin started from (a new panel has
    none to check)."""

    name = forms.CharField(label="Name of the panel", max_length=150)
    members = forms.TypedMultipleChoiceField(
        label="Members",
        coerce=int,
        widget=GovukCheckboxes(),
        help_text="Panel members and managers of the authority.",
        error_messages={"required": "Select the panel's members"},
    )
    chair = forms.TypedChoiceField(
        label="Chair (optional)", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, authority, panel=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority, self.panel = authority, panel
        self.fields["version"].required = panel is not None
        choices = _members_choices(authority)
        self.fields["members"].choices = choices
        self.fields["chair"].choices = [("", "No chair named"), *choices]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = self.authority.panels.filter(name__iexact=name)
        if self.panel is not None:
            others = others.exclude(pk=self.panel.pk)
        if others.exists():
            raise forms.ValidationError("There is already a panel with this name")
        return name

    def clean(self):
        data = super().clean()
        if data.get("chair") and data["chair"] not in (data.get("members") or []):
            self.add_error("chair", "The chair must be one of the members")
        return data


class MeetingForm(GovukForm):
    panel = forms.TypedChoiceField(
        label="Panel", coerce=int, error_messages={"required": "Select the panel"}
    )
    date = GovukDateField(label="Date of the meeting")
    time = forms.TimeField(
        label="Start time",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        help_text="In 24-hour time, for example 10:00 or 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter the start time in 24-hour time, like 10:00"},
    )
    location = forms.CharField(
        label="Where (optional)",
        required=False,
        max_length=200,
        help_text="A room, an online link or both",
    )
    cases = forms.TypedMultipleChoiceField(
        label="Cases on the agenda",
        coerce=int,
        required=False,
        widget=GovukCheckboxes(),
        help_text="Cases ready for panel and not on another planned meeting's agenda.",
    )

    def __init__(self, *args, authority, ready_cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].choices = [
            ("", "Choose a panel"),
            *authority.panels.filter(is_active=True).values_list("pk", "name"),
        ]
        self.fields["cases"].choices = [
            (c.pk, f"{c.reference}: {c.child.full_name}, {c.kind_short.lower()}")
            for c in ready_cases
        ]

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and day < timezone.localdate():
            raise forms.ValidationError("The date of the meeting must be today or in the future")
        return day


class AttendanceForm(VersionedFormMixin):
    """Who is present, with the version of the meeting the page showed: two members recording
    attendance at once must not silently undo each other's ticks."""

    present = forms.TypedMultipleChoiceField(
        label="Who is at the meeting?",
        coerce=int,
        required=False,
        widget=GovukCheckboxes(),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(u.pk, u.full_name) for u in members]


class ConflictForm(GovukForm):
    member = forms.TypedChoiceField(
        label="Who has a conflict of interest?",
        coerce=int,
        widget=GovukRadios(),
        error_messages={"required": "Select who has a conflict of interest"},
    )
    cases = forms.TypedMultipleChoiceField(
        label="In which cases?",
        coerce=int,
        widget=GovukCheckboxes(),
        error_messages={"required": "Select the cases the conflict concerns"},
    )
    note = forms.CharField(
        label="What is the conflict?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: knows the family; works at the school named.",
        error_messages={"required": "Say what the conflict is"},
    )

    def __init__(self, *args, members, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(u.pk, u.full_name) for u in members]
        self.fields["cases"].choices = [
            (item.case.pk, f"{item.case.reference}: {item.case.child.full_name}") for item in agenda
        ]


class ContributionForm(GovukForm):
    """A view entered by staff on someone's behalf (the assisted route): who gave it, their
    view of each need, and the questions asked of their role (``panels.contributions``)."""

    contributor_name = forms.CharField(
        label="Who gave this view?",
        max_length=150,
        help_text="Their name, or their role if they would rather not be named.",
    )
    service = forms.ChoiceField(
        label="Which service?",
        choices=AdviceService.choices,
        widget=GovukRadios(),
        error_messages={"required": "Select the service"},
    )
    text = forms.CharField(
        label="Anything else they want the panel to know (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, role, domains, level_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.role, self.domains = role, list(domains)
        if role != ContributorRole.PROFESSIONAL:
            del self.fields["service"]
        level_choices = [
            ("", "No view given"),
            *((str(n), f"{n}: {name}") for n, name in enumerate(level_names)),
        ]
        for domain in self.domains:
            self.fields[f"{domain.code}__level"] = forms.TypedChoiceField(
                label=f"{domain.name}: how much need do they see?",
                choices=level_choices,
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"{domain.code}__why"] = forms.CharField(
                label=f"{domain.name}: why (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for key, label, hint in QUESTIONS[role]:
            self.fields[key] = forms.CharField(
                label=label,
                help_text=hint,
                required="(optional)" not in label,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def domain_fields(self):
        return [(d, self[f"{d.code}__level"], self[f"{d.code}__why"]) for d in self.domains]

    def question_fields(self):
        return [self[key] for key, _, _ in QUESTIONS[self.role]]

    def answers(self) -> dict:
        data = self.cleaned_data
        domains = {}
        for domain in self.domains:
            level, why = data.get(f"{domain.code}__level"), data.get(f"{domain.code}__why", "")
            if level is not None or why:
                domains[domain.code] = {"level": level, "why": why}
        answers = {"domains": domains}
        for key, _, _ in QUESTIONS[self.role]:
            answers[key] = data.get(key, "")
        return answers


class InvitationForm(GovukForm):
    role = forms.ChoiceField(
        label="Who are you inviting?",
        choices=ContributorRole.choices,
        widget=GovukRadios(),
        error_messages={"required": "Select who you are inviting"},
    )
    service = forms.ChoiceField(
        label="For a professional: which service? (optional)",
        choices=[("", "Not a professional"), *AdviceService.choices],
        required=False,
    )
    recipient_name = forms.CharField(label="Their name", max_length=150)
    email = forms.EmailField(label="Their email address")

    def clean(self):
        data = super().clean()
        if data.get("role") == ContributorRole.PROFESSIONAL and not data.get("service"):
            self.add_error("service", "Select the professional's service")
        return data


# Easy-read answers for children and young people, 0 to 4 on the framework's scale.
EASY_READ_LEVELS = [
    (0, "I do not need help with this"),
    (1, "I need a little help"),
    (2, "I need some help"),
    (3, "I need a lot of help"),
    (4, "I need help all the time"),
]
PLAIN_LEVELS = [
    (0, "No extra help needed"),
    (1, "The help every school gives meets this need"),
    (2, "Needs some extra, planned help"),
    (3, "Significant needs, with specialist advice and support"),
    (4, "Severe and complex needs, with a high level of specialist help"),
]


class NeedViewForm(GovukForm):
    """One need, as the person with the link sees it."""

    level = forms.TypedChoiceField(
        coerce=int, widget=GovukRadios(), error_messages={"required": "Select an answer"}
    )
    why = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, domain, easy_read=False, **kwargs):
        super().__init__(*args, **kwargs)
        name = domain.name.lower()
        if easy_read:
            self.fields["level"].label = f"How much help do you need with {name}?"
            self.fields["level"].choices = EASY_READ_LEVELS
            self.fields["why"].label = "Tell us more (you do not have to)"
        else:
            self.fields["level"].label = f"How much need do you see in {name}?"
            self.fields["level"].choices = PLAIN_LEVELS
            self.fields["why"].label = "If you see it differently, why? (optional)"
        self.error_nouns = {"level": "an answer"}


class AboutForm(GovukForm):
    """The role's own questions (``panels.contributions.QUESTIONS``) and anything else."""

    text = forms.CharField(
        label="Is there anything else you want the panel to know? (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        for key, label, hint in QUESTIONS[role]:
            self.fields[key] = forms.CharField(
                label=label,
                help_text=hint,
                required="(optional)" not in label,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.order_fields([key for key, _, _ in QUESTIONS[role]] + ["text"])
