from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panel cases, views, meetings and decisions"

    def ready(self):
        # The demo data generator (assessments) knows nothing of panels: panels adds its
        # step, so the generated authority has panel cases at every stage.
        from assessments.demo_data import pipeline
        from assessments.services import BEFORE_CHILD_ERASE

        from .demo_data import panel_cases
        from .services import child_panel_records_erase

        if panel_cases not in pipeline.AFTER_WRITE:
            pipeline.AFTER_WRITE.append(panel_cases)
        # A child's record past its retention goes with its panel cases (which protect it).
        if child_panel_records_erase not in BEFORE_CHILD_ERASE:
            BEFORE_CHILD_ERASE.append(child_panel_records_erase)
        _track_for_audit()
        from valuing_send.audit import subject_access

        subject_access.register("panel_cases", _panel_cases_held)


def _track_for_audit() -> None:
    """Every write to a panel case, what hangs off it, meetings and panels is in the audit log
    (``valuing_send/audit/registry.py``)."""
    from valuing_send.audit import track

    case_child = "case__child_id"
    track("panels.PanelCase", child="child_id", noun="a panel case")
    track("panels.ClockException", child=case_child, noun="a statutory clock exception")
    track("panels.Dispute", child=case_child, noun="a disagreement or appeal")
    track("panels.AdviceRequest", child=case_child, noun="a request for advice")
    track("panels.Invitation", child=case_child, noun="an invitation to give views")
    track("panels.Contribution", child=case_child, noun="a view on the case")
    track("panels.Decision", child=case_child, noun="a panel decision")
    track("panels.Letter", child=case_child, noun="a letter")
    track(
        "panels.AgendaItem",
        child=case_child,
        authority="meeting__authority_id",
        noun="a case on a meeting's agenda",
    )
    track("panels.Meeting", child=None, noun="a panel meeting")
    track(
        "panels.Attendance",
        child=None,
        authority="meeting__authority_id",
        noun="attendance at a meeting",
    )
    track("panels.Panel", child=None, noun="a panel")
    track(
        "panels.PanelMembership",
        child=None,
        authority="panel__authority_id",
        noun="a panel's membership",
    )
    track("panels.LetterDetails", child=None, noun="the authority's letter details")


def _panel_cases_held(child) -> list[dict]:
    """For a subject access request: each of the child's panel cases with everything on it.
    An invitation's token hash and nonce are left out (they are keys, not information)."""
    from valuing_send.audit.subject_access import row, rows

    from .models import AgendaItem

    result = []
    for case in child.panel_cases.order_by("received_date", "pk"):
        data = row(case)
        data["status_changes"] = rows(case.status_changes.order_by("pk"))
        data["clock_exceptions"] = rows(case.clock_exceptions.order_by("pk"))
        data["disputes"] = rows(case.disputes.order_by("pk"))
        data["advice_requests"] = rows(case.advice_requests.order_by("pk"))
        data["invitations"] = rows(case.invitations.order_by("pk"), exclude=("token_hash", "nonce"))
        data["views"] = rows(case.contributions.order_by("pk"))
        data["decisions"] = [
            {**row(d), "members_present": [u.pk for u in d.members_present.all()]}
            for d in case.decisions.order_by("pk")
        ]
        data["letters"] = rows(case.letters.order_by("pk"))
        data["meetings"] = [
            {"meeting_id": item.meeting_id, "position": item.position}
            for item in AgendaItem.objects.filter(case=case).order_by("pk")
        ]
        result.append(data)
    return result
