"""What the leadership dashboard reads: the report paragraph and its .docx, every figure
as xlsx equal to its JSON, record lists as xlsx equal to every page of the JSON list.

Real parts: the bundled Redis, the registry, activities and consultations services as
gunicorn processes; the stats worker's jobs run in-process in RQ burst mode.
"""

import io
import uuid

import pytest
import requests
from docx import Document
from openpyxl import load_workbook

from services.stats.report import county_count, report_paragraph
from tests.integration.rollup_support import (
    ADMIN,
    ADVISOR,
    activity_body,
    all_pages,
    bearer,
    consultation_body,
    counting_world,
    drain,
)

LEADER = bearer("leader")
TOWNSHIP = "653222100"


def _post(url, body, headers=ADMIN):
    answer = requests.post(url, json=body, headers=headers, timeout=10)
    assert answer.status_code in (200, 201), answer.text[:300]
    return answer.json()


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """Redis, the recording services with a year of varied records, a caught-up stats app."""
    with counting_world(tmp_path_factory.mktemp("dashboard")) as world:
        urls = world["urls"]
        items = [{"kind": "activity", "data": activity_body(n)} for n in range(250)]
        items[4]["data"]["title"] = '=HYPERLINK("http://example.invalid","点我")'
        _post(f"{urls['activities']}/activities/batch", {"items": items})
        for number in range(12):
            _post(f"{urls['consultations']}/consultations", consultation_body(number), ADVISOR)
        drain(world["stats"])
        yield world | {"client": world["stats"].test_client()}


def _stats(dashboard, path, headers=ADMIN, **query):
    answer = dashboard["client"].get(path, query_string=query, headers=headers)
    assert answer.status_code == 200, (path, query, answer.get_json())
    return answer


def _sheet(data):
    """The rows of an xlsx's first sheet, as values."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_report_paragraph_states_the_year_summary_in_the_county_style(dashboard):
    summary = _stats(dashboard, "/summary", year="2024").get_json()
    report = _stats(dashboard, "/report", headers=LEADER, year="2024").get_json()
    figures = report["figures"]
    for name, row in summary["figures"].items():
        assert figures[name] == row["value"], name
    assert figures["advisors"] == summary["coverage"]["advisors"] > 0
    assert figures["villages_covered"] == summary["coverage"]["covered"]
    assert report["paragraph"] == report_paragraph("2024", figures)
    assert report["published"] is None  # not yet published: the live figures
    assert f"普法活动{county_count(figures['sessions'])}场次" in report["paragraph"]
    assert f"解答法律咨询{figures['consultations']}人次" in report["paragraph"]  # < 1000: exact
    document = _stats(dashboard, "/report.docx", headers=LEADER, year="2024")
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
    rows = _stats(dashboard, path, **query).get_json()
    download = _stats(dashboard, path, **query, format="xlsx")
    assert download.mimetype.endswith("spreadsheetml.sheet")
    header, *cells = _sheet(download.data)
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
    summary = _stats(dashboard, "/summary", year="2024").get_json()
    header, *cells = _sheet(_stats(dashboard, "/summary", year="2024", format="xlsx").data)
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
    return _sheet(answer.content)


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


def _activity_in(dashboard, year, township, **overrides):
    start = f"{year}-05-06T10:00:00+08:00"
    body = activity_body(1, township_code=township, starts_at=start, ends_at=start, **overrides)
    return _post(f"{dashboard['urls']['activities']}/activities", body)


def _check_in(dashboard, activity, name, ref=None):
    body = {"id": str(uuid.uuid4()), "attendee_name": name, "checked_in_at": activity["starts_at"]}
    if ref is not None:
        body["attendee_ref"] = ref
    return _post(f"{dashboard['urls']['activities']}/activities/{activity['id']}/checkins", body)


def _reach(dashboard, headers, **query):
    url = f"{dashboard['urls']['activities']}/reach"
    return requests.get(url, params=query, headers=headers, timeout=10)


def test_unique_reach_counts_each_referenced_person_once_across_activities(dashboard):
    here, there = "653222102", "653222103"
    first, second = _activity_in(dashboard, 2023, here), _activity_in(dashboard, 2023, here)
    elsewhere = _activity_in(dashboard, 2023, there)
    void = _activity_in(dashboard, 2023, here)
    for activity in (first, second, elsewhere):  # the same three people at each
        for person in ("A1", "B2", "C3"):
            _check_in(dashboard, activity, f"村民{person}", ref=f"65322219900101{person}")
    _check_in(dashboard, first, "阿依古丽")  # no reference: a check-in, not a person
    _check_in(dashboard, second, "阿依古丽")
    _check_in(dashboard, second, "新人", ref="D4")
    _check_in(dashboard, void, "只来过作废的活动", ref="E5")
    _post(
        f"{dashboard['urls']['activities']}/activities/{void['id']}/void",
        {"version": 1, "reason": "重复录入"},
    )
    township = _reach(dashboard, LEADER, year="2023", township_code=here)
    assert township.status_code == 200, township.text[:300]
    assert township.json() | {"counts": None} == {
        "year": "2023",
        "township_code": here,
        "township_name": township.json()["township_name"],
        "people": 4,  # A1, B2, C3 and D4: each once, whatever the activities
        "checkins": 9,
        "checkins_with_reference": 7,
        "counts": None,
    }
    assert township.json()["township_name"] and "身份证" in township.json()["counts"]
    county = _reach(dashboard, ADMIN, year="2023").json()
    assert (county["township_code"], county["township_name"]) == (None, "全县")
    assert (county["people"], county["checkins"], county["checkins_with_reference"]) == (4, 12, 10)
    body = township.text + _reach(dashboard, ADMIN, year="2023").text
    assert "65322219900101" not in body and "A1" not in body  # nothing of a person leaves


def test_staff_read_the_reach_of_their_own_township_only(dashboard):
    staff = bearer("staff", scope={"township": "653222102"})
    own = _reach(dashboard, staff, year="2023")
    assert own.status_code == 200 and own.json()["township_code"] == "653222102"
    assert _reach(dashboard, staff, year="2023", township_code="653222103").status_code == 403
    assert _reach(dashboard, ADVISOR, year="2023").status_code == 403
    bad = _reach(dashboard, ADMIN, year="1999", township_code="65")
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"year", "township_code"}


def _listed(dashboard, link):
    """The records a link through the gateway lists, read from the service itself."""
    service, path = link.removeprefix("/api/v1/").split("/", 1)
    return all_pages(f"{dashboard['urls'][service]}/{path}", ADMIN)


def test_published_figures_are_frozen_and_the_late_records_since_drill_down(dashboard):
    client = dashboard["client"]
    summary = _stats(dashboard, "/summary", year="2024").get_json()
    assert client.post("/publications", json={"year": "2024"}, headers=LEADER).status_code == 403
    published = client.post("/publications", json={"year": "2024"}, headers=ADMIN)
    assert published.status_code == 201, published.get_json()
    first = published.get_json()
    assert (first["year"], first["version"]) == ("2024", 1)
    assert first["figures"] == summary and first["published_at"].endswith("+08:00")
    latest = _stats(dashboard, "/publications/latest", headers=LEADER, year="2024").get_json()
    assert {change["difference"] for change in latest["changes_since"]} == {0}

    # After publication: a record into a closed month (an admin's late write), a correction.
    urls = dashboard["urls"]
    _post(f"{urls['activities']}/periods/close", {"period": "2024-03"})
    start = "2024-03-15T10:00:00+08:00"
    late = _post(
        f"{urls['activities']}/activities",
        activity_body(7, starts_at=start, ends_at=start, headcount=33),
    )
    assert late["late"] is True
    corrected = all_pages(f"{urls['activities']}/activities", ADMIN, township="653222101")[0]
    content = {key: corrected[key] for key in ("type", "title", "organiser", "audience")}
    content |= {key: corrected[key] for key in ("township_code", "venue", "starts_at", "ends_at")}
    answer = requests.put(
        f"{urls['activities']}/activities/{corrected['id']}",
        json=content | {"headcount": corrected["headcount"] + 5, "version": 1},
        headers=ADMIN,
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:300]
    drain(dashboard["stats"])

    latest = _stats(dashboard, "/publications/latest", headers=LEADER, year="2024").get_json()
    assert latest["version"] == 1 and latest["figures"] == summary  # frozen
    changes = {change["metric"]: change for change in latest["changes_since"]}
    sessions = changes["sessions"]
    assert (sessions["published"], sessions["difference"]) == (
        summary["figures"]["sessions"]["value"],
        1,
    )
    assert sessions["now"] == sessions["published"] + 1 and sessions["label"] == "普法活动场次"
    # its drill-down lists the records written since: the late one and the corrected one,
    # and of them the late one is the +1 (the correction was already counted)
    assert {r["id"] for r in _listed(dashboard, sessions["records"])} == {
        late["id"],
        corrected["id"],
    }
    assert changes["attendances"]["difference"] == 33 + 5
    # The report cites what was published, not what the records say now.
    cited = _stats(dashboard, "/report", headers=LEADER, year="2024").get_json()
    assert cited["published"]["version"] == 1
    assert cited["published"]["published_at"] == first["published_at"]
    assert cited["figures"]["sessions"] == sessions["published"] == sessions["now"] - 1
    assert cited["paragraph"] == report_paragraph("2024", cited["figures"])
    document = _stats(dashboard, "/report.docx", headers=LEADER, year="2024")
    texts = [p.text for p in Document(io.BytesIO(document.data)).paragraphs if p.text]
    assert texts == [cited["paragraph"]]
    assert changes["consultations"]["difference"] == 0
    assert _listed(dashboard, changes["consultations"]["records"]) == []

    again = client.post("/publications", json={"year": "2024"}, headers=ADMIN).get_json()
    assert again["version"] == 2
    assert again["figures"]["figures"]["sessions"]["value"] == sessions["now"]
    listed = _stats(dashboard, "/publications", headers=LEADER, year="2024").get_json()
    assert [p["version"] for p in listed] == [2, 1]
    assert listed[1]["figures"] == summary  # the old one stays as it was
    cited = _stats(dashboard, "/report", headers=LEADER, year="2024").get_json()
    assert cited["published"]["version"] == 2 and cited["figures"]["sessions"] == sessions["now"]
    latest = _stats(dashboard, "/publications/latest", year="2024").get_json()
    assert {change["difference"] for change in latest["changes_since"]} == {0}


def test_a_year_never_published_has_no_latest_publication(dashboard):
    answer = dashboard["client"].get("/publications/latest?year=2031", headers=LEADER)
    assert answer.status_code == 404
    assert "2031" in answer.get_json()["error"]["message"]
    assert dashboard["client"].get("/publications?year=2031", headers=LEADER).get_json() == []
    for role in ("staff", "advisor"):
        answer = dashboard["client"].get("/publications?year=2024", headers=bearer(role))
        assert answer.status_code == 403


SMALL = {  # 2025: (village, advisor id) -> categories of its consultations
    ("653222100001", "1"): ["婚恋"] * 2 + ["邻里"] * 6 + ["土地承包"] * 7,
    ("653222100002", "2"): ["家庭"] * 3,  # a village whose only consultations are few
}


@pytest.fixture(scope="module")
def small_cells(dashboard):
    """Consultations of 2025 with small sensitive cells, rolled up."""
    for (village, advisor), categories in SMALL.items():
        for number, category in enumerate(categories):
            body = consultation_body(number) | {
                "village_code": village,
                "category": category,
                "occurred_at": f"2025-{1 + number % 12:02d}-10T10:00:00+08:00",
            }
            headers = bearer("advisor", scope={"advisor_id": advisor})
            _post(f"{dashboard['urls']['consultations']}/consultations", body, headers)
    drain(dashboard["stats"])
    return dashboard


def _consultations(dashboard, headers, **query):
    query = {"metric": "consultations", "period": "2025"} | query
    return _stats(dashboard, "/figures", headers=headers, **query).get_json()


def _values(rows):
    return {row["breakdown"]: row.get("shown", row["value"]) for row in rows}


def test_a_leader_sees_small_sensitive_cells_as_less_than_five_where_an_admin_sees_them(
    small_cells,
):
    village = {"area": "village:653222100001", "by": "category"}
    admin = _consultations(small_cells, ADMIN, **village)
    assert _values(admin) == {"category:土地承包": 7, "category:邻里": 6, "category:婚恋": 2}
    assert all("suppressed" not in row for row in admin)
    leader = _consultations(small_cells, LEADER, **village)
    # 婚恋 2 is small; 邻里 goes with it, or the village's total (15) less 7 would give it
    assert _values(leader) == {"category:土地承包": 7, "category:邻里": "<5", "category:婚恋": "<5"}
    hidden = [row for row in leader if row.get("suppressed")]
    assert all(row["value"] is None and row["breakdown_name"] for row in hidden)
    assert {key for row in hidden for key in row} >= set(admin[0])  # it keeps its keys
    _header, *cells = _sheet(
        _stats(
            small_cells, "/figures", headers=LEADER, metric="consultations", period="2025",
            format="xlsx", **village,
        ).data
    )  # fmt: skip
    assert {cell[5]: cell[7] for cell in cells} == _values(leader)
    # the county and townships are large enough: nothing is suppressed there
    by_category = _consultations(small_cells, LEADER, by="category")
    assert _values(by_category) == _values(_consultations(small_cells, ADMIN, by="category"))


def test_a_village_whose_only_cell_is_small_has_its_total_suppressed_too(small_cells):
    alone = {"area": "village:653222100002"}
    assert _values(_consultations(small_cells, LEADER, **alone, by="category")) == {
        "category:家庭": "<5"
    }
    assert _values(_consultations(small_cells, LEADER, **alone)) == {"all": "<5"}
    assert _values(_consultations(small_cells, ADMIN, **alone)) == {"all": 3}
    trend = {"metric": "consultations", "year": "2025", **alone}
    by_admin = _stats(small_cells, "/trend", **trend).get_json()
    by_leader = _stats(small_cells, "/trend", headers=LEADER, **trend).get_json()
    assert [row["value"] for row in by_admin] == [1, 1, 1] + [0] * 9
    # the months add up to the hidden total: the ones with records are hidden too
    assert [row.get("shown", row["value"]) for row in by_leader] == ["<5"] * 3 + [0] * 9
    township = {"area": "township:653222100", "by": "village"}
    assert _values(_consultations(small_cells, ADMIN, **township)) == {
        "village:653222100001": 15,
        "village:653222100002": 3,
    }
    assert _values(_consultations(small_cells, LEADER, **township)) == {
        "village:653222100001": "<5",  # the complement: or 18 - 15 would give the 3 away
        "village:653222100002": "<5",
    }


def test_no_suppressed_cell_can_be_worked_out_from_its_total(small_cells):
    for area, by in (
        ("village:653222100001", "category"),
        ("village:653222100002", "category"),
        ("township:653222100", "village"),
        ("county", "village"),
        ("county", "advisor_id"),
    ):
        rows = _consultations(small_cells, LEADER, area=area, by=by)
        (total,) = _consultations(small_cells, LEADER, area=area)
        hidden = [row for row in rows if row.get("suppressed")]
        if len(hidden) == 1:  # one alone is the total less the rest: the total is hidden
            assert total.get("suppressed"), (area, by)
        if hidden and not total.get("suppressed"):
            shown = sum(row["value"] for row in rows if not row.get("suppressed"))
            left = total["value"] - shown
            # what is left is shared by two or more cells: none of them alone is known
            assert len(hidden) >= 2 and left >= len(hidden), (area, by, left)
