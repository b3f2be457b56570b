"""One way to reach case data: through the signed-in user's current authority.

Views are decorated with ``@requires("action")``, which signs the user in, resolves their
current membership (``request.membership``, ``request.authority``) and checks the permission
catalogue. Objects are then fetched through the authority, e.g.
``get_or_404(request.authority.children, pk=pk)``: another authority's object is a 404.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from .models import Membership
from .permissions import can

SESSION_KEY = "authority_id"


def memberships_for(request) -> list[Membership]:
    """The user's active memberships, fetched once per request."""
    if not hasattr(request, "_memberships"):
        if request.user.is_authenticated:
            request._memberships = list(
                Membership.objects.active()
                .filter(user=request.user)
                .select_related("authority")
                .order_by("authority__name")
            )
        else:
            request._memberships = []
    return request._memberships


def current_membership(request) -> Membership | None:
    """The membership for the authority the user is working in, or None if they must choose.
    Resolved once per request: views (``@requires``), the context processor and the home page
    all ask this."""
    if not hasattr(request, "_current_membership"):
        request._current_membership = _resolve_membership(request)
    return request._current_membership


def _resolve_membership(request) -> Membership | None:
    memberships = memberships_for(request)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    for membership in memberships:
        if membership.authority_id == chosen:
            return membership
    if len(memberships) == 1:
        request.session[SESSION_KEY] = memberships[0].authority_id
        return memberships[0]
    return None


def choose_authority(request, authority_id: int) -> Membership:
    for membership in memberships_for(request):
        if membership.authority_id == authority_id:
            request.session[SESSION_KEY] = authority_id
            request._current_membership = membership
            return membership
    raise Http404("No such authority for this user")


def requires(action: str):
    """Decorator for views: signed in, working in an authority, and allowed to do ``action``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = current_membership(request)
            if membership is None:
                if memberships_for(request):
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('choose-authority')}?{query}")
                return render(request, "core/no_access.html", status=403)
            if not can(membership, action):
                raise PermissionDenied("Your role does not allow this.")
            request.membership = membership
            request.authority = membership.authority
            return view(request, *args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator


def get_or_404(queryset, **lookup):
    """Fetch one object from an authority-scoped queryset or related manager, else 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("Not found in this authority") from error
