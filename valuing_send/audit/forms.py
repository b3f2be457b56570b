from django import forms

from valuing_send.core.forms import GovukForm, GovukRadios

from .models import Action


class AuditSearchForm(GovukForm):
    """Search the authority's audit log by child and by person (GET)."""

    q = forms.CharField(
        label="Child",
        required=False,
        max_length=100,
        help_text="The start of their first or last name, their UPN, or their date of birth (DD/MM/YYYY).",
    )
    child = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )
    user = forms.TypedChoiceField(label="Person", required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(
        label="What they did",
        required=False,
        choices=[("", "Anything"), *Action.choices],
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Anyone"), *people]

    def chosen(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class ExportForm(GovukForm):
    reason = forms.CharField(
        label="Why are you exporting this child's information?",
        max_length=300,
        help_text="For example, the subject access request's reference and who asked. It is kept in the audit log.",
        error_messages={"required": "Enter why you are exporting this child's information"},
    )
    file_format = forms.ChoiceField(
        label="As",
        required=False,
        choices=[
            ("json", "A JSON file, for another system"),
            ("pdf", "A PDF document, to read or to send to the person who asked"),
        ],
        initial="json",
        widget=GovukRadios,
    )

    def wants_pdf(self) -> bool:
        return self.cleaned_data.get("file_format") == "pdf"
