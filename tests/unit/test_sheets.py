"""The one rule for cells safe from formula injection, in xlsx and CSV."""

import csv
import io

import pytest
from openpyxl import load_workbook

from shared.sheets import csv_bytes, looks_like_formula, read_csv_cell, xlsx_bytes

RISKY = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "=cmd|' /C calc'!A0"]
PLAIN = ["普法", "1+1", "a=b", " =1", "", "'quoted"]


@pytest.mark.parametrize("text", RISKY)
def test_a_formula_like_text_is_text_in_both_formats(text):
    assert looks_like_formula(text)
    cell = load_workbook(io.BytesIO(xlsx_bytes("表", ["值"], [[text]]))).active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    written = list(csv.reader(io.StringIO(csv_bytes(["值"], [[text]]).decode("utf-8-sig"))))[1]
    assert written == ["'" + text]
    assert read_csv_cell(written[0]) == text


@pytest.mark.parametrize("text", PLAIN)
def test_other_texts_and_numbers_are_written_as_they_are(text):
    sheet = load_workbook(io.BytesIO(xlsx_bytes("表", ["值", "数"], [[text, -5]]))).active
    assert (sheet["A2"].value or "", sheet["A2"].quotePrefix) == (text, False)
    assert (sheet["B2"].value, sheet["B2"].data_type) == (-5, "n")
    assert read_csv_cell(text) == text
