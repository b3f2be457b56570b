"""Codes of panel cases: kinds, statuses, outcomes, who gives views, and the SEN2 items the
dates and outcomes stand for (so the SEN2 export maps them without guessing).

The statuses of every kind are distinct codes (``request_ready`` is not ``placement_ready``),
so one table of moves (``panels/workflows.py``) can hold every kind without a move of one kind
ever applying to another; only ``withdrawn`` is shared.
"""

from django.db import models


class CaseKind(models.TextChoices):
    ASSESSMENT_REQUEST = "assessment_request", "Request for an EHC needs assessment"
    ISSUE_DECISION = "issue_decision", "EHC needs assessment and decision whether to issue a plan"
    PLACEMENT = "placement", "Placement or top-up funding request"
    ANNUAL_REVIEW = "annual_review", "Annual review"
    CEASE = "cease", "Ceasing a plan"
    PHASE_TRANSFER = "phase_transfer", "Phase transfer"


KIND_SHORT_LABELS = {
    CaseKind.ASSESSMENT_REQUEST: "Assessment request",
    CaseKind.ISSUE_DECISION: "Decision to issue",
    CaseKind.PLACEMENT: "Placement or top-up",
    CaseKind.ANNUAL_REVIEW: "Annual review",
    CaseKind.CEASE: "Ceasing a plan",
    CaseKind.PHASE_TRANSFER: "Phase transfer",
}

# A short prefix for the case reference that goes in emails instead of any name ("AR-1042").
KIND_REFERENCE_PREFIX = {
    CaseKind.ASSESSMENT_REQUEST: "AR",
    CaseKind.ISSUE_DECISION: "EA",
    CaseKind.PLACEMENT: "PL",
    CaseKind.ANNUAL_REVIEW: "RV",
    CaseKind.CEASE: "CE",
    CaseKind.PHASE_TRANSFER: "PT",
}


def case_reference(kind: str, pk: int) -> str:
    """A case's reference, safe to put in emails: no name, no date of birth ("AR-1042")."""
    return f"{KIND_REFERENCE_PREFIX[kind]}-{pk}"


class CaseStatus(models.TextChoices):
    # Request for an EHC needs assessment
    REQUEST_RECEIVED = "request_received", "Request received"
    REQUEST_READY = "request_ready", "Ready for panel"
    REQUEST_AGREED = "request_agreed", "Agreed to assess"
    REQUEST_DECLINED = "request_declined", "Decided not to assess"
    # EHC needs assessment and the decision whether to issue a plan
    ASSESSING = "assessing", "Assessing"
    ISSUE_READY = "issue_ready", "Ready for panel"
    DRAFTING = "drafting", "Drafting the plan"
    DRAFT_SENT = "draft_sent", "Draft plan sent"
    PLAN_ISSUED = "plan_issued", "Final plan issued"
    NOT_ISSUING = "not_issuing", "Decided not to issue a plan"
    # Placement or top-up funding
    PLACEMENT_RECEIVED = "placement_received", "Request received"
    PLACEMENT_READY = "placement_ready", "Ready for panel"
    PLACEMENT_AGREED = "placement_agreed", "Agreed"
    PLACEMENT_DECLINED = "placement_declined", "Declined"
    # Annual review
    REVIEW_DUE = "review_due", "Review due"
    REVIEW_HELD = "review_held", "Review meeting held"
    REVIEW_READY = "review_ready", "Ready for panel"
    REVIEW_AMENDING = "review_amending", "Amending the plan"
    REVIEW_MAINTAINED = "review_maintained", "Plan maintained"
    REVIEW_AMENDED = "review_amended", "Amended plan issued"
    REVIEW_TO_CEASE = "review_to_cease", "Plan to cease"
    # Ceasing a plan
    CEASE_PROPOSED = "cease_proposed", "Ceasing proposed"
    CEASE_READY = "cease_ready", "Ready for panel"
    CEASED = "ceased", "Plan ceased"
    CEASE_DECLINED = "cease_declined", "Plan continues"
    # Phase transfer
    TRANSFER_PREPARING = "transfer_preparing", "Preparing"
    TRANSFER_READY = "transfer_ready", "Ready for panel"
    TRANSFER_AMENDING = "transfer_amending", "Amending the plan"
    TRANSFER_AMENDED = "transfer_amended", "Amended plan issued"
    # Any kind
    WITHDRAWN = "withdrawn", "Withdrawn"


STATUSES_BY_KIND: dict[str, tuple[str, ...]] = {
    CaseKind.ASSESSMENT_REQUEST: (
        CaseStatus.REQUEST_RECEIVED,
        CaseStatus.REQUEST_READY,
        CaseStatus.REQUEST_AGREED,
        CaseStatus.REQUEST_DECLINED,
    ),
    CaseKind.ISSUE_DECISION: (
        CaseStatus.ASSESSING,
        CaseStatus.ISSUE_READY,
        CaseStatus.DRAFTING,
        CaseStatus.DRAFT_SENT,
        CaseStatus.PLAN_ISSUED,
        CaseStatus.NOT_ISSUING,
    ),
    CaseKind.PLACEMENT: (
        CaseStatus.PLACEMENT_RECEIVED,
        CaseStatus.PLACEMENT_READY,
        CaseStatus.PLACEMENT_AGREED,
        CaseStatus.PLACEMENT_DECLINED,
    ),
    CaseKind.ANNUAL_REVIEW: (
        CaseStatus.REVIEW_DUE,
        CaseStatus.REVIEW_HELD,
        CaseStatus.REVIEW_READY,
        CaseStatus.REVIEW_AMENDING,
        CaseStatus.REVIEW_MAINTAINED,
        CaseStatus.REVIEW_AMENDED,
        CaseStatus.REVIEW_TO_CEASE,
    ),
    CaseKind.CEASE: (
        CaseStatus.CEASE_PROPOSED,
        CaseStatus.CEASE_READY,
        CaseStatus.CEASED,
        CaseStatus.CEASE_DECLINED,
    ),
    CaseKind.PHASE_TRANSFER: (
        CaseStatus.TRANSFER_PREPARING,
        CaseStatus.TRANSFER_READY,
        CaseStatus.TRANSFER_AMENDING,
        CaseStatus.TRANSFER_AMENDED,
    ),
}

INITIAL_STATUS = {kind: statuses[0] for kind, statuses in STATUSES_BY_KIND.items()}

READY_FOR_PANEL = frozenset(
    {
        CaseStatus.REQUEST_READY,
        CaseStatus.ISSUE_READY,
        CaseStatus.PLACEMENT_READY,
        CaseStatus.REVIEW_READY,
        CaseStatus.CEASE_READY,
        CaseStatus.TRANSFER_READY,
    }
)

CLOSED_STATUSES = frozenset(
    {
        CaseStatus.REQUEST_AGREED,
        CaseStatus.REQUEST_DECLINED,
        CaseStatus.PLAN_ISSUED,
        CaseStatus.NOT_ISSUING,
        CaseStatus.PLACEMENT_AGREED,
        CaseStatus.PLACEMENT_DECLINED,
        CaseStatus.REVIEW_MAINTAINED,
        CaseStatus.REVIEW_AMENDED,
        CaseStatus.REVIEW_TO_CEASE,
        CaseStatus.CEASED,
        CaseStatus.CEASE_DECLINED,
        CaseStatus.TRANSFER_AMENDED,
        CaseStatus.WITHDRAWN,
    }
)

OPEN_STATUSES = frozenset(CaseStatus.values) - CLOSED_STATUSES


class Stage(models.TextChoices):
    """Where a case is, across kinds: what the tray filters by."""

    WITH_CASEWORKER = "with_caseworker", "With the caseworker"
    READY_FOR_PANEL = "ready_for_panel", "Ready for panel"
    AFTER_PANEL = "after_panel", "Acting on the decision"


def stage_of(status: str) -> str:
    if status in READY_FOR_PANEL:
        return Stage.READY_FOR_PANEL
    if status in {
        CaseStatus.DRAFTING,
        CaseStatus.DRAFT_SENT,
        CaseStatus.REVIEW_AMENDING,
        CaseStatus.TRANSFER_AMENDING,
    }:
        return Stage.AFTER_PANEL
    return Stage.WITH_CASEWORKER


STATUSES_BY_STAGE = {
    stage: frozenset(s for s in OPEN_STATUSES if stage_of(s) == stage) for stage in Stage.values
}


class RequestSource(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person"
    SETTING = "setting", "School, college or early years setting"
    PROFESSIONAL = "professional", "Another professional (for example health or social care)"


class RequestOutcome(models.TextChoices):
    """SEN2 module 2, request outcome."""

    ASSESS = "assess", "Decided to assess"
    NOT_ASSESS = "not_assess", "Decided not to assess"
    WITHDRAWN = "withdrawn", "Request withdrawn"


class AssessmentOutcome(models.TextChoices):
    """SEN2 module 3, assessment outcome (decision to issue an EHC plan)."""

    ISSUE = "issue", "Decided to issue a plan"
    NOT_ISSUE = "not_issue", "Decided not to issue a plan"
    WITHDRAWN = "withdrawn", "Assessment withdrawn"


class ReviewOutcome(models.TextChoices):
    MAINTAIN = "maintain", "Maintain the plan"
    AMEND = "amend", "Amend the plan"
    CEASE = "cease", "Cease the plan"


class DecisionOutcome(models.TextChoices):
    AGREE = "agree", "Agree"
    DECLINE = "decline", "Decline"
    DEFER = "defer", "Defer to a later panel"
    MORE_INFORMATION = "more_information", "Ask for more information"


class ContributorRole(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "Child or young person"
    SETTING = "setting", "School, college or setting"
    PROFESSIONAL = "professional", "Professional"


class AdviceService(models.TextChoices):
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    OTHER = "other", "Other professional"


class DisputeKind(models.TextChoices):
    MEDIATION = "mediation", "Mediation"
    TRIBUNAL = "tribunal", "Tribunal appeal"


class DisputeAbout(models.TextChoices):
    """What SEN2 asks mediations and tribunals to be counted against."""

    REQUEST = "request", "The decision whether to assess"
    ASSESSMENT = "assessment", "The decision whether to issue a plan"
    OTHER = "other", "Something else about the assessment or plan"


class DisputeOutcome(models.TextChoices):
    ONGOING = "", "Not concluded"
    RESOLVED = "resolved", "Resolved"
    NOT_RESOLVED = "not_resolved", "Not resolved"
    UPHELD = "upheld", "Appeal upheld (the family's case succeeded)"
    DISMISSED = "dismissed", "Appeal dismissed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CONCEDED = "conceded", "Conceded by the local authority"


# SEN2 2026 items the case fields stand for (module, item name in the return), for the
# export: "Requests" is module 2 and "Assessment" module 3 of the person-level return.
# Mediation and tribunal flags are derived from the case's disputes (see PanelCase.sen2_flags).
SEN2_ITEMS = {
    "received_date": ("Requests", "ReceivedDate"),
    "rya": ("Requests", "RYA"),
    "request_outcome": ("Requests", "RequestOutcome"),
    "request_outcome_date": ("Requests", "RequestOutcomeDate"),
    "exported": ("Requests", "Exported"),
    "request_mediation": ("Requests", "RequestMediation"),
    "request_tribunal": ("Requests", "RequestTribunal"),
    "assessment_outcome": ("Assessment", "AssessmentOutcome"),
    "assessment_outcome_date": ("Assessment", "AssessmentOutcomeDate"),
    "assessment_mediation": ("Assessment", "AssessmentMediation"),
    "assessment_tribunal": ("Assessment", "AssessmentTribunal"),
    "other_mediation": ("Assessment", "OtherMediation"),
    "other_tribunal": ("Assessment", "OtherTribunal"),
    "week20": ("Assessment", "Week20"),
    "final_plan_date": ("Named plan", "StartDate"),
    "cease_date": ("Named plan", "CeaseDate"),
    "cease_reason": ("Named plan", "CeaseReason"),
    "setting": ("Plan detail", "URN / UKPRN"),
    "sen_setting": ("Plan detail", "SENsetting"),
}

# SEN2 setting codes for a placement with no URN or UKPRN (design §7).
SEN_SETTINGS = (
    ("OLA", "Other arrangements made by the local authority (including EOTAS)"),
    ("OPA", "Other arrangements made by parents or the young person (not home education)"),
    ("EHE", "Elective home education"),
    ("EYP", "Early years provider with no URN"),
    ("OTH", "Other (a type of setting is named but no setting)"),
    ("NEET", "Not in education, employment or training (aged 16 to 25)"),
    ("NIEC", "Not in education or training: notice to cease issued"),
    ("NIEO", "Not in education or training: other"),
)
