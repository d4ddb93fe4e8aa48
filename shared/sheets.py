"""The spreadsheets every component hands out (figures, record lists, the registry's
tables): cells that a spreadsheet program never runs as a formula, and xlsx written row by
row from a generator, so a list of any length costs bounded memory.

Formula injection: a text that starts with = + - @, a tab or a carriage return is what
Excel, WPS and LibreOffice may take for a formula (or the start of one) when they open a
file. Such a text is written as text: in xlsx a string cell marked quote-prefixed (the
program shows it as typed and never evaluates it), in CSV prefixed with an apostrophe, the
convention those programs read as "this is text" (the registry's import takes it off again).
This is the one place the rule lives.
"""

import csv
import io
import tempfile

from flask import Response, send_file
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"  # what CSV puts before a formula-like text
SPOOLED_BYTES = 4 * 1024 * 1024  # a file larger than this is spooled to disk while it streams


def json_or_xlsx(description, json_schema):
    """The OpenAPI `responses` of a route that answers JSON (`json_schema`: a schema or an
    OpenAPI schema object) or, with format=xlsx, a spreadsheet."""
    return {
        "200": {
            "description": description,
            "content": {
                "application/json": {"schema": json_schema},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }


def looks_like_formula(value):
    """Whether a value is a text a spreadsheet program could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A value as CSV text: a formula-like text behind an apostrophe, None as empty."""
    if value is None:
        return ""
    if looks_like_formula(value):
        return TEXT_MARK + value
    return value


def read_csv_cell(text):
    """A CSV cell as it was meant: the apostrophe csv_cell put before a formula-like text off."""
    if text.startswith(TEXT_MARK) and looks_like_formula(text[1:]):
        return text[1:]
    return text


def csv_bytes(header, rows):
    """A UTF-8 CSV (with BOM, which Excel needs to read Chinese) of the header and rows."""
    buffer = io.StringIO()
    # RFC 4180 line ends: a field holding either CR or LF is then always quoted.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(value) for value in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(sheet, value):
    """A write-only cell; a text always a string cell, quote-prefixed when formula-like."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters xlsx cannot hold
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def write_xlsx(output, title, header, rows):
    """Write one sheet, the header then each row of the iterable `rows`, to the file
    object `output`: openpyxl's write-only mode keeps no row in memory once written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])  # Excel's limit on a sheet's name
    _fill(sheet, header, rows)
    workbook.save(output)


def _fill(sheet, header, rows):
    """Column widths, the header, then each row, every cell through _xlsx_cell."""
    for number, label in enumerate(header, start=1):
        # Chinese is about two columns a character wide.
        sheet.column_dimensions[get_column_letter(number)].width = max(10, 2 * len(label) + 4)
    sheet.append([_xlsx_cell(sheet, label) for label in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])


def xlsx_bytes(title, header, rows):
    """The xlsx of one small table, as bytes: a whole workbook in memory, so the sheet
    declares its size (its <dimension>; a write-only sheet declares none, and a reader
    such as the registry's import, bounded by it, would read it as wide as it allows)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    _fill(sheet, header, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_download(filename, title, header, rows):
    """A download of the xlsx of a small table (a figures answer), made in memory."""
    return Response(
        xlsx_bytes(title, header, rows),
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": attachment(filename)},
    )


def attachment(filename):
    """The Content-Disposition of a download named `filename` (ASCII)."""
    return f"attachment; filename={filename}"


def xlsx_stream(filename, title, header, rows):
    """A download of the xlsx of `rows` (any iterable, read once): written to a file that
    stays in memory while small and goes to disk when large, then sent in blocks."""
    # Not a `with`: the response closes the file once it is sent.
    output = tempfile.SpooledTemporaryFile(max_size=SPOOLED_BYTES)  # noqa: SIM115
    try:
        write_xlsx(output, title, header, rows)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return send_file(output, mimetype=XLSX_TYPE, as_attachment=True, download_name=filename)


def _at(dumped, path):
    """The value at a dotted path of a dumped record ("resident.name")."""
    for part in path.split("."):
        dumped = dumped.get(part) if isinstance(dumped, dict) else None
    return dumped


def _shown(value):
    """A dumped value as a sheet shows it: 是/否 for a flag, a list joined with 、."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    return value


def record_rows(columns, schema, records):
    """Each record as a sheet row: dumped by the list's own answer schema, so it is masked
    exactly as the JSON list is, then its `columns` ((dotted key, header) pairs) read out."""
    for record in records:
        dumped = schema.dump(record)
        yield [_shown(_at(dumped, key)) for key, _label in columns]


def record_sheet(filename, title, columns, schema, records):
    """An xlsx download of every record of `records` (an iterable read once, a page at a
    time), under the columns' Chinese headers."""
    header = [label for _key, label in columns]
    return xlsx_stream(filename, title, header, record_rows(columns, schema, records))
