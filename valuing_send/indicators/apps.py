from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "valuing_send.indicators"
    label = "indicators"
    verbose_name = "Indicators and benchmarks"

    def ready(self):
        # Changes to children, profiles and recommendations queue a (debounced) recompute of
        # the authority's snapshots; the lower layers never import this app.
        from . import signals  # noqa: F401
