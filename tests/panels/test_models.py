"""What the database itself guarantees about panel records."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from panels import services
from panels.codes import SEN2_ITEMS, CaseKind, CaseStatus
from panels.models import CaseStatusChange, Contribution, Decision, Invitation, PanelCase
from tests.panels.factories import InvitationFactory


@pytest.fixture
def case(child, caseworker):
    return services.case_open(
        child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=datetime.date(2025, 1, 6)
    )


def test_every_case_record_is_reached_through_its_authority(authority_a, case, caseworker):
    invitation, _ = InvitationFactory.issue(case, by=caseworker)
    assert list(authority_a.panel_cases.all()) == [case]
    assert list(authority_a.invitations.all()) == [invitation]
    assert case.reference == f"AR-{case.pk}"


def test_a_case_cannot_be_open_in_a_closed_status_or_closed_in_an_open_one(case):
    for status, is_open in ((CaseStatus.WITHDRAWN, True), (CaseStatus.REQUEST_READY, False)):
        with pytest.raises(IntegrityError), transaction.atomic():
            PanelCase.objects.filter(pk=case.pk).update(status=status, is_open=is_open)


def test_a_status_row_has_exactly_one_actor(case, caseworker):
    invitation, _ = InvitationFactory.issue(case, by=caseworker)
    for actors in ({}, {"by": caseworker, "by_invitation": invitation}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CaseStatusChange.objects.create(case=case, to_status="request_ready", **actors)
    CaseStatusChange.objects.create(case=case, to_status="request_ready", by_invitation=invitation)


def test_status_rows_are_never_changed(case):
    from valuing_send.core.models import ImmutableRecord

    row = case.status_changes.get()
    row.reason = "Edited"
    with pytest.raises(ImmutableRecord):
        row.save()
    with pytest.raises(ImmutableRecord):
        row.delete()


def test_a_contribution_comes_through_an_invitation_or_from_staff_never_both(case, caseworker):
    invitation, _ = InvitationFactory.issue(case, by=caseworker)
    common = {"authority_id": case.authority_id, "case": case, "role": "parent"}
    for actors in ({}, {"invitation": invitation, "entered_by": caseworker}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Contribution.objects.create(**common, **actors)
    assert Contribution.objects.create(**common, entered_by=caseworker).entered_on_behalf


def test_an_invitation_keeps_only_a_hash_of_its_token(case, caseworker):
    invitation, token = InvitationFactory.issue(case, by=caseworker)
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in str(stored)
    assert len(invitation.token_hash) == 64
    assert invitation.matches(token) and not invitation.matches(token + "x")
    assert Invitation.objects.for_token(token).get() == invitation
    assert invitation.workflow_actor_fields() == {"by_invitation": invitation}
    assert invitation.workflow_allows(case)


def test_a_decision_must_have_reasons(case, panel_member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            authority_id=case.authority_id,
            case=case,
            outcome="agree",
            reasons="",
            decided_by=panel_member,
            status_before="request_ready",
            status_after="request_agreed",
        )


def test_sen2_items_name_real_fields_or_derived_flags(case):
    fields = {f.name for f in PanelCase._meta.get_fields()}
    derived = set(services.sen2_flags(case))
    assert set(SEN2_ITEMS) <= fields | derived
