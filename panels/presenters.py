"""What the work tray shows, written in one pass: the same markup the template loop wrote, at a
fraction of its cost (50 rows of seven cells, a link, two dates and a deadline tag each, were
most of the tray's time through the template engine)."""

from django.utils.html import format_html, format_html_join

from valuing_send.core.rows import day_month_year, pk_url, related_text, rendered_once

from .codes import CaseStatus

# What ``get_status_display`` gives, without building the choices' dictionary for every row.
STATUS_LABELS = dict(CaseStatus.choices)


def tray_rows(rows) -> str:
    """The tray's table rows: ``rows`` as the view builds them ({"case", "state"}), each case
    with its child, the child's setting and the caseworker selected."""
    case_url = pk_url("case-detail")
    # Each deadline state's tag (safe HTML) from the one template every page uses.
    tag = rendered_once("panels/_deadline_tag.html", lambda state: {"state": state})

    def cells(row):
        case = row["case"]
        child = case.child
        due = (
            format_html(
                "{}<br>{} {}",
                case.next_clock_label,
                day_month_year(case.next_due),
                tag(row["state"]),
            )
            if case.next_due
            else "–"
        )
        return (
            case_url(case.pk),
            case.reference,
            child.last_name,
            child.first_name,
            case.kind_short,
            STATUS_LABELS.get(case.status, case.status),
            due,
            day_month_year(case.received_date) or "–",
            related_text(case.caseworker, "full_name", "Not allocated"),
            related_text(child.current_setting, "name", "–"),
        )

    return format_html_join(
        "\n",
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
        (cells(row) for row in rows),
    )
