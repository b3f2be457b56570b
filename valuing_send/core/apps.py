from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "valuing_send.core"
    label = "core"
    verbose_name = "Service pages and shared parts"

    def ready(self):
        # Load the Celery app with Django, so that @shared_task binds to it, and send every
        # task through the outbox.
        from valuing_send import celery

        from . import outbox

        celery.use_outbox(outbox.enqueue_on_commit)
