from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Children and needs profiles"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Child
        from .queries import forget_children_count

        # The children list keeps each authority's count in the cache (queries.children_count).
        post_save.connect(forget_children_count, sender=Child, dispatch_uid="children-count")
        post_delete.connect(forget_children_count, sender=Child, dispatch_uid="children-count-d")

        from .retention import register_rules

        register_rules()
