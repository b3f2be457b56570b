from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "valuing_send.authorities"
    label = "authorities"
    verbose_name = "Authorities and users"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import (
            checks,  # noqa: F401 - registers the system checks
            choices,
        )
        from .models import Membership, Setting, User

        # The filter forms' lists kept in the cache (choices.py) are forgotten on any change.
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                choices.forget_caseworkers_of_membership,
                sender=Membership,
                dispatch_uid=f"choices-membership-{name}",
            )
            signal.connect(
                choices.forget_register_of_setting,
                sender=Setting,
                dispatch_uid=f"choices-setting-{name}",
            )
        post_save.connect(
            choices.forget_caseworkers_of_user, sender=User, dispatch_uid="choices-user-saved"
        )
