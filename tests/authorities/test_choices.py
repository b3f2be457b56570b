"""The caseworkers and settings the filter forms offer, kept in the cache (the real Redis in
``make test``): read once, and forgotten by every change that alters them, whichever way the
change is written."""

import pytest
from django.contrib.auth import user_logged_in
from django.core.cache import cache
from django.test import RequestFactory

from tests.factories import MembershipFactory, SettingFactory
from valuing_send.authorities import choices, services
from valuing_send.authorities.models import Membership, Role, User
from valuing_send.register import services as register_services


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_each_list_is_read_once_then_kept(
    authority_a, caseworker, oakfield, django_assert_num_queries
):
    with django_assert_num_queries(2):
        assert choices.caseworkers(authority_a) == [(caseworker.pk, "Casey Worker")]
        assert choices.register(authority_a) == [(oakfield.pk, "Oakfield Primary School")]
    with django_assert_num_queries(0):
        assert choices.caseworkers(authority_a) == [(caseworker.pk, "Casey Worker")]
        assert choices.register(authority_a) == [(oakfield.pk, "Oakfield Primary School")]


def test_only_active_caseworkers_by_name_and_only_this_authoritys(
    authority_a, authority_b, caseworker, manager, caseworker_b
):
    MembershipFactory(authority=authority_a, user__full_name="Aaron Able")
    MembershipFactory(authority=authority_a, user__full_name="Zed Gone", is_active=False)
    MembershipFactory(authority=authority_a, user__full_name="Yan Left", user__is_active=False)
    names = [name for _, name in choices.caseworkers(authority_a)]
    assert names == ["Aaron Able", "Casey Worker"]  # no manager, no one switched off
    assert [pk for pk, _ in choices.caseworkers(authority_b)] == [caseworker_b.pk]


def test_people_changes_show_at_once(authority_a, authority_b, caseworker, admin):
    def names(authority=authority_a):
        return [name for _, name in choices.caseworkers(authority)]

    assert names() == ["Casey Worker"]
    added = services.membership_add(
        authority_a,
        email="new@northshire.example",
        full_name="Nell New",
        role=Role.CASEWORKER,
        by=admin,
    )
    assert names() == ["Casey Worker", "Nell New"]
    # A role and an access changed with a version check (an UPDATE: no signal).
    services.membership_change_role(
        added, role=Role.MANAGER, expected_version=added.version, by=admin
    )
    assert names() == ["Casey Worker"]
    added.refresh_from_db()
    services.membership_change_role(
        added, role=Role.CASEWORKER, expected_version=added.version, by=admin
    )
    assert names() == ["Casey Worker", "Nell New"]
    added.refresh_from_db()
    services.membership_set_active(added, active=False, expected_version=added.version, by=admin)
    assert names() == ["Casey Worker"]
    # A name changed shows in every authority the person works in.
    Membership.objects.create(user=caseworker, authority=authority_b, role=Role.CASEWORKER)
    assert names(authority_b) == ["Casey Worker"]
    caseworker.full_name = "Casey Renamed"
    caseworker.save()
    assert names() == ["Casey Renamed"] and names(authority_b) == ["Casey Renamed"]
    caseworker.is_active = False
    caseworker.save(update_fields=["is_active"])
    assert names() == [] and names(authority_b) == []
    caseworker.is_active = True
    caseworker.save()
    Membership.objects.filter(user=caseworker, authority=authority_b).get().delete()
    assert names(authority_b) == []
    assert names() == ["Casey Renamed"]


def test_signing_in_forgets_nothing(authority_a, caseworker):
    choices.caseworkers(authority_a)
    key = f"choices:caseworkers:{authority_a.pk}"
    request = RequestFactory().get("/")
    user_logged_in.send(sender=User, request=request, user=caseworker)  # saves last_login
    caseworker.refresh_from_db()
    assert caseworker.last_login is not None
    assert cache.get(key) == [(caseworker.pk, "Casey Worker")]


def test_register_changes_show_at_once(authority_a, authority_b, oakfield, admin):
    def names(authority=authority_a):
        return [name for _, name in choices.register(authority)]

    other = SettingFactory(authority=authority_b, name="Elsewhere School")
    assert names() == ["Oakfield Primary School"]
    new = SettingFactory(authority=authority_a, name="Brand New Academy")
    assert names() == ["Brand New Academy", "Oakfield Primary School"]
    register_services.setting_update(
        new, {"name": "Aardvark Academy"}, expected_version=new.version, by=admin
    )
    assert names() == ["Aardvark Academy", "Oakfield Primary School"]
    new.refresh_from_db()
    register_services.setting_update(
        new, {"is_active": False}, expected_version=new.version, by=admin
    )
    assert names() == ["Oakfield Primary School"]
    assert names(authority_b) == ["Elsewhere School"]
    other.delete()
    assert names(authority_b) == []


def test_bulk_writers_forget_both_lists(authority_a, caseworker, oakfield):
    choices.caseworkers(authority_a), choices.register(authority_a)
    Membership.objects.filter(user=caseworker).update(is_active=False)  # no signal
    assert choices.caseworkers(authority_a) != []  # still kept: the writer must say
    choices.forget(authority_a.pk)
    assert choices.caseworkers(authority_a) == []
    assert choices.register(authority_a) == [(oakfield.pk, "Oakfield Primary School")]
