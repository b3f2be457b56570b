from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panel cases, views, meetings and decisions"

    def ready(self):
        # The demo data generator (assessments) knows nothing of panels: panels adds its
        # step, so the generated authority has panel cases at every stage.
        from assessments.demo_data import pipeline

        from .demo_data import panel_cases

        if panel_cases not in pipeline.AFTER_WRITE:
            pipeline.AFTER_WRITE.append(panel_cases)
