"""Reading and writing the tables admins fill in: CSV (UTF-8, with or without BOM) and XLSX."""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook, load_workbook

from shared.errors import ApiError

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}  # fmt: skip


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(filename, data):
    """The header and the rows of an uploaded file, each row as (spreadsheet row number, cells)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ApiError(
                422, "The CSV file is not UTF-8.", fields={"file": ["Not UTF-8."]}
            ) from None
        lines = list(csv.reader(io.StringIO(text)))
    elif suffix == "xlsx":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ApiError(
                422, "The file is not a readable XLSX workbook.", fields={"file": ["Unreadable."]}
            ) from None
        lines = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raise ApiError(415, "Send a .csv or .xlsx file.", fields={"file": ["Use .csv or .xlsx."]})
    if not lines:
        raise ApiError(422, "The file is empty.", fields={"file": ["Empty."]})
    header = [cell.strip() for cell in lines[0]]
    rows = [
        (number, [cell.strip() for cell in line])
        for number, line in enumerate(lines[1:], start=2)
        if any(cell.strip() for cell in line)
    ]
    return header, rows


def write_table(header, rows, file_format):
    """A file of the given format ('csv' or 'xlsx') holding the header and rows."""
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8-sig")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
