"""Bulk import and export: all or nothing, every bad row named, re-import changes nothing."""

import io

from openpyxl import load_workbook


def upload(registry, headers, kind, content, filename=None):
    data = {"file": (io.BytesIO(content), filename or f"{kind}.csv")}
    return registry.post(
        f"/import/{kind}", data=data, headers=headers, content_type="multipart/form-data"
    )


def test_a_file_with_bad_rows_names_each_and_stores_nothing(registry, as_admin, village_file):
    content = village_file(
        "653222100,喀拉喀什镇,653222100901,新村一,村,否",  # row 2: good
        "653222100,喀拉喀什镇,65322210090X,新村二,村,否",  # row 3: bad code
        "653222100,喀拉喀什镇,653222100903,,庄,否",  # row 4: no name, bad kind
        "653222100,喀拉喀什镇,653222100901,重复,村,也许",  # row 5: duplicate, bad flag
    )
    answer = upload(registry, as_admin, "villages", content)
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert set(error["fields"]) == {
        "3.code", "4.name", "4.kind", "5.code", "5.placeholder_name",
    }  # fmt: skip
    assert "3, 4, 5" in error["message"]
    assert registry.get("/villages", headers=as_admin).get_json() == []
    assert registry.get("/townships", headers=as_admin).get_json() == []


def test_a_good_file_reports_and_a_second_import_changes_nothing(registry, as_admin, village_file):
    content = village_file(
        "653222100,喀拉喀什镇,653222100901,新村一,村,否",
        "653222200,阿克萨拉依乡,653222200901,新村二,社区,是",
    )
    first = upload(registry, as_admin, "villages", content).get_json()
    assert (first["rows"], first["created"], first["updated"], first["unchanged"]) == (2, 2, 0, 0)
    second = upload(registry, as_admin, "villages", content).get_json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 2)
    renamed = village_file("653222100,喀拉喀什镇,653222100901,新村一(更名),村,否")
    third = upload(registry, as_admin, "villages", renamed).get_json()
    assert third["updated"] == 1
    townships = registry.get("/townships", headers=as_admin).get_json()
    assert [(t["name"], t["kind"]) for t in townships] == [
        ("喀拉喀什镇", "town"),
        ("阿克萨拉依乡", "township"),
    ]


def test_unknown_columns_and_formats_are_refused(registry, as_admin):
    answer = upload(registry, as_admin, "villages", b"code,colour\n1,red\n")
    assert answer.status_code == 422
    assert "1.colour" in answer.get_json()["error"]["fields"]
    assert upload(registry, as_admin, "villages", b"x", "villages.pdf").status_code == 415
    assert upload(registry, as_admin, "planets", b"x").status_code == 404
    missing = registry.post("/import/villages", headers=as_admin, data={})
    assert missing.status_code == 422 and "file" in missing.get_json()["error"]["fields"]


def test_assignment_rows_that_clash_reject_the_whole_file(registry, as_admin, moyu):
    content = (
        "村社区代码,执业证号,起始日期,终止日期\n"
        "653222100001,16532222012100002,2025-01-01,\n"  # moves advisor 2 in: fine alone
        "653222100002,16532222013110003,2020-01-01,\n"  # back-dated into advisor 2's era
        "653222100201,00000000000000000,2025-01-01,\n"  # no such licence
    ).encode()
    answer = upload(registry, as_admin, "assignments", content)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"3.valid_from", "4.licence_no"}
    history = registry.get("/assignments?village=653222100001", headers=as_admin).get_json()
    assert len(history) == 1 and history[0]["to"] is None  # nothing was closed


def test_xlsx_export_reimports_unchanged(registry, auth_header, moyu):
    admin = auth_header("admin")
    exported = registry.get("/export/advisors?format=xlsx", headers=admin)
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).active
    assert [c.value for c in sheet[1]] == ["执业证号", "姓名", "手机", "律师事务所", "语言", "在职"]
    assert sheet.max_row == 325
    report = upload(registry, admin, "advisors", exported.data, "advisors.xlsx").get_json()
    assert (report["rows"], report["unchanged"], report["created"]) == (324, 324, 0)
    leader = registry.get("/export/advisors?format=csv", headers=auth_header("leader"))
    assert "139****0001" in leader.data.decode("utf-8-sig")
    assert "13909990001" not in leader.data.decode("utf-8-sig")
    assert registry.get("/export/advisors", headers=auth_header("staff")).status_code == 403


def test_names_that_look_like_formulas_are_exported_as_text(registry, as_admin, village_file):
    # (the import trims tabs, so none here; tests/unit/test_sheets.py has them)
    names = ['=HYPERLINK("http://x","点我")', "+1+2", "-3", "@SUM(A1)", "新村"]
    rows = [
        f'653222100,喀拉喀什镇,65322210090{n},"{name.replace(chr(34), chr(34) * 2)}",村,否'
        for n, name in enumerate(names)
    ]
    assert upload(registry, as_admin, "villages", village_file(*rows)).status_code == 200
    xlsx = registry.get("/export/villages?format=xlsx", headers=as_admin)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == names
    assert all(cell.data_type == "s" for cell in cells)  # never a formula
    assert [cell.quotePrefix for cell in cells] == [True] * 4 + [False]
    exported = registry.get("/export/villages?format=csv", headers=as_admin)
    csv_text = exported.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'+1+2" in csv_text and ",'-3," in csv_text
    assert ",新村," in csv_text
    # The CSV goes back in as it came out: the apostrophe was ours, not the name's.
    again = upload(registry, as_admin, "villages", csv_text.encode()).get_json()
    assert (again["unchanged"], again["updated"]) == (5, 0)
