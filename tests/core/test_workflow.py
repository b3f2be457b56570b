"""The one workflow module: allowed and refused moves, roles, versions, and immutable rows
naming an actor. Exercised through the models that use it (assessments, rule sets)."""

import pytest
from django.db import IntegrityError, transaction

from assessments import rulesets, services
from assessments.models import AssessmentStatusChange, RuleSetStatus
from tests.factories import complete_assessment
from valuing_send.core.locking import ConflictError
from valuing_send.core.models import ImmutableRecord
from valuing_send.core.workflow import (
    Move,
    TransitionRefused,
    Workflow,
    moves_for,
    transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(child, caseworker, framework):
    return services.assessment_start(child, by=caseworker)[0]


def test_an_allowed_move_changes_the_status_bumps_the_version_and_writes_a_row(
    child, caseworker, framework
):
    first = complete_assessment(child, caseworker)
    version = first.version
    second = complete_assessment(child, caseworker)
    first.refresh_from_db()
    assert first.status == "superseded" and first.version == version + 1
    row = first.status_changes.last()
    assert (row.from_status, row.to_status, row.by) == ("complete", "superseded", caseworker)
    assert row.reason == f"Replaced by assessment {second.pk}"
    assert [c.to_status for c in second.status_changes.all()] == ["draft", "complete"]


def test_a_move_not_in_the_table_is_refused_in_words_and_changes_nothing(
    child, caseworker, framework
):
    done = complete_assessment(child, caseworker)
    rows, version = done.status_changes.count(), done.version
    with pytest.raises(TransitionRefused) as refused:
        transition(done, "draft", by=caseworker)
    assert refused.value.message == "This assessment is complete, so it cannot become draft"
    done.refresh_from_db()
    assert (done.status, done.version, done.status_changes.count()) == ("complete", version, rows)


def test_a_role_the_catalogue_does_not_allow_is_refused(draft, panel_member, manager):
    for person in (panel_member, manager):
        with pytest.raises(TransitionRefused, match="Your role does not allow"):
            transition(draft, "complete", by=person)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_someone_of_another_authority_is_refused(draft, caseworker_b):
    with pytest.raises(TransitionRefused, match="Your role does not allow"):
        transition(draft, "complete", by=caseworker_b)


def test_a_stale_version_is_a_conflict(draft, caseworker):
    with pytest.raises(ConflictError) as conflict:
        transition(draft, "complete", by=caseworker, expected_version=draft.version + 5)
    assert conflict.value.current.status == "draft"


def test_an_actor_is_required(draft):
    with pytest.raises(ValueError, match="needs an actor"):
        transition(draft, "complete", by=None)


class FakeInvitation:
    """Someone without an account, as panels' invitations will be."""

    def __init__(self, allows):
        self.allows = allows

    def workflow_actor_fields(self):
        return {"by_invitation": self}

    def workflow_allows(self, obj):
        return self.allows


def test_an_invitation_may_only_make_moves_marked_for_invitations(draft):
    # Assessments have no move open to invitations, so the move is refused before any row.
    with pytest.raises(TransitionRefused):
        transition(draft, "complete", by=FakeInvitation(allows=True))
    workflow = Workflow(
        [Move("draft", "complete", by_invitation=True)],
        history="assessments.AssessmentStatusChange",
        subject_field="assessment",
    )
    from valuing_send.core.workflow import allowed

    move = workflow.move("draft", "complete")
    assert allowed(move, draft, FakeInvitation(allows=True))
    assert not allowed(move, draft, FakeInvitation(allows=False))


def test_status_rows_can_never_change_or_be_deleted(draft, caseworker):
    row = draft.status_changes.get()
    row.reason = "rewritten"
    with pytest.raises(ImmutableRecord):
        row.save()
    with pytest.raises(ImmutableRecord):
        row.delete()
    assert draft.status_changes.get().reason.startswith("Started")


def test_the_database_refuses_a_status_row_without_an_actor(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentStatusChange.objects.create(
            assessment=draft, from_status="draft", to_status="complete", by=None
        )


def test_pages_offer_only_the_moves_the_person_may_make(draft, caseworker, panel_member):
    assert [m.target for m in moves_for(draft, caseworker)] == ["complete"]
    assert moves_for(draft, panel_member) == []


def test_a_page_s_membership_answers_for_every_move_without_a_query(
    draft, caseworker, panel_member, caseworker_b, django_assert_num_queries
):
    mine = caseworker.memberships.get(authority_id=draft.authority_id)
    theirs = panel_member.memberships.get(authority_id=draft.authority_id)
    with django_assert_num_queries(0):
        assert [m.target for m in moves_for(draft, caseworker, membership=mine)] == ["complete"]
        assert moves_for(draft, panel_member, membership=theirs) == []
    # Someone else's membership, or one of another authority, is not taken: the person's own
    # is looked up (once).
    other_authority = caseworker_b.memberships.get()
    with django_assert_num_queries(1):
        assert moves_for(draft, panel_member, membership=mine) == []
    with django_assert_num_queries(1):
        assert moves_for(draft, caseworker_b, membership=other_authority) == []


def test_rule_set_activation_retires_the_active_one_with_rows(rule_sets, authority_a, admin):
    first = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    rulesets.ruleset_activate(first, by=admin)
    second = rulesets.ruleset_copy(first, authority_a, by=admin)
    rulesets.ruleset_activate(second, by=admin)
    first.refresh_from_db()
    assert (first.status, second.status) == (RuleSetStatus.RETIRED, RuleSetStatus.ACTIVE)
    assert [(c.from_status, c.to_status) for c in first.status_changes.all()] == [
        ("", "draft"),
        ("draft", "active"),
        ("active", "retired"),
    ]
    assert first.status_changes.last().reason == f"Replaced by {second.name} {second.version}"
    assert second.status_changes.first().reason.startswith("Copied from")


def test_a_manager_cannot_activate_a_rule_set(rule_sets, authority_a, admin, manager):
    draft = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    with pytest.raises(TransitionRefused):
        rulesets.ruleset_activate(draft, by=manager)
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT
