"""An authority's caseworkers and its settings register as the filter forms offer them (the
children list, the work tray), kept in the cache per authority: reading the 900 settings of a
large register and the team on every request was a sixth of the tray's time.

Every change that can alter a list forgets it: a membership or setting created, saved or
deleted, and a user saved (a name or an account switched off shows in every authority they
belong to), through receivers connected in ``apps.py``; a role, an access or a setting changed
with a version check (``core.locking.save_versioned`` writes with an UPDATE, which sends no
signal), by the service that changes it; rows written in bulk by their writer (the demo
generator). The lists are in any case read again after ten minutes. Staff names and settings'
names only: nothing about a child."""

from django.core.cache import cache
from django.db import transaction

from .models import Membership, Role

CHOICES_SECONDS = 600


def key(kind: str, authority_id: int) -> str:
    """Where a list is kept ("caseworkers" or "register"), for reading it with others
    (``core.cache.KeptReads``)."""
    return f"choices:{kind}:{authority_id}"


def caseworkers(authority, *, reads=None) -> list[tuple[int, str]]:
    """The authority's active caseworkers as (user id, full name), by name. ``reads``: the
    page's cache entries already read together, if it read them so."""
    return (reads or cache).get_or_set(
        key("caseworkers", authority.pk),
        lambda: list(
            authority.memberships.active()
            .filter(role=Role.CASEWORKER)
            .order_by("user__full_name", "user_id")
            .values_list("user_id", "user__full_name")
        ),
        CHOICES_SECONDS,
    )


def register(authority, *, reads=None) -> list[tuple[int, str]]:
    """The authority's active settings as (id, name), by name."""
    return (reads or cache).get_or_set(
        key("register", authority.pk),
        lambda: list(
            authority.settings_register.active().order_by("name", "pk").values_list("pk", "name")
        ),
        CHOICES_SECONDS,
    )


def _forget(*keys: str) -> None:
    """Forget now, and again when the transaction commits: a request that read the rows as
    they were before the commit may have kept them in between."""
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget(authority_id: int) -> None:
    """Forget both lists of an authority (after rows were written in bulk)."""
    _forget(key("caseworkers", authority_id), key("register", authority_id))


def forget_caseworkers(authority_id: int) -> None:
    _forget(key("caseworkers", authority_id))


def forget_register(authority_id: int) -> None:
    _forget(key("register", authority_id))


def forget_caseworkers_of_membership(sender=None, instance=None, **kwargs) -> None:
    """Receiver of Membership's post_save and post_delete."""
    forget_caseworkers(instance.authority_id)


def forget_caseworkers_of_user(sender=None, instance=None, update_fields=None, **kwargs) -> None:
    """Receiver of User's post_save: their name or account shows in each of their authorities
    (not a save of other fields only, such as the time of signing in)."""
    if update_fields is not None and not {"full_name", "is_active"} & set(update_fields):
        return
    authority_ids = Membership.objects.filter(user_id=instance.pk).values_list(
        "authority_id", flat=True
    )
    _forget(*(key("caseworkers", pk) for pk in authority_ids))


def forget_register_of_setting(sender=None, instance=None, **kwargs) -> None:
    """Receiver of Setting's post_save and post_delete."""
    forget_register(instance.authority_id)
