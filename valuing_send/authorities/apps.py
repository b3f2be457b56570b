from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "valuing_send.authorities"
    label = "authorities"
    verbose_name = "Authorities and users"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
