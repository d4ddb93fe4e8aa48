"""Reading and writing the tables admins fill in: CSV (UTF-8, with or without BOM) and XLSX."""

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from shared.errors import ApiError
from shared.sheets import CSV_TYPE, XLSX_TYPE, csv_bytes, read_csv_cell, xlsx_bytes

FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


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
        lines = [[read_csv_cell(cell) for cell in line] for line in csv.reader(io.StringIO(text))]
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


def write_table(header, rows, file_format, title="登记册"):
    """A file of the given format ('csv' or 'xlsx') holding the header and rows, every
    cell safe from formula injection (shared/sheets.py)."""
    if file_format == "csv":
        return csv_bytes(header, rows)
    return xlsx_bytes(title, header, rows)
