from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "valuing_send.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from . import receivers, registry

        registry.track_defaults()
        receivers.connect()
