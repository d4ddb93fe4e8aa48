"""Files that cannot be a registry sheet are refused before they are read, and a file
with thousands of problems gets a short answer, not a 40 MB one."""

import io
import re
import resource
import zipfile

from openpyxl import Workbook

from services.registry.spreadsheets import MAX_COLUMNS, MAX_ROWS
from services.registry.transfer import MAX_ERRORS
from tests.unit.registry.test_transfer import upload

HEADER = "乡镇代码,乡镇名称,村社区代码,村社区名称,类型,名称为占位\n"


def _declaring(dimension):
    """A tiny workbook whose one sheet declares `dimension` (and holds one cell)."""
    workbook = Workbook()
    workbook.active["A1"] = "乡镇代码"
    saved = io.BytesIO()
    workbook.save(saved)
    source, crafted = zipfile.ZipFile(io.BytesIO(saved.getvalue())), io.BytesIO()
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                # (openpyxl writes `<dimension ref="A1:A1"/>` when lxml is installed)
                content = re.sub(
                    rb'<dimension ref="A1:A1"\s*/>',
                    f'<dimension ref="{dimension}" />'.encode(),
                    content,
                )
                assert dimension.encode() in content
            target.writestr(member, content)
    return crafted.getvalue()


def test_a_workbook_declaring_a_huge_sheet_is_refused_before_reading(registry, as_admin):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for dimension in ("A1:XFD1048576", "A1:F1048576", "A1:ZZ2"):
        content = _declaring(dimension)
        assert len(content) < 10_000
        answer = upload(registry, as_admin, "villages", content, "villages.xlsx")
        assert answer.status_code == 422, dimension
        assert set(answer.get_json()["error"]["fields"]) == {"file"}
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200_000  # it was 1.6 GB


def test_a_csv_of_empty_cells_gets_a_short_answer(registry, as_admin):
    # (Uploads here stay under the test client's 500 KB spooling threshold.)
    wide = HEADER.rstrip("\n") + "," * 300_000 + "\n"
    answer = upload(registry, as_admin, "villages", wide.encode())
    assert answer.status_code == 422
    assert len(answer.get_data()) < 10_000
    many_bad_rows = HEADER + "x,,y,,z,\n" * (MAX_ROWS - 1)
    answer = upload(registry, as_admin, "villages", many_bad_rows.encode())
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert len(error["fields"]) <= MAX_ERRORS + 1 and "file" in error["fields"]
    assert len(answer.get_data()) < 100_000
    too_long = HEADER + "653222100\n" * (MAX_ROWS + 1)
    answer = upload(registry, as_admin, "villages", too_long.encode())
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"file"}
    assert MAX_COLUMNS < 100
