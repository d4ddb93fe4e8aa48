"""The console's shell in chromium against the real stack: one login, menus by role, staff
and advisors sent to the field app, a reset password changed before anything else."""

from urllib.parse import urlparse

import requests

from tests.browser.console import log_in, menu_entries, new_console
from tests.support.accounts import PASSWORD, bearer
from tests.support.accounts import log_in as log_in_by_api


def test_a_leader_logs_in_to_the_dashboard_and_sees_only_its_menu(stack, browser, shots):
    context = new_console(browser)
    page = context.new_page()
    log_in(page, stack.url, "user-leader")
    page.wait_for_url("**/console/dashboard")
    assert menu_entries(page) == ["领导驾驶舱"]
    assert "领导" in page.text_content("[data-testid=who]")
    shots(page, "console/shell-leader")
    page.reload()  # the refresh token is kept: a reload stays signed in
    page.wait_for_selector("[data-testid=menu]")
    # (the dashboard may have put the village it shows into the query by then)
    assert urlparse(page.url).path == "/console/dashboard"
    page.click("[data-testid=logout]")
    page.wait_for_selector("input[name=username]")
    page.goto(f"{stack.url}/console/dashboard")
    page.wait_for_selector("input[name=username]")  # signed out: the login, not the page
    assert context.violations == []
    context.close()


def test_an_admin_logs_in_and_sees_the_dashboard_in_its_menu(stack, browser):
    context = new_console(browser)
    page = context.new_page()
    log_in(page, stack.url, "root-admin")
    page.wait_for_url("**/console/dashboard")
    assert menu_entries(page)[0] == "领导驾驶舱"
    assert "管理员" in page.text_content("[data-testid=who]")
    context.close()


def test_a_wrong_password_is_said_in_chinese(stack, browser):
    context = new_console(browser)
    page = context.new_page()
    log_in(page, stack.url, "user-leader", password="not-the-password")
    assert page.text_content("[data-testid=login-error]").strip() == "用户名或密码不对"
    context.close()


def test_staff_and_advisors_are_sent_to_the_field_app(stack, browser):
    for username in ("user-staff", "user-advisor"):
        context = new_console(browser)
        page = context.new_page()
        log_in(page, stack.url, username)
        page.wait_for_url("**/app/")
        page.wait_for_selector("input[name=username]")  # the field app's own login
        context.close()


def test_a_reset_password_is_changed_before_the_dashboard_opens(stack, browser, shots):
    account = stack.logins.add("user-leader-reset", "leader", {}, key="leader-reset")
    reset = requests.post(
        f"{stack.url}/api/v1/accounts/{account['id']}/password",
        json={"password": "a-temporary-password"},
        headers=bearer(stack.logins.tokens["admin"]),
        timeout=10,
    )
    assert reset.status_code == 200, reset.text
    context = new_console(browser)
    page = context.new_page()
    log_in(page, stack.url, "user-leader-reset", password="a-temporary-password")
    page.wait_for_selector("[data-testid=must-change]")
    assert "/console/password" in page.url
    page.goto(f"{stack.url}/console/dashboard")  # nothing else opens before it is changed
    page.wait_for_selector("[data-testid=must-change]")
    page.fill("input[name=current_password]", "a-temporary-password")
    page.fill("input[name=new_password]", PASSWORD + "-2")
    page.fill("input[name=new_password_again]", PASSWORD + "-3")
    page.click("button[type=submit]")
    assert "不一致" in page.text_content(".el-form-item__error")
    page.fill("input[name=new_password_again]", PASSWORD + "-2")
    shots(page, "console/password-change")
    page.click("button[type=submit]")
    page.wait_for_url("**/console/dashboard")
    login = log_in_by_api(stack.url, "user-leader-reset", PASSWORD + "-2")
    assert login.status_code == 200 and login.json()["must_change_password"] is False
    context.close()
