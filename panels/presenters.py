"""What the work tray shows, written in one pass: the same markup the template loop wrote, at a
fraction of its cost (50 rows of seven cells, a link, two dates and a deadline tag each, were
most of the tray's time through the template engine)."""

from django.utils.safestring import SafeString

from valuing_send.core.rows import day_month_year, escaped, joined_rows, pk_url, rendered_once

from .clocks import clock_label, stored_deadline_state
from .codes import KIND_SHORT_LABELS, CaseStatus, case_reference

# What ``get_status_display`` gives, without building the choices' dictionary for every row.
STATUS_LABELS = dict(CaseStatus.choices)


def tray_rows(rows, today) -> str:
    """The tray's table rows: ``rows`` as ``queries.tray_page_rows`` reads them."""
    case_url = pk_url("case-detail")
    # Each deadline state's tag (safe HTML) from the one template every page uses.
    tag = rendered_once("panels/_deadline_tag.html", lambda state: {"state": state})

    def cells(case):
        due = case["next_due"]
        return (
            case_url(case["pk"]),
            case_reference(case["kind"], case["pk"]),
            case["child_last_name"],
            case["child_first_name"],
            KIND_SHORT_LABELS[case["kind"]],
            STATUS_LABELS.get(case["status"], case["status"]),
            SafeString(
                f"{escaped(clock_label(case['next_clock']))}<br>{day_month_year(due)} "
                f"{tag(stored_deadline_state(case['next_clock'], due, today))}"
            )
            if due
            else "–",
            day_month_year(case["received_date"]) or "–",
            case["caseworker_name"] or "Not allocated",
            case["setting_name"] or "–",
        )

    return joined_rows(
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
        '<td class="govuk-table__cell">{}, {}</td>'
        '<td class="govuk-table__cell">{}<br>'
        '<span class="govuk-body-s app-secondary-text">{}</span></td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        "</tr>",
        (cells(case) for case in rows),
    )
