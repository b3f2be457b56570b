"""The Valuing SEND Django project. Kept free of imports: ``valuing_send.codes`` is pure data
that the rules module uses, so importing this package must not start Django or Celery (the
Celery app is loaded by ``valuing_send.core.apps.CoreConfig.ready``; ``celery -A valuing_send``
finds ``valuing_send.celery`` by itself)."""
