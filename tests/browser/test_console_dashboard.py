"""The leadership dashboard in chromium against the real stack holding the demo year: the
numbers on the page are the API's (read from the cards' data and the charts' options),
a click on a card or a bar opens a list whose count is the figure clicked, a record opens
its history, and resident data is as masked as the API answers it for the role."""

import pytest

from tests.browser.console import (
    DESK,
    WALL,
    card_values,
    chart_data,
    click_bar,
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


@pytest.fixture
def leader_page(demo_stack, browser):
    """A leader at a desk, on the demo year's dashboard."""
    context = new_console(browser, DESK)
    page = context.new_page()
    log_in(page, demo_stack.url, "user-leader")
    page.wait_for_url("**/console/dashboard")
    open_dashboard(page, demo_stack.url, demo_stack.year)
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
    assert leader_page.is_visible("[data-testid=records-agree]")
    leader_page.keyboard.press("Escape")
    leader_page.wait_for_selector("[data-testid=records-summary]", state="detached")
    ranking = api(demo_stack, f"/stats/ranking?metric=sessions&period={demo_stack.year}")
    click_bar(leader_page, "ranking", 0, horizontal=True)
    assert drilled(leader_page)[0] == ranking[0]["value"]
    assert ranking[0]["area_name"] in leader_page.text_content("[data-testid=records-table]")


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


def test_the_wall_screen_shows_every_card_and_chart(demo_stack, browser, shots):
    context = new_console(browser, WALL)
    page = context.new_page()
    log_in(page, demo_stack.url, "user-leader")
    page.wait_for_url("**/console/dashboard")
    open_dashboard(page, demo_stack.url, demo_stack.year)
    cards = card_values(page)
    assert set(cards) >= {*COUNTED, "online_reach", "people", "advisors", "coverage"}
    for name in ("trend", "ranking", *CHARTS):
        assert chart_data(page, name)["series"][0]["data"], name
    shots(page, "console/dashboard-wall")
    shots(page, "console/dashboard-wall-whole", whole=True)
    assert context.violations == []
    context.close()
