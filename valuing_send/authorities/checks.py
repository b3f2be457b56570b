"""System checks for sign-in. ``manage.py migrate`` and ``manage.py check --database default``
run them, and the production WSGI application runs them before serving (``wsgi.py``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, Tags.database)
def demo_totp_key_not_in_production(app_configs=None, databases=None, **kwargs):
    """The demo key is published in the README: in production it would let anyone past the
    second factor of whoever has it."""
    if not settings.PRODUCTION or not databases:
        return []
    from .two_factor import demo_key_in_use

    try:
        in_use = demo_key_in_use()
    except DatabaseError:  # not migrated yet: nothing can use the key
        return []
    if not in_use:
        return []
    return [
        Error(
            "Some accounts use the published demo two-factor key.",
            hint="This database was set up with `manage.py setup_demo`. Reset two-factor sign-in "
            "for those accounts (or use a database without demo users) before running in production.",
            id="authorities.E001",
        )
    ]
