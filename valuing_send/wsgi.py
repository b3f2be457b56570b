import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuing_send.settings")
application = get_wsgi_application()


def _refuse_unsafe_production() -> None:
    """Gunicorn does not run Django's system checks: in production, run the ones that need the
    database (such as the published demo two-factor key) and refuse to serve on an error."""
    from django.conf import settings

    if not settings.PRODUCTION:
        return
    from django.core.checks import ERROR, run_checks
    from django.core.exceptions import ImproperlyConfigured

    errors = [
        message
        for message in run_checks(databases=["default"], include_deployment_checks=True)
        if message.level >= ERROR
    ]
    if errors:
        raise ImproperlyConfigured(
            "Refusing to start: " + "; ".join(f"{m.id}: {m.msg} {m.hint or ''}" for m in errors)
        )


_refuse_unsafe_production()
