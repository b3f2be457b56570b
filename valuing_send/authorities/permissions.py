"""The permission catalogue: which role may do which action. Views ask it; templates only
reflect its answer (``{% if membership|may:"child.edit" %}``). Add an action here before using it.
"""

from .models import Role

EVERY_ROLE = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    # The home page: what each role works on
    "home.view": EVERY_ROLE,
    # Children and their needs profiles
    "child.view": EVERY_ROLE,
    "child.edit": frozenset({Role.CASEWORKER}),
    "assessment.view": EVERY_ROLE,
    "assessment.edit": frozenset({Role.CASEWORKER}),
    "recommendation.override": frozenset({Role.CASEWORKER, Role.PANEL_MEMBER, Role.MANAGER}),
    # Panel cases (panels/workflows.py names the moves each action allows)
    "panelcase.view": frozenset({Role.CASEWORKER, Role.PANEL_MEMBER, Role.MANAGER}),
    "panelcase.create": frozenset({Role.CASEWORKER}),
    "panelcase.edit": frozenset({Role.CASEWORKER}),
    "panelcase.progress": frozenset({Role.CASEWORKER}),
    "panelcase.withdraw": frozenset({Role.CASEWORKER, Role.MANAGER}),
    "panelcase.decide": frozenset({Role.PANEL_MEMBER, Role.MANAGER}),
    "panelcase.return": frozenset({Role.CASEWORKER, Role.PANEL_MEMBER, Role.MANAGER}),
    "invitation.manage": frozenset({Role.CASEWORKER}),
    "meeting.view": frozenset({Role.CASEWORKER, Role.PANEL_MEMBER, Role.MANAGER}),
    "meeting.manage": frozenset({Role.CASEWORKER, Role.MANAGER}),
    "panel.manage": frozenset({Role.ADMIN}),
    "consistency.view": frozenset({Role.MANAGER}),
    # Reference data the authority maintains
    "setting.view": EVERY_ROLE,
    "setting.manage": frozenset({Role.ADMIN}),
    "framework.view": EVERY_ROLE,
    "ruleset.view": frozenset({Role.MANAGER, Role.ADMIN}),
    "ruleset.manage": frozenset({Role.ADMIN}),
    "replay.run": frozenset({Role.MANAGER, Role.ADMIN}),
    # Indicators: the authority's own figures (from snapshots), DfE's published figures for
    # every authority, and the children behind a figure (case data: managers only)
    "indicators.view": frozenset({Role.MANAGER, Role.ADMIN}),
    "indicators.children": frozenset({Role.MANAGER}),
    "indicators.national": frozenset({Role.MANAGER, Role.ADMIN}),
    "indicators.targets": frozenset({Role.MANAGER}),
    "indicators.recompute": frozenset({Role.MANAGER, Role.ADMIN}),
    # Documents made by the workers (PDFs, zips): each kind also asks its subject's action
    "document.view": EVERY_ROLE,
    "document.bulk": frozenset({Role.MANAGER}),
    # Running the service
    "user.manage": frozenset({Role.ADMIN}),
    "system.status": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
    "audit.export": frozenset({Role.ADMIN}),
}


def can(membership, action: str) -> bool:
    """Whether the member's role allows ``action``. Unknown actions are a programming error."""
    try:
        allowed = PERMISSIONS[action]
    except KeyError:
        raise KeyError(f"Unknown action {action!r}: add it to authorities/permissions.py") from None
    return membership is not None and membership.is_active and membership.role in allowed
