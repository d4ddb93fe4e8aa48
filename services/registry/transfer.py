"""The sheets of villages, advisors and assignments (CSV or XLSX) admins import and
export: their columns, the checks of every row, and the rows of an export.

A file is all or nothing: every bad row and field is reported (spreadsheet row numbers)
and nothing is stored; a good file reports what it created and changed; the same file
imported twice changes nothing the second time (service.import_file applies the rows that
pass these checks). Headers may be Chinese or English.
"""

from datetime import date

import sqlalchemy as sa

from services.registry import queries
from services.registry.models import Advisor, Village
from services.registry.schemas import LANGUAGES, LICENCE
from shared.errors import ApiError

YES = {"是", "yes", "y", "true", "1"}
NO = {"否", "no", "n", "false", "0", ""}
LANGUAGE_NAMES = {"维吾尔语": "ug", "汉语": "zh", "国家通用语言": "zh", "普通话": "zh",
                  "哈萨克语": "kk", "柯尔克孜语": "ky", "俄语": "ru", "英语": "en"}  # fmt: skip
KIND_NAMES = {"村": "village", "社区": "community", "village": "village", "community": "community"}

# kind -> [(field, Chinese header)]; the English field name is accepted as a header too.
COLUMNS = {
    "villages": [("township_code", "乡镇代码"), ("township_name", "乡镇名称"),
                 ("code", "村社区代码"), ("name", "村社区名称"), ("kind", "类型"),
                 ("placeholder_name", "名称为占位")],
    "advisors": [("licence_no", "执业证号"), ("name", "姓名"), ("phone", "手机"),
                 ("law_firm", "律师事务所"), ("languages", "语言"), ("active", "在职")],
    "assignments": [("village_code", "村社区代码"), ("licence_no", "执业证号"),
                    ("valid_from", "起始日期"), ("valid_to", "终止日期")],
}  # fmt: skip


# A file with more problems than this is answered with the first ones: a sheet of empty
# cells gave a 40 MB answer, and no one fixes a file from its thousandth error.
MAX_ERRORS = 200
SHOWN_ROWS = 50


class RowErrors:
    """Every problem of a file (the first MAX_ERRORS), by spreadsheet row and field."""

    def __init__(self):
        self.fields = {}
        self.rows = set()
        self.more = 0

    def add(self, row, field, message):
        self.rows.add(row)
        key = f"{row}.{field}"
        if key not in self.fields and len(self.fields) >= MAX_ERRORS:
            self.more += 1
            return
        self.fields.setdefault(key, []).append(message)

    def has_row(self, row):
        return row in self.rows

    def raise_if_any(self):
        if self.fields:
            rows = sorted(row for row in self.rows if isinstance(row, int))
            listed = ", ".join(map(str, rows[:SHOWN_ROWS])) or "the header"
            if len(rows) > SHOWN_ROWS:
                listed += f" and {len(rows) - SHOWN_ROWS} more"
            fields = self.fields
            if self.more:
                fields = fields | {"file": [f"{self.more} more problems not listed."]}
            raise ApiError(422, f"Nothing was stored: fix rows {listed}.", fields=fields)


def _records(kind, header, rows, errors):
    names = {label: field for field, label in COLUMNS[kind]} | {f: f for f, _ in COLUMNS[kind]}
    fields = [names.get(cell) for cell in header]
    for position, cell in enumerate(header, start=1):
        if fields[position - 1] is None:
            errors.add(1, cell or f"column {position}", "Unknown column.")
    missing = {field for field, _ in COLUMNS[kind]} - set(fields)
    for field in sorted(missing - {"valid_to", "placeholder_name", "active"}):
        errors.add(1, field, "Missing column.")
    errors.raise_if_any()
    for number, cells in rows:
        yield number, {f: (cells[i] if i < len(cells) else "") for i, f in enumerate(fields)}


def _flag(value, row, field, errors, default):
    text = value.strip().lower()
    if text == "":
        return default
    if text in YES or text in NO:
        return text in YES
    errors.add(row, field, "Use 是 or 否.")
    return default


def _day(value, row, field, errors, required=True):
    if not value:
        if required:
            errors.add(row, field, "Missing date.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(row, field, "Not a date (YYYY-MM-DD).")
        return None


def _required(record, row, errors, *fields):
    for field in fields:
        if not record.get(field):
            errors.add(row, field, "Missing value.")


def checked_villages(header, rows):
    """(row, kind, placeholder) of each row of a villages sheet; 422 naming every bad one."""
    errors, seen, clean = RowErrors(), {}, []
    for row, r in _records("villages", header, rows, errors):
        _required(r, row, errors, "township_code", "township_name", "code", "name", "kind")
        if r["township_code"] and not (
            r["township_code"].isdigit() and len(r["township_code"]) == 9
        ):
            errors.add(row, "township_code", "Must be a 9-digit division code.")
        if r["code"] and not (r["code"].isdigit() and len(r["code"]) == 12):
            errors.add(row, "code", "Must be a 12-digit division code.")
        elif r["code"] and not r["code"].startswith(r["township_code"]):
            errors.add(row, "code", "Must begin with its township's code.")
        if r["code"] in seen:
            errors.add(row, "code", f"Also on row {seen[r['code']]}.")
        seen.setdefault(r["code"], row)
        kind = KIND_NAMES.get(r["kind"])
        if r["kind"] and kind is None:
            errors.add(row, "kind", "Use 村 or 社区.")
        placeholder = _flag(r.get("placeholder_name", ""), row, "placeholder_name", errors, False)
        clean.append((r, kind, placeholder))
    errors.raise_if_any()
    return clean


def _languages(value, row, errors):
    codes = []
    for part in value.replace("、", ";").replace(",", ";").replace("，", ";").split(";"):
        part = part.strip()
        if part:
            code = LANGUAGE_NAMES.get(part, part if part in LANGUAGES else None)
            if code is None:
                errors.add(row, "languages", f"Unknown language {part!r}.")
            elif code not in codes:
                codes.append(code)
    if not codes:
        errors.add(row, "languages", "Name at least one language.")
    return codes


def checked_advisors(header, rows):
    """The advisor's values of each row of an advisors sheet; 422 naming every bad one."""
    errors, seen, clean = RowErrors(), {}, []
    for row, r in _records("advisors", header, rows, errors):
        _required(r, row, errors, "licence_no", "name", "phone", "law_firm")
        if r["licence_no"] and not LICENCE.fullmatch(r["licence_no"]):
            errors.add(row, "licence_no", "Must be a 17-digit practising-licence number.")
        if r["licence_no"] in seen:
            errors.add(row, "licence_no", f"Also on row {seen[r['licence_no']]}.")
        seen.setdefault(r["licence_no"], row)
        if r["phone"] and not (
            r["phone"].isdigit() and len(r["phone"]) == 11 and r["phone"][0] == "1"
        ):
            errors.add(row, "phone", "Not a mobile number.")
        values = {
            "name": r["name"], "phone": r["phone"], "law_firm": r["law_firm"],
            "licence_no": r["licence_no"], "languages": _languages(r["languages"], row, errors),
            "active": _flag(r.get("active", ""), row, "active", errors, True),
        }  # fmt: skip
        clean.append(values)
    errors.raise_if_any()
    return clean


def checked_assignments(session, header, rows):
    """(row, village code, advisor id, from, to) of each row of an assignments sheet that
    names a village and an advisor the registry holds, and the RowErrors of the others
    (the assignment rules then add theirs, so one answer lists every problem)."""
    errors, clean = RowErrors(), []
    licences = dict(session.execute(sa.select(Advisor.licence_no, Advisor.id)).all())
    villages = set(session.scalars(sa.select(Village.code)).all())
    for row, r in _records("assignments", header, rows, errors):
        _required(r, row, errors, "village_code", "licence_no")
        if r["village_code"] and r["village_code"] not in villages:
            errors.add(row, "village_code", "No such village in the registry.")
        if r["licence_no"] and r["licence_no"] not in licences:
            errors.add(row, "licence_no", "No advisor with this licence in the registry.")
        start = _day(r["valid_from"], row, "valid_from", errors)
        end = _day(r.get("valid_to", ""), row, "valid_to", errors, required=False)
        if not errors.has_row(row):
            clean.append((row, r["village_code"], licences.get(r["licence_no"]), start, end))
    return clean, errors


def header_of(kind):
    """The Chinese header of a kind's sheet, in the import format."""
    return [label for _field, label in COLUMNS[kind]]


def export_rows(session, *, kind, mask_phone=None):
    """The Chinese header and the rows of a kind, in the import format."""
    header = header_of(kind)
    if kind == "villages":
        rows = [[v.township_code, v.township.name, v.code, v.name,
                 "村" if v.kind == "village" else "社区", "是" if v.placeholder_name else "否"]
                for v in queries.get_villages(session)]  # fmt: skip
    elif kind == "advisors":
        rows = [[a.licence_no, a.name, mask_phone(a.phone) if mask_phone else a.phone, a.law_firm,
                 ";".join(a.languages), "是" if a.active else "否"]
                for a in queries.get_advisors(session)]  # fmt: skip
    else:
        licences = dict(session.execute(sa.select(Advisor.id, Advisor.licence_no)).all())
        rows = [[a.village_code, licences[a.advisor_id], a.valid_from.isoformat(),
                 a.valid_to.isoformat() if a.valid_to else ""]
                for a in queries.assignment_history(session)]  # fmt: skip
    return header, rows
