"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """A cap, so that hashing a multi-megabyte 'password' cannot tie up a web worker."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"Password must be {self.max_length} characters or fewer",
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password must be {self.max_length} characters or fewer."
