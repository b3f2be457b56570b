"""Tables as downloads: one place for CSV and XLSX exports of any table.

Cells that start like a spreadsheet formula (``=``, ``+``, ``-``, ``@``, tab or carriage
return) are prefixed with an apostrophe in CSV so that Excel and LibreOffice show them as text
instead of running them (CSV/formula injection); in XLSX every text cell is written as a text
cell (openpyxl would otherwise store ``=…`` as a formula). ``None`` is an empty cell. CSV rows
are streamed, so an export of a whole caseload never sits in memory; XLSX is built in memory
with openpyxl's write-only workbook (a row at a time, not a cell grid).
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, title: str = "") -> bytes:
    """One worksheet named ``title``: the header in bold, then the rows, numbers as numbers and
    text always as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    # Worksheet names: at most 31 characters, none of []:*?/\
    name = "".join(c for c in (title or "Figures") if c not in "[]:*?/\\")[:31] or "Figures"
    sheet = workbook.create_sheet(title=name)
    bold = Font(bold=True)
    heading_cells = []
    for heading in header:
        cell = WriteOnlyCell(sheet, value=str(heading))
        cell.font = bold
        heading_cells.append(cell)
    sheet.append(heading_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title=""):
    """An XLSX download of ``rows`` under ``header``."""
    response = HttpResponse(xlsx_bytes(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(basename: str, header, rows, *, fmt: str, title: str = ""):
    """The table as ``basename.csv`` or ``basename.xlsx`` (``fmt``)."""
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", header, rows, title=title)
    return csv_response(f"{basename}.csv", header, rows)
