"""Every allowed move of a panel case, per kind, in one table.

Each kind's moves are listed under it; who may make a move is the permission catalogue's
action named on it (``valuing_send/authorities/permissions.py``):

- ``panelcase.progress``: the caseworker moves the case along (ready for panel, draft sent…);
- ``panelcase.decide``: the panel decides (agree, decline, defer, ask for more information),
  always with reasons; decisions are recorded through ``panels.services.decision_record``;
- ``panelcase.return``: a case ready for panel goes back to the caseworker, with the reason
  (the panel defers it or asks for more information, or the caseworker takes it back);
- ``panelcase.withdraw``: a request is withdrawn, with the reason.

Statuses are distinct per kind (see ``panels/codes.py``), so the flat table the workflow
module reads can never let a move of one kind apply to another.
"""

from valuing_send.core.workflow import Move

from .codes import CLOSED_STATUSES, CaseKind, CaseStatus, DecisionOutcome, ReviewOutcome

S = CaseStatus
PROGRESS = "panelcase.progress"
DECIDE = "panelcase.decide"
RETURN = "panelcase.return"
WITHDRAW = "panelcase.withdraw"
BACK = "Send back to the caseworker"


def _to_panel(source, ready):
    return [Move(source, ready, action=PROGRESS, label="Send to panel")]


def _panel(ready, *, agree, decline=None, back):
    moves = [Move(ready, agree, action=DECIDE, needs_reason=True, label="Agree")]
    if decline:
        moves.append(Move(ready, decline, action=DECIDE, needs_reason=True, label="Decline"))
    # Deferring or asking for more information sends the case back to the caseworker, as
    # does the caseworker taking it back before the panel sits (one move: one status pair).
    moves.append(Move(ready, back, action=RETURN, needs_reason=True, label=BACK))
    return moves


MOVES_BY_KIND: dict[str, list[Move]] = {
    CaseKind.ASSESSMENT_REQUEST: [
        *_to_panel(S.REQUEST_RECEIVED, S.REQUEST_READY),
        *_panel(
            S.REQUEST_READY,
            agree=S.REQUEST_AGREED,
            decline=S.REQUEST_DECLINED,
            back=S.REQUEST_RECEIVED,
        ),
    ],
    CaseKind.ISSUE_DECISION: [
        *_to_panel(S.ASSESSING, S.ISSUE_READY),
        *_panel(S.ISSUE_READY, agree=S.DRAFTING, decline=S.NOT_ISSUING, back=S.ASSESSING),
        Move(S.DRAFTING, S.DRAFT_SENT, action=PROGRESS, label="Record the draft plan sent"),
        Move(S.DRAFT_SENT, S.PLAN_ISSUED, action=PROGRESS, label="Record the final plan issued"),
    ],
    CaseKind.PLACEMENT: [
        *_to_panel(S.PLACEMENT_RECEIVED, S.PLACEMENT_READY),
        *_panel(
            S.PLACEMENT_READY,
            agree=S.PLACEMENT_AGREED,
            decline=S.PLACEMENT_DECLINED,
            back=S.PLACEMENT_RECEIVED,
        ),
    ],
    CaseKind.ANNUAL_REVIEW: [
        Move(S.REVIEW_DUE, S.REVIEW_HELD, action=PROGRESS, label="Record the review meeting"),
        *_to_panel(S.REVIEW_HELD, S.REVIEW_READY),
        # The panel decides the review's outcome: maintain, amend or cease.
        Move(S.REVIEW_READY, S.REVIEW_MAINTAINED, action=DECIDE, needs_reason=True),
        Move(S.REVIEW_READY, S.REVIEW_AMENDING, action=DECIDE, needs_reason=True),
        Move(S.REVIEW_READY, S.REVIEW_TO_CEASE, action=DECIDE, needs_reason=True),
        Move(S.REVIEW_READY, S.REVIEW_HELD, action=RETURN, needs_reason=True, label=BACK),
        Move(
            S.REVIEW_AMENDING,
            S.REVIEW_AMENDED,
            action=PROGRESS,
            label="Record the amended plan issued",
        ),
    ],
    CaseKind.CEASE: [
        *_to_panel(S.CEASE_PROPOSED, S.CEASE_READY),
        *_panel(S.CEASE_READY, agree=S.CEASED, decline=S.CEASE_DECLINED, back=S.CEASE_PROPOSED),
    ],
    CaseKind.PHASE_TRANSFER: [
        *_to_panel(S.TRANSFER_PREPARING, S.TRANSFER_READY),
        *_panel(S.TRANSFER_READY, agree=S.TRANSFER_AMENDING, back=S.TRANSFER_PREPARING),
        Move(
            S.TRANSFER_AMENDING,
            S.TRANSFER_AMENDED,
            action=PROGRESS,
            label="Record the amended plan issued",
        ),
    ],
}

# Any open case may be withdrawn (the family withdraws a request, the child moves away…).
WITHDRAWALS = [
    Move(status, S.WITHDRAWN, action=WITHDRAW, needs_reason=True, label="Withdraw")
    for moves in MOVES_BY_KIND.values()
    for status in dict.fromkeys(m.source for m in moves)
    if status not in CLOSED_STATUSES
]

ALL_MOVES = [move for moves in MOVES_BY_KIND.values() for move in moves] + WITHDRAWALS


def decision_target(kind: str, status: str, outcome: str, review_outcome: str = "") -> str:
    """Where a panel decision takes the case: agree and decline to the kind's outcome,
    defer and more information back to the caseworker. An annual review's agreed outcome is
    the review outcome the panel chose."""
    ready_moves = [
        m for m in MOVES_BY_KIND[kind] if m.source == status and m.action in (DECIDE, RETURN)
    ]
    if not ready_moves:
        raise ValueError("This case is not waiting for a panel decision")
    if outcome in (DecisionOutcome.DEFER, DecisionOutcome.MORE_INFORMATION):
        return next(m.target for m in ready_moves if m.label == BACK)
    if kind == CaseKind.ANNUAL_REVIEW:
        if outcome != DecisionOutcome.AGREE:
            raise ValueError("A review panel decides to maintain, amend or cease the plan")
        return {
            ReviewOutcome.MAINTAIN: S.REVIEW_MAINTAINED,
            ReviewOutcome.AMEND: S.REVIEW_AMENDING,
            ReviewOutcome.CEASE: S.REVIEW_TO_CEASE,
        }[review_outcome]
    label = {DecisionOutcome.AGREE: "Agree", DecisionOutcome.DECLINE: "Decline"}[outcome]
    for move in ready_moves:
        if move.label == label:
            return move.target
    raise ValueError(f"A {kind} panel cannot {outcome}")
