"""The leadership dashboard in chromium against the real stack holding the demo year: the
numbers on the page are the API's (read from the cards' data and the charts' options),
a click on a card or a bar opens a list whose count is the figure clicked, a record opens
its history, and resident data is as masked as the API answers it for the role."""

import io
import uuid

import docx
import openpyxl
import pytest

from tests.browser.console import (
    DESK,
    WALL,
    card_values,
    chart_data,
    click_bar,
    click_bar_to_list,
    drilled,
    log_in,
    new_console,
    open_dashboard,
)

COUNTED = ("sessions", "attendances", "consultations", "cadre_sessions", "cadre_attendances")
CHARTS = {
    "type": ("sessions", "type"),
    "organiser": ("sessions", "organiser"),
    "audience": ("sessions", "audience"),
    "category": ("consultations", "category"),
    "channel": ("consultations", "channel"),
    "outcome": ("consultations", "outcome"),
    "advisor": ("consultations", "advisor_id"),
}


def dashboard_as(browser, stack, username, viewport):
    """(context, page): `username` logged in at `viewport`, on the demo year's dashboard."""
    context = new_console(browser, viewport)
    page = context.new_page()
    log_in(page, stack.url, username)
    page.wait_for_url("**/console/dashboard")
    open_dashboard(page, stack.url, stack.year)
    return context, page


@pytest.fixture
def leader_page(demo_stack, browser):
    """A leader at a desk, on the demo year's dashboard."""
    context, page = dashboard_as(browser, demo_stack, "user-leader", DESK)
    yield page
    assert context.violations == []
    context.close()


def api(stack, path, role="leader"):
    answer = stack.api("GET", path, role=role)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_cards_say_the_years_figures_as_the_api_answers(demo_stack, leader_page, shots):
    summary = api(demo_stack, f"/stats/summary?year={demo_stack.year}")
    cards = card_values(leader_page)
    for metric in (*COUNTED, "online_reach"):
        value = summary["figures"][metric]["value"]
        assert cards[metric][0] == str(value), metric
        assert cards[metric][1].endswith(f" {value}"), cards[metric]
    assert cards["sessions"][1] == f"普法活动场次 {summary['figures']['sessions']['value']}"
    assert cards["advisors"][0] == str(summary["advisors_active"])
    assert float(cards["coverage"][0]) == int(summary["coverage"]["ratio"] * 1000) / 10
    fresh = leader_page.text_content("[data-metric=sessions] .headline-fresh")
    assert "已全部计入" in fresh or "尚未计入" in fresh
    shots(leader_page, "console/dashboard-desk", whole=True)


def test_the_charts_draw_the_apis_figures(demo_stack, leader_page):
    year = demo_stack.year
    for name, (metric, by) in CHARTS.items():
        rows = api(demo_stack, f"/stats/figures?metric={metric}&period={year}&by={by}")
        drawn = chart_data(leader_page, name)["series"][0]["data"]
        expected = {row["breakdown_name"]: row.get("shown") or str(row["value"]) for row in rows}
        assert {item["name"]: item["shown"] for item in drawn} == expected, name
    trend = api(demo_stack, f"/stats/trend?metric=sessions&year={year}")
    drawn = chart_data(leader_page, "trend")["series"][0]["data"]
    assert [item["value"] for item in drawn] == [row["value"] for row in trend]
    ranking = api(demo_stack, f"/stats/ranking?metric=sessions&period={year}")
    drawn = chart_data(leader_page, "ranking")
    values = [bar["value"] for bar in drawn["series"][0]["data"]]
    by_name = dict(zip(drawn["yAxis"][0], values, strict=True))
    townships = api(demo_stack, "/registry/townships")
    assert len(by_name) == len(townships) == 16
    assert {row["area_name"]: row["value"] for row in ranking}.items() <= by_name.items()


def test_a_click_on_a_bar_lists_exactly_the_records_of_that_figure(demo_stack, leader_page):
    trend = api(demo_stack, f"/stats/trend?metric=sessions&year={demo_stack.year}")
    click_bar(leader_page, "trend", 2)  # March
    assert drilled(leader_page) == (trend[2]["value"], None)
    leader_page.wait_for_selector("[data-testid=records-agree]")  # 与所点数字一致
    leader_page.keyboard.press("Escape")
    leader_page.wait_for_selector("[data-testid=records-summary]", state="detached")
    ranking = api(demo_stack, f"/stats/ranking?metric=sessions&period={demo_stack.year}")
    click_bar_to_list(leader_page, "ranking", 0, horizontal=True)
    assert drilled(leader_page)[0] == ranking[0]["value"]
    assert ranking[0]["area_name"] in leader_page.text_content("[data-testid=records-table]")


def test_a_filter_on_the_list_narrows_it_to_that_figure(demo_stack, leader_page):
    year = demo_stack.year
    click_bar(leader_page, "trend", 4)  # May
    drilled(leader_page)
    by_type = api(demo_stack, f"/stats/figures?metric=sessions&period={year}-05&by=type")
    chosen = by_type[-1]  # the smallest
    leader_page.click("[data-filter=type]")
    leader_page.click(f".el-select-dropdown__item:visible:has-text('{chosen['breakdown_name']}')")
    leader_page.click(".drill-filters button[type=submit]")
    leader_page.wait_for_selector("text=已改变筛选条件")
    assert drilled(leader_page)[0] == chosen["value"]
    types = leader_page.eval_on_selector_all(
        "[data-testid=records-table] .el-table__body tr td:nth-child(3)",
        "cells => [...new Set(cells.map((cell) => cell.textContent.trim()))]",
    )
    assert types == [chosen["breakdown_name"]]


def test_a_card_lists_its_records_and_a_record_opens_its_history(demo_stack, leader_page, shots):
    summary = api(demo_stack, f"/stats/summary?year={demo_stack.year}")
    leader_page.click("[data-testid=card-cadre_attendances]")
    cadre = summary["figures"]
    assert drilled(leader_page) == (
        cadre["cadre_sessions"]["value"],
        cadre["cadre_attendances"]["value"],
    )
    shots(leader_page, "console/drill-down-desk")
    leader_page.click("[data-testid=records-table] .el-table__body tr >> nth=0")
    leader_page.wait_for_selector("[data-testid=history] .el-timeline-item")
    assert "第 1 版 · 录入" in leader_page.text_content("[data-testid=history]")
    shots(leader_page, "console/history-desk")


def test_a_leader_sees_residents_masked_as_the_api_answers(demo_stack, leader_page):
    summary = api(demo_stack, f"/stats/summary?year={demo_stack.year}")
    figure = summary["figures"]["consultations"]
    leader_page.click("[data-testid=card-consultations]")
    assert drilled(leader_page)[0] == figure["value"]
    first = leader_page.text_content("[data-testid=resident] >> nth=0")
    listed = api(demo_stack, figure["records"].removeprefix("/api/v1") + "&limit=1")["items"][0]
    assert first == listed["resident"]["name"] and listed["resident_masked"] is True
    assert "已脱敏" in leader_page.text_content("[data-testid=records-table] .el-table__body")


def shown_rows(rows):
    """{name: what the page must show} of figure rows: "<5" for a suppressed cell."""
    return {row["breakdown_name"]: row.get("shown") or str(row["value"]) for row in rows}


def test_a_leader_sees_less_than_five_where_an_admin_sees_the_count(demo_stack, browser, shots):
    year = demo_stack.year
    villages = api(demo_stack, f"/stats/figures?metric=consultations&period={year}&by=village")
    for row in villages:
        code = row["breakdown"].partition(":")[2]
        path = f"/stats/figures?metric=consultations&period={year}&area=village:{code}&by=category"
        as_leader = api(demo_stack, path)
        if any(cell.get("suppressed") for cell in as_leader):
            break
    else:
        pytest.fail("no village of the demo year has a small sensitive cell")
    as_admin = api(demo_stack, path, role="admin")
    seen = {}
    for username, rows in (("user-leader", as_leader), ("root-admin", as_admin)):
        context = new_console(browser, DESK)
        page = context.new_page()
        log_in(page, demo_stack.url, username)
        page.wait_for_url("**/console/dashboard")
        open_dashboard(page, demo_stack.url, year, village=code)
        drawn = chart_data(page, "village")["series"][0]["data"]
        seen[username] = {item["name"]: item["shown"] for item in drawn}
        assert seen[username] == shown_rows(rows), username
        page.locator("[data-chart=village]").scroll_into_view_if_needed()
        shots(page, f"console/small-cells-{username}")
        context.close()
    hidden = [name for name, shown in seen["user-leader"].items() if shown == "<5"]
    assert hidden and all(seen["root-admin"][name].isdigit() for name in hidden)


def test_the_wall_screen_shows_every_card_and_chart(demo_stack, browser, shots):
    context, page = dashboard_as(browser, demo_stack, "user-leader", WALL)
    cards = card_values(page)
    assert set(cards) >= {*COUNTED, "online_reach", "people", "advisors", "coverage"}
    for name in ("trend", "ranking", *CHARTS):
        assert chart_data(page, name)["series"][0]["data"], name
    shots(page, "console/dashboard-wall")
    shots(page, "console/dashboard-wall-whole", whole=True)
    assert context.violations == []
    context.close()


def downloaded(page, selector):
    """Click what downloads a file; the file the browser saved, opened (bytes in memory)."""
    with page.expect_download() as download:
        page.click(selector)
    return io.BytesIO(download.value.path().read_bytes())


def test_a_charts_excel_holds_the_numbers_it_draws(demo_stack, leader_page):
    drawn = chart_data(leader_page, "type")["series"][0]["data"]
    sheet = openpyxl.load_workbook(downloaded(leader_page, "[data-testid=xlsx-type]")).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    named, value = header.index("细分"), header.index("数值")
    assert {row[named]: str(row[value]) for row in rows} == {d["name"]: d["shown"] for d in drawn}


def test_a_record_lists_excel_holds_every_record_listed(demo_stack, leader_page):
    leader_page.click("[data-testid=card-cadre_sessions]")
    count, _ = drilled(leader_page)
    sheet = openpyxl.load_workbook(downloaded(leader_page, "[data-testid=records-xlsx]")).active
    assert sheet.max_row - 1 == count


def test_the_quiet_villages_are_the_apis_and_their_excel_the_table(demo_stack, leader_page):
    answer = api(demo_stack, f"/stats/quiet-villages?year={demo_stack.year}&months=3")
    count = leader_page.locator("[data-testid=quiet-count]")
    assert count.get_attribute("data-count") == str(len(answer["quiet"]))
    assert f"共 {answer['villages']} 个" in count.inner_text()
    first = leader_page.locator("[data-testid=quiet-table] tbody tr").first
    if answer["quiet"]:
        assert answer["quiet"][0]["village_name"] in first.inner_text()
    sheet = openpyxl.load_workbook(downloaded(leader_page, "[data-testid=xlsx-quiet]")).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    code = header.index("村(社区)代码")
    assert [row[code] for row in rows] == [row["village"] for row in answer["quiet"]]


def test_the_report_paragraph_is_the_apis_copied_and_in_word(demo_stack, leader_page, shots):
    report = api(demo_stack, f"/stats/report?year={demo_stack.year}")
    shown = leader_page.text_content("[data-testid=report-paragraph]").strip()
    assert shown == report["paragraph"]
    source = leader_page.locator("[data-testid=report-source]")
    if report["published"] is None:
        assert "尚未发布，以下为实时数字" in source.inner_text()
    else:
        assert source.get_attribute("data-version") == str(report["published"]["version"])
    document = docx.Document(downloaded(leader_page, "[data-testid=docx]"))
    assert report["paragraph"] in "\n".join(p.text for p in document.paragraphs)
    leader_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    leader_page.click("[data-testid=copy-paragraph]")
    assert leader_page.evaluate("() => navigator.clipboard.readText()") == report["paragraph"]


def test_the_people_reached_are_the_activities_services_count(demo_stack, leader_page):
    reach = api(demo_stack, f"/activities/reach?year={demo_stack.year}")
    cards = card_values(leader_page)
    assert cards["people"][0] == str(reach["people"])
    note = "[data-metric=people] .headline-note"
    assert leader_page.get_attribute(note, "title") == reach["counts"]
    assert f"签到 {reach['checkins']:,} 人次" in leader_page.text_content(note)


def test_the_leader_is_offered_no_publishing(leader_page):
    assert leader_page.locator("[data-testid=publish]").count() == 0


def late_activity(stack):
    """A new activity dated in the demo year (December, a month still open), recorded after
    the publication."""
    village = api(stack, "/registry/villages", role="admin")[0]
    body = {
        "id": str(uuid.uuid4()),
        "type": "宪法宣传",
        "title": f"发布后补录的宪法宣传 {uuid.uuid4().hex[:6]}",
        "organiser": "司法局",
        "audience": "public",
        "township_code": village["township_code"],
        "village_code": village["code"],
        "venue": "村委会",
        "starts_at": f"{stack.year}-12-15T10:00:00+08:00",
        "ends_at": f"{stack.year}-12-15T12:00:00+08:00",
        "headcount": 37,
    }
    answer = stack.api("POST", "/activities/activities", role="admin", json=body)
    assert answer.status_code == 201, answer.text
    return body


def test_an_admin_publishes_and_a_late_record_shows_as_the_difference(demo_stack, browser, shots):
    context, page = dashboard_as(browser, demo_stack, "root-admin", DESK)
    page.click("[data-testid=publish]")
    page.click(".el-message-box .el-button--primary")
    page.wait_for_selector("[data-testid=publication]")
    before = demo_stack.summary(demo_stack.year)
    late = late_activity(demo_stack)
    demo_stack.settled_summary(demo_stack.year, {"sessions": before["sessions"] + 1})
    open_dashboard(page, demo_stack.url, demo_stack.year)
    change = page.text_content("[data-testid=change-sessions]").strip()
    assert change == "发布后新增 1 场次"
    assert page.get_attribute("[data-metric=sessions]", "data-value") == str(before["sessions"] + 1)
    # ...while the report paragraph still states what was published
    report = api(demo_stack, f"/stats/report?year={demo_stack.year}")
    assert report["figures"]["sessions"] == before["sessions"]
    assert page.text_content("[data-testid=report-paragraph]").strip() == report["paragraph"]
    cited = page.locator("[data-testid=report-source]")
    assert cited.get_attribute("data-version") == str(report["published"]["version"])
    assert f"引用第 {report['published']['version']} 版发布数字" in cited.inner_text()
    shots(page, "console/published-desk")
    page.click("[data-testid=change-sessions]")
    assert drilled(page)[0] == 1
    assert late["title"] in page.text_content("[data-testid=records-table]")
    shots(page, "console/published-drill-down-desk")
    assert context.violations == []
    context.close()
