from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.validators import MaxLengthValidator

from valuing_send.celery import enqueue_on_commit
from valuing_send.core.forms import GovukForm, GovukFormMixin, GovukRadios, VersionedFormMixin

from .models import ROLE_DESCRIPTIONS, Role, User

EMAIL_MAX_LENGTH = 254


def role_field(label="Role"):
    return forms.ChoiceField(
        label=label,
        choices=Role.choices,
        widget=GovukRadios(
            choice_hints={role.value: text for role, text in ROLE_DESCRIPTIONS.items()}
        ),
        error_messages={
            "required": "Select a role",
            "invalid_choice": "Select a role from the list",
        },
    )


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been deactivated. Ask your authority admin for access",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["username"].widget.attrs.pop("autofocus", None)
        # Django's AuthenticationForm only sets the field's max_length attribute after the
        # field is built, which adds no validator: a longer "email address" went on to
        # authenticate(), and django-axes failed to record the failed attempt in its 255-character
        # column (a 500). An email address is at most 254 characters (RFC 5321).
        self.fields["username"].validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
        self.fields["password"].error_messages["required"] = "Enter your password"


class CodeForm(GovukForm):
    """The second step of sign-in: a code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Security code",
        max_length=40,
        help_text="The 6-digit code your authenticator app shows now.",
        error_messages={
            "required": "Enter the security code from your authenticator app",
            "max_length": "Enter the 6-digit security code from your authenticator app",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )


class AddUserForm(GovukForm):
    error_nouns = {"full_name": "the person's full name"}

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter the person's full name",
            "max_length": "Full name must be 150 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        help_text="Their work email address. They will get an email to set a password.",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = role_field()


class ChangeRoleForm(VersionedFormMixin):
    role = role_field("Role")


class MembershipStatusForm(VersionedFormMixin):
    """The version only: activation and deactivation are buttons."""


class GovukPasswordResetForm(GovukFormMixin, PasswordResetForm):
    """Sends the reset email through the task queue instead of during the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages = {
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        }

    def save(self, *args, **kwargs):
        from .tasks import send_password_reset_email

        for user in User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True):
            enqueue_on_commit(send_password_reset_email, user.pk)


class GovukSetPasswordForm(GovukFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters, not a common password and not all numbers."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
