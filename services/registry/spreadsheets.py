"""Reading and writing the tables admins fill in: CSV (UTF-8, with or without BOM) and XLSX."""

import csv
import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from shared.errors import ApiError
from shared.sheets import CSV_TYPE, XLSX_TYPE, csv_bytes, read_csv_cell, xlsx_bytes

FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


# What a registry sheet can be: 324 villages, their advisors, years of assignments. A file
# past these bounds is refused before it is read (a 5 KB workbook may declare a million
# rows, or unpack to gigabytes); within them, reading it costs little.
MAX_ROWS = 10_000
MAX_COLUMNS = 20
MAX_UNPACKED_BYTES = 64 * 1024 * 1024


def _too_big(what):
    return ApiError(
        422,
        f"The file is too large for a registry sheet: at most {MAX_ROWS:,} rows and "
        f"{MAX_COLUMNS} columns.",
        fields={"file": [f"Too many {what}."]},
    )


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
        lines = [
            [read_csv_cell(cell) for cell in line]
            for line in _bounded(csv.reader(io.StringIO(text)))
        ]
    elif suffix == "xlsx":
        lines = _bounded(_xlsx_rows(data))
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


def _bounded(rows):
    """The rows as lists, refused (422) past MAX_ROWS or MAX_COLUMNS: never read further."""
    lines = []
    for row in rows:
        if len(lines) > MAX_ROWS:  # the header and MAX_ROWS rows
            raise _too_big("rows")
        if len(row) > MAX_COLUMNS and any(str(cell).strip() for cell in row[MAX_COLUMNS:]):
            raise _too_big("columns")
        lines.append(list(row[:MAX_COLUMNS]))
    return lines


def _xlsx_rows(data):
    """The rows of a workbook's first sheet as text, refused before reading it when it
    cannot be a registry sheet (what it unpacks to, what its sheet declares)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        workbook = None if unpacked > MAX_UNPACKED_BYTES else _open_workbook(data)
    except Exception:  # zipfile and openpyxl raise many kinds for a file that is not a workbook
        raise ApiError(
            422, "The file is not a readable XLSX workbook.", fields={"file": ["Unreadable."]}
        ) from None
    if workbook is None:
        raise _too_big("rows")
    try:  # a read-only workbook holds its file open until closed
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > MAX_ROWS + 1:
            raise _too_big("rows")
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise _too_big("columns")
        # Bounded even when the sheet declares nothing: a row past the limit tells it all
        # (and rows are as wide as the sheet says, or one past the limit).
        widest = min(sheet.max_column or MAX_COLUMNS + 1, MAX_COLUMNS + 1)
        for row in sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=widest, values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _open_workbook(data):
    return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def write_table(header, rows, file_format, title="登记册"):
    """A file of the given format ('csv' or 'xlsx') holding the header and rows, every
    cell safe from formula injection (shared/sheets.py)."""
    if file_format == "csv":
        return csv_bytes(header, rows)
    return xlsx_bytes(title, header, rows)
