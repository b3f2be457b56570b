"""One way to change the status of anything: ``transition(obj, to, by=actor, reason=…)``.

A model that has a lifecycle declares its allowed moves once, as data::

    class Assessment(models.Model):
        workflow = Workflow(
            [Move("draft", "complete", action="assessment.edit", label="Complete")],
            history="assessments.AssessmentStatusChange",
            subject_field="assessment",
        )

``transition`` then, in one transaction: locks the row; refuses a move that is not in the
table, or that the actor's role may not make (the move's ``action`` is asked of the
permission catalogue), with a message a person can act on (``TransitionRefused``); checks the
version the user started from (``ConflictError``); applies the new status and any other
changes while bumping the version; and writes an immutable status row
(``valuing_send.core.models.StatusChange``) naming the actor.

The actor is never empty. It is a staff ``User``, or an object standing for someone without an
account (a panel invitation) that provides ``workflow_actor_fields()`` (the status row's actor
columns) and ``workflow_allows(obj)`` (whether it may act on this record). A move whose
``action`` is None continues work a permitted person started (a replay finishing in a worker):
no role is asked, but the person who started it is still recorded as the actor.

Why not a state-machine library: django-fsm-2 and python-statemachine check moves, but the
version bump, the role check against our permission catalogue, invitation actors and the status
row would all still be ours; a table and one function are smaller than the glue.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from valuing_send.authorities.models import Membership
from valuing_send.authorities.permissions import can

from .locking import ConflictError, save_versioned


class TransitionRefused(Exception):
    """A move the workflow does not allow, or not to this actor; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    action: str | None = None  # permission catalogue action; None: continuing permitted work
    by_invitation: bool = False  # someone acting through an invitation may make this move
    needs_reason: bool = False
    label: str = ""  # the button or link that makes the move, e.g. "Agree to assess"


class Workflow:
    def __init__(
        self,
        moves,
        *,
        history: str,
        subject_field: str,
        field: str = "status",
        version_field: str = "version",
    ):
        self.moves = {(move.source, move.target): move for move in moves}
        self.history = history
        self.subject_field = subject_field
        self.field = field
        self.version_field = version_field

    def move(self, source: str, target: str) -> Move | None:
        return self.moves.get((source, target))

    def moves_from(self, source: str) -> list[Move]:
        return [move for (start, _), move in self.moves.items() if start == source]

    @property
    def history_model(self):
        return apps.get_model(self.history)

    def status_label(self, model, status: str) -> str:
        choices = dict(model._meta.get_field(self.field).choices or [])
        return str(choices.get(status, status or "new")).lower()


def _membership(user, obj) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(user=user, authority_id=getattr(obj, "authority_id", None))
        .first()
    )


def _actor_fields(by) -> dict:
    if isinstance(by, AbstractBaseUser):
        if by.pk is None:
            raise ValueError("A status change needs a saved user as its actor")
        return {"by": by}
    if hasattr(by, "workflow_actor_fields"):
        return by.workflow_actor_fields()
    raise ValueError("A status change needs an actor: a staff user or an invitation")


def allowed(move: Move, obj, by) -> bool:
    """Whether ``by`` may make ``move`` on ``obj`` (the permission catalogue decides for staff)."""
    if isinstance(by, AbstractBaseUser):
        return move.action is None or can(_membership(by, obj), move.action)
    return move.by_invitation and bool(getattr(by, "workflow_allows", lambda _: False)(obj))


def moves_for(obj, by, *, membership=None) -> list[Move]:
    """The moves ``by`` may make from ``obj``'s current status: what a page offers. A page
    passes the ``membership`` it already has (``@requires`` resolved it); otherwise a member
    of staff's membership of the object's authority is looked up once for all the moves."""
    workflow = type(obj).workflow
    staff = isinstance(by, AbstractBaseUser)
    moves = [
        move
        for move in workflow.moves_from(getattr(obj, workflow.field))
        if move.action is not None or not staff
    ]
    if not staff:
        return [move for move in moves if allowed(move, obj, by)]
    if moves and not (
        membership is not None
        and membership.user_id == by.pk
        and membership.authority_id == getattr(obj, "authority_id", None)
    ):
        membership = _membership(by, obj)
    return [move for move in moves if can(membership, move.action)]


def transition(obj, to: str, *, by, reason: str = "", expected_version=None, **changes):
    """Move ``obj`` to status ``to``; see the module docstring. Returns ``obj`` refreshed."""
    model = type(obj)
    workflow = model.workflow
    actor = _actor_fields(by)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        source = getattr(locked, workflow.field)
        move = workflow.move(source, to)
        name = model._meta.verbose_name
        if move is None:
            raise TransitionRefused(
                f"This {name} is {workflow.status_label(model, source)}, so it cannot become "
                f"{workflow.status_label(model, to)}"
            )
        if not allowed(move, locked, by):
            raise TransitionRefused(
                f"Your role does not allow you to make this {name} "
                f"{workflow.status_label(model, to)}"
            )
        if move.needs_reason and not reason.strip():
            raise TransitionRefused(f"Give the reason for making this {name} {to}")
        current = getattr(locked, workflow.version_field)
        if expected_version is not None and current != expected_version:
            raise ConflictError(locked)
        save_versioned(
            locked,
            current,
            version_field=workflow.version_field,
            **{workflow.field: to},
            **changes,
        )
        workflow.history_model.objects.create(
            **{workflow.subject_field: locked},
            from_status=source,
            to_status=to,
            reason=reason.strip(),
            at=timezone.now(),
            **actor,
        )
    obj.refresh_from_db()
    return obj


def record_start(obj, *, by, reason: str = ""):
    """The first status row of a new record (from no status to its initial one)."""
    workflow = type(obj).workflow
    return workflow.history_model.objects.create(
        **{workflow.subject_field: obj},
        from_status="",
        to_status=getattr(obj, workflow.field),
        reason=reason.strip(),
        at=timezone.now(),
        **_actor_fields(by),
    )
