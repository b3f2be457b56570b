"""Tables as downloads: one place for CSV (and, later, XLSX) exports of any table.

Cells that start like a spreadsheet formula (``=``, ``+``, ``-``, ``@``, tab or carriage
return) are prefixed with an apostrophe so that Excel and LibreOffice show them as text
instead of running them (CSV/formula injection). ``None`` is written as an empty cell.
Rows are streamed, so an export of a whole caseload never sits in memory."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell as a spreadsheet should see it: text that looks like a formula stays text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class _Echo:
    def write(self, value):
        return value


def csv_rows(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """The CSV text line by line: the header, then each row made spreadsheet-safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    """A streamed CSV download of ``rows`` under ``header``."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
