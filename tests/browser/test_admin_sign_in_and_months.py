"""The admin console in chromium against the real stack, accounts and months: a staff or
advisor account made and signed in, a closed month and its exception, a year published, and
a leader kept out of the admin pages. Screenshots under var/artifacts/browser/admin/."""

import re
import uuid
from datetime import datetime, timedelta

import requests

from shared.clock import LOCAL_ZONE
from tests.browser.admin_console import (
    ADMIN_PAGES,
    answer_late,
    as_admin,
    fill_date,
    hold_back,
    new_advisor,
    open_page,
    pick_advisor,
    wait_held,
)
from tests.browser.console import log_in, menu_entries, new_console
from tests.browser.field_app import open_app
from tests.support.accounts import PASSWORD
from tests.support.accounts import log_in as log_in_by_api

TOWNSHIP = "653222100"


def field_app_login(browser, stack, username, password):
    """The field app on a phone-sized page, logged in from its form."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")  # fmt: skip
    page = open_app(stack.url, context)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    return context, page


def test_a_staff_account_logs_in_and_changes_a_reset_password(stack, browser, shots):
    username = f"staff-{uuid.uuid4().hex[:6]}"
    context, page = as_admin(browser, stack, "accounts")
    page.click("[data-testid=account-new]")
    page.click("[data-testid=account-role] label:has-text('乡镇工作人员')")
    page.click("[data-testid=account-township]")
    page.keyboard.type("喀拉喀什")
    page.click(".el-select-dropdown__item:visible:has-text('喀拉喀什镇')")
    page.fill("[data-testid=account-form] input[name=username]", username)
    page.fill("[data-testid=account-form] input[name=display_name]", "热孜万古丽")
    page.fill("[data-testid=account-form] input[name=password]", "123")  # too short
    page.click("[data-testid=account-save]")
    assert (
        "新密码不符合要求" in page.wait_for_selector("[data-testid=account-error]").text_content()
    )
    beside = page.locator("[data-testid=account-form] .el-form-item:has(input[name=password])")
    assert "至少" in beside.locator(".el-form-item__error").text_content()  # under the field
    assert page.input_value("[data-testid=account-form] input[name=username]") == username
    shots(page, "admin/accounts-refused")
    page.fill("[data-testid=account-form] input[name=password]", PASSWORD)
    page.click("[data-testid=account-save]")
    row = page.wait_for_selector(f"[data-testid=accounts] tr:has-text('{username}')")
    assert "喀拉喀什镇" in row.text_content() and "乡镇工作人员" in row.text_content()
    created = next(a for a in stack.api("GET", "/accounts").json() if a["username"] == username)
    assert created["scope"] == {"township": TOWNSHIP}

    phone, app = field_app_login(browser, stack, username, PASSWORD)
    app.wait_for_selector("[data-testid=pending-count]")  # in the field app
    phone.close()

    page.click(f"[data-testid=account-{username}] [data-testid=reset]")
    page.fill("input[name=reset_password]", "temporary-pass-2031")
    page.click("[data-testid=reset-save]")
    assert (
        "下次登录时须修改密码" in page.wait_for_selector("[data-testid=reset-done]").text_content()
    )
    page.keyboard.press("Escape")
    page.wait_for_selector("[data-testid=reset-form]", state="hidden")
    page.wait_for_selector(f"[data-testid=accounts] tr:has-text('{username}'):has-text('须改密码')")
    shots(page, "admin/accounts")
    # who logged in last: the account's first login (in /app/), in county time
    last = next(a for a in stack.api("GET", "/accounts").json() if a["username"] == username)
    shown = page.text_content(f"[data-testid=accounts] tr:has-text('{username}')")
    assert last["last_login_at"][:16].replace("T", " ") in shown

    phone, app = field_app_login(browser, stack, username, "temporary-pass-2031")
    app.wait_for_selector("[data-testid=must-change]")
    app.fill("input[name=current_password]", "temporary-pass-2031")
    app.fill("input[name=new_password]", PASSWORD + "-new")
    app.fill("input[name=new_password_again]", PASSWORD + "-new")
    shots(app, "admin/field-app-must-change")
    app.click("button[type=submit]")
    app.wait_for_selector("[data-testid=pending-count]")
    phone.close()
    login = log_in_by_api(stack.url, username, PASSWORD + "-new")
    assert login.status_code == 200 and login.json()["must_change_password"] is False

    page.click(f"[data-testid=account-{username}] [data-testid=disable]")
    page.wait_for_selector(f"[data-testid=accounts] tr:has-text('{username}'):has-text('已停用')")
    assert log_in_by_api(stack.url, username, PASSWORD + "-new").status_code in (401, 403)
    page.click(f"[data-testid=account-{username}] [data-testid=enable]")
    page.wait_for_selector(f"[data-testid=account-{username}] [data-testid=disable]")
    assert log_in_by_api(stack.url, username, PASSWORD + "-new").status_code == 200
    context.close()


def test_an_advisor_login_is_tied_to_an_advisor_picked_from_the_registry(stack, browser):
    advisor = new_advisor(stack, 5, "阿迪力·账号")
    username = f"advisor-{uuid.uuid4().hex[:6]}"
    context, page = as_admin(browser, stack, "accounts")
    page.click("[data-testid=account-new]")
    page.click("[data-testid=account-role] label:has-text('村(社区)法律顾问')")
    page.click("[data-testid=account-save]")  # no advisor picked: the server says so there
    beside = page.locator(
        "[data-testid=account-form] .el-form-item:has([data-testid=advisor-picker])"
    )
    assert "须指定" in beside.locator(".el-form-item__error").text_content()
    pick_advisor(page, "[data-testid=account-form]", advisor["name"])
    page.fill("[data-testid=account-form] input[name=username]", username)
    page.fill("[data-testid=account-form] input[name=password]", PASSWORD)
    page.click("[data-testid=account-save]")
    row = page.wait_for_selector(f"[data-testid=accounts] tr:has-text('{username}')")
    assert advisor["name"] in row.text_content()
    created = next(a for a in stack.api("GET", "/accounts").json() if a["username"] == username)
    assert created["scope"] == {"advisor_id": str(advisor["id"])}
    context.close()


def staff_activity(stack, day):
    """The staff account records an activity dated on a day; return the answer."""
    start = datetime(day.year, day.month, day.day, 10, tzinfo=LOCAL_ZONE)
    body = {
        "id": str(uuid.uuid4()), "type": "法润巴扎", "title": "关账测试", "organiser": "司法局",
        "audience": "public", "township_code": TOWNSHIP, "venue": "村委会",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
        "headcount": 12,
    }  # fmt: skip
    return requests.post(f"{stack.url}/api/v1/activities/activities", json=body,
                         headers=stack.logins.header("staff"), timeout=10)  # fmt: skip


def test_a_closed_month_refuses_staff_until_an_exception(stack, browser, shots):
    day = datetime(2025, 3, 9)
    context, page = as_admin(browser, stack, "periods")
    fill_date(page, "input[name=close_period]", "2025-03")
    page.click("[data-testid=close-submit]")
    page.wait_for_selector("[data-testid=closed-periods] tr:has-text('2025-03')")
    refused = staff_activity(stack, day)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "period_closed"
    assert refused.json()["error"]["message"].startswith("2025-03 月已关账")

    page.click("[data-testid=exception-township]")
    page.keyboard.type("喀拉喀什")
    page.click(".el-select-dropdown__item:visible:has-text('喀拉喀什镇')")
    page.fill("[data-testid=exception-form] input[name=reason]", "补录三月的巴扎普法")
    page.click("[data-testid=exception-submit]")  # no time yet: the server says so there
    assert page.wait_for_selector(
        "[data-testid=exception-form] .el-form-item__error"
    ).text_content()
    until = (datetime.now(LOCAL_ZONE) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    fill_date(page, "input[name=until]", until)
    page.click("[data-testid=exception-submit]")
    assert "喀拉喀什镇" in page.wait_for_selector("[data-testid=exception-done]").text_content()
    row = page.wait_for_selector("[data-testid=open-exceptions] tr:has-text('补录三月的巴扎普法')")
    assert "喀拉喀什镇" in row.text_content() and "2025-03" in row.text_content()
    shots(page, "admin/periods", whole=True)
    let_in = staff_activity(stack, day)
    assert let_in.status_code == 201, let_in.text
    context.close()


def test_a_year_is_published_and_what_changed_since_is_shown(stack, browser, shots):
    context, page = as_admin(browser, stack, "publishing")
    page.fill("input[name=year]", "2025")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=publish-none]")
    assert "2025 年的数据尚未发布" in page.text_content("[data-testid=publish-none]")
    page.click("[data-testid=publish-start]")
    page.click("[data-testid=publish-confirm]")
    page.wait_for_selector("[data-testid=publication]")
    assert "第 1 版" in page.text_content("[data-testid=publication]")
    assert "root-admin" in page.text_content("[data-testid=publication]")
    published = stack.api("GET", "/stats/publications/latest?year=2025").json()
    sessions = published["figures"]["figures"]["sessions"]["value"]
    assert staff_activity(stack, datetime(2025, 6, 9)).status_code == 201
    stack.settled_summary(2025, expect={"sessions": sessions + 1})
    page.reload()
    page.fill("input[name=year]", "2025")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=difference-sessions]')"
        "?.textContent.trim() === '+1'"
    )
    assert "发布以来有" in page.text_content("[data-testid=changes-summary]")
    shots(page, "admin/publishing", whole=True)
    context.close()


def test_publishing_shows_the_year_asked_last_when_an_earlier_answer_comes_late(stack, browser):
    published = stack.api("POST", "/stats/publications", json={"year": "2023"})
    assert published.status_code == 201, published.text
    this_year = str(datetime.now(LOCAL_ZONE).year)
    context = new_console(browser)
    page = context.new_page()
    log_in(page, stack.url, "root-admin")
    page.wait_for_selector("[data-testid=dashboard][data-loaded=yes]", timeout=60_000)
    # The page's two reads of this year as it opens (the dashboard asked for its own).
    asked = {
        f"/stats/publications/latest?year={this_year}",
        f"/stats/publications?year={this_year}",
    }
    held = hold_back(page, re.compile(rf"/stats/publications(/latest)?\?year={this_year}$"), 2)
    open_page(page, stack, "publishing")
    wait_held(page, held, 2)
    assert {route.request.url.removeprefix(f"{stack.url}/api/v1") for route in held} == asked
    page.fill("input[name=year]", "2023")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=publication]")
    answer_late(page, held)
    assert page.input_value("input[name=year]") == "2023"
    assert "2023" in page.text_content("[data-testid=publication]")
    assert not page.is_visible("[data-testid=publish-none]")
    context.close()


def test_a_leader_sees_no_admin_menu_and_is_refused_on_admin_urls(stack, browser, shots):
    context = new_console(browser)
    page = context.new_page()
    log_in(page, stack.url, "user-leader")
    page.wait_for_url("**/console/dashboard")
    assert not set(menu_entries(page)) & set(ADMIN_PAGES.values())
    assert page.query_selector("text=系统管理") is None
    for name in ADMIN_PAGES:
        page.goto(f"{stack.url}/console/admin/{name}")
        page.wait_for_selector("[data-testid=refused]")
        assert f"/admin/{name}" in page.text_content("[data-testid=refused]")
        assert "/console/dashboard" in page.url
    shots(page, "admin/leader-refused")
    leader = stack.logins.header("leader")
    for method, path in (("GET", "/accounts"), ("GET", "/activities/periods"),
                         ("GET", "/registry/templates/villages"),
                         ("POST", "/activities/periods/close")):  # fmt: skip
        answer = requests.request(method, f"{stack.url}/api/v1{path}", headers=leader,
                                  json={"period": "2025-04"}, timeout=10)  # fmt: skip
        assert answer.status_code == 403, path
        assert answer.json()["error"]["message"] == "您的角色无权进行此操作。"
    context.close()


def test_every_admin_page_opens(stack, browser, shots):
    context, page = as_admin(browser, stack, "villages")
    for name in ADMIN_PAGES:
        open_page(page, stack, name)
        page.wait_for_load_state("networkidle")
        page.wait_for_selector(".el-loading-mask", state="hidden")
        assert page.query_selector(".el-alert--error") is None, name
        shots(page, f"admin/page-{name}")
    assert context.violations == []
    context.close()
