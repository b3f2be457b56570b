from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from valuing_send.authorities.permissions import can
from valuing_send.authorities.tenancy import current_membership, memberships_for

# Service navigation: (label, url name, action the role needs). Shown only where allowed.
NAVIGATION = [
    ("Home", "home", None),
    ("Children", "child-list", "child.view"),
    ("Cases", "case-tray", "panelcase.view"),
    ("Meetings", "meeting-list", "meeting.view"),
    ("Consistency", "case-consistency", "consistency.view"),
    ("Settings register", "setting-list", "setting.view"),
    ("Needs framework", "framework", "framework.view"),
    ("Rule sets", "ruleset-list", "ruleset.view"),
    ("Panels", "panel-list", "panel.manage"),
    ("Indicators", "indicator-dashboard", "indicators.view"),
    ("National comparison", "national-table", "indicators.national"),
    ("Users", "users", "user.manage"),
    ("Audit log", "audit-search", "audit.view"),
    ("System status", "system-status", "system.status"),
]


@cache
def _navigation_urls(urlconf: str, script_prefix: str) -> tuple[tuple[str, str, str | None], ...]:
    """(label, url, action) of every navigation item: reversed once per URLconf and prefix, not
    on every page (fourteen ``reverse`` calls were about half a millisecond a request)."""
    return tuple((label, reverse(url_name), action) for label, url_name, action in NAVIGATION)


def service(request):
    membership = current_membership(request) if request.user.is_authenticated else None
    navigation = []
    if membership is not None:
        path = request.path
        urls = _navigation_urls(settings.ROOT_URLCONF, get_script_prefix())
        for label, url, action in urls:
            if action is None or can(membership, action):
                current = path == url or (url != "/" and path.startswith(url))
                navigation.append({"label": label, "url": url, "current": current})
    return {
        "service_name": settings.SERVICE_NAME,
        "service_contact_email": settings.SERVICE_CONTACT_EMAIL,
        "membership": membership,
        "can_switch_authority": len(memberships_for(request)) > 1,
        "service_navigation": navigation,
    }
