from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "valuing_send.core"
    label = "core"
    verbose_name = "Service pages and shared parts"
