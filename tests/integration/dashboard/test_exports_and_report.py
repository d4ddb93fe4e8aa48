"""What the leadership dashboard reads: the report paragraph and its .docx, every figure
as xlsx equal to its JSON, record lists as xlsx equal to every page of the JSON list."""

import io

import pytest
import requests
from docx import Document
from openpyxl import load_workbook

from services.stats.report import county_count, report_paragraph
from tests.integration.dashboard.support import LEADER, TOWNSHIP, sheet_rows, stats_read
from tests.integration.rollup_support import (
    ADMIN,
    all_pages,
    bearer,
)


def test_the_report_paragraph_states_the_year_summary_in_the_county_style(dashboard):
    summary = stats_read(dashboard, "/summary", year="2024").get_json()
    report = stats_read(dashboard, "/report", headers=LEADER, year="2024").get_json()
    figures = report["figures"]
    for name, row in summary["figures"].items():
        assert figures[name] == row["value"], name
    assert figures["advisors"] == summary["coverage"]["advisors"] > 0
    assert figures["villages_covered"] == summary["coverage"]["covered"]
    assert report["paragraph"] == report_paragraph("2024", figures)
    assert report["published"] is None  # not yet published: the live figures
    assert f"普法活动{county_count(figures['sessions'])}场次" in report["paragraph"]
    assert f"解答法律咨询{figures['consultations']}人次" in report["paragraph"]  # < 1000: exact
    document = stats_read(dashboard, "/report.docx", headers=LEADER, year="2024")
    assert document.mimetype.endswith("wordprocessingml.document")
    texts = [p.text for p in Document(io.BytesIO(document.data)).paragraphs if p.text]
    assert texts == [report["paragraph"]]


def test_staff_and_advisors_get_no_report(dashboard):
    for role in ("staff", "advisor"):
        answer = dashboard["client"].get("/report?year=2024", headers=bearer(role))
        assert answer.status_code == 403


FIGURE_QUERIES = [
    ("/figures", {"metric": "sessions", "period": "2024"}),
    ("/figures", {"metric": "attendances", "period": "2024", "by": "type"}),
    ("/figures", {"metric": "sessions", "period": "2024", "by": "township"}),
    ("/figures", {"metric": "consultations", "period": "2024", "by": "category"}),
    ("/figures", {"metric": "consultations", "period": "2024", "by": "advisor_id"}),
    ("/figures", {"metric": "sessions", "period": "2024", "area": f"township:{TOWNSHIP}"}),
    ("/trend", {"metric": "sessions", "year": "2024"}),
    ("/ranking", {"metric": "attendances", "period": "2024"}),
]


@pytest.mark.parametrize(("path", "query"), FIGURE_QUERIES)
def test_every_figure_downloads_as_xlsx_of_exactly_its_json_rows(dashboard, path, query):
    rows = stats_read(dashboard, path, **query).get_json()
    download = stats_read(dashboard, path, **query, format="xlsx")
    assert download.mimetype.endswith("spreadsheetml.sheet")
    header, *cells = sheet_rows(download.data)
    assert header[:8] == [
        "指标代码",
        "指标",
        "期间",
        "地区代码",
        "地区",
        "细分代码",
        "细分",
        "数值",
    ]
    assert len(cells) == len(rows) > 0
    for cell, row in zip(cells, rows, strict=True):
        assert cell == [
            row["metric"],
            cell[1],
            row["period"],
            row["area"],
            row["area_name"],
            row["breakdown"],
            row["breakdown_name"],
            row["value"],
            row["records"],
        ]
        assert cell[1] and cell[1] != row["metric"]  # the metric's Chinese label


def test_the_year_summary_downloads_as_xlsx_with_its_coverage(dashboard):
    summary = stats_read(dashboard, "/summary", year="2024").get_json()
    header, *cells = sheet_rows(stats_read(dashboard, "/summary", year="2024", format="xlsx").data)
    assert header[7] == "数值"
    by_code = {cell[0]: cell for cell in cells}
    assert len(cells) == len(summary["figures"]) + 4
    for name, row in summary["figures"].items():
        assert by_code[name][7] == row["value"] and by_code[name][4] == "全县"
    for name in ("advisors", "villages", "covered", "ratio"):
        assert by_code[name][7] == summary["coverage"][name]


def test_a_format_the_figures_do_not_make_is_refused(dashboard):
    answer = dashboard["client"].get("/trend?metric=sessions&year=2024&format=pdf", headers=ADMIN)
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["format"]


def _flat(value):
    """A JSON value as the record sheets write it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        value = "、".join(value)
    return None if value == "" else value  # an empty cell reads back as None


def _download(url, headers, **params):
    answer = requests.get(url, params=params | {"format": "xlsx"}, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    assert "spreadsheetml.sheet" in answer.headers["Content-Type"]
    return sheet_rows(answer.content)


def test_an_activity_list_downloads_as_every_matching_record_not_one_page(dashboard):
    url = f"{dashboard['urls']['activities']}/activities"
    listed = all_pages(url, ADMIN, township=TOWNSHIP)
    header, *rows = _download(url, ADMIN, township=TOWNSHIP)
    assert len(rows) == len(listed) > 100  # more than a page of the JSON list
    assert header[:4] == ["编号", "日期", "乡镇代码", "乡镇"]
    by_id = {record["id"]: record for record in listed}
    keys = ["id", "day", "township_code", "township_name", "village_code", "village_name"]
    keys += ["type", "title", "organiser", "audience", "venue", "starts_at", "ends_at"]
    keys += ["headcount", "checkins", "attendances", "online_reach", "languages", "late"]
    for row in rows:
        record = by_id[row[0]]
        assert row[: len(keys)] == [_flat(record[key]) for key in keys]
        assert row[3] == "喀拉喀什镇"
    (formula,) = [row for row in rows if row[7].startswith("=")]
    assert formula[7] == by_id[formula[0]]["title"]  # kept exactly, as text:
    raw = requests.get(
        url, params={"format": "xlsx", "township": TOWNSHIP}, headers=ADMIN, timeout=30
    )
    titles = [row[7] for row in load_workbook(io.BytesIO(raw.content)).active.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in titles)
    assert [cell.quotePrefix for cell in titles].count(True) == 1


def test_a_consultation_list_downloads_masked_exactly_as_the_json_list(dashboard):
    url = f"{dashboard['urls']['consultations']}/consultations"
    for headers, masked in ((LEADER, True), (ADMIN, False)):
        listed = all_pages(url, headers, category="婚恋")
        header, *rows = _download(url, headers, category="婚恋")
        assert len(rows) == len(listed) > 0
        names = header.index("咨询人")
        for row, record in zip(rows, listed, strict=True):
            assert row[0] == record["id"]
            assert row[header.index("法律顾问")] == record["advisor_name"]
            assert row[header.index("村(社区)")] == record["village_name"]
            assert row[names] == record["resident"]["name"]
            assert (row[names] == "居民") is not masked


def test_a_list_download_keeps_to_the_callers_scope(dashboard):
    url = f"{dashboard['urls']['activities']}/activities"
    staff = bearer("staff", scope={"township": "653222101"})
    _header, *rows = _download(url, staff)
    assert rows and {row[2] for row in rows} == {"653222101"}
    answer = requests.get(
        url, params={"format": "xlsx", "township": TOWNSHIP}, headers=staff, timeout=10
    )
    assert answer.status_code == 403
