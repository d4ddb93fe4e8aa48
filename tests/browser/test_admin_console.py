"""The admin console in chromium against the real stack: the bureau keeps its registry,
accounts and months from the page, and sees each refusal in the server's Chinese words
beside what caused it. Screenshots under var/artifacts/browser/admin/."""

import uuid
from datetime import datetime, timedelta

import requests
from openpyxl import Workbook

from shared.clock import LOCAL_ZONE
from tests.browser.console import log_in, menu_entries, new_console
from tests.browser.field_app import open_app
from tests.support.accounts import PASSWORD
from tests.support.accounts import log_in as log_in_by_api

ADMIN_PAGES = {
    "villages": "村(社区)与派驻",
    "coverage": "派驻覆盖",
    "advisors": "法律顾问",
    "transfer": "导入导出",
    "accounts": "账号管理",
    "periods": "月份关账",
    "publishing": "发布年度数据",
}
VILLAGE, VILLAGE_NAME = "653222100202", "喀拉喀什镇第2村"
TOWNSHIP = "653222100"


def as_admin(browser, stack, page_name):
    """A console page opened by the admin, logged in from the form."""
    context = new_console(browser)
    page = context.new_page()
    log_in(page, stack.url, "root-admin")
    page.wait_for_url("**/console/dashboard")
    open_page(page, stack, page_name)
    return context, page


def open_page(page, stack, name):
    """Open one admin page from the menu, as an admin does."""
    page.click(f"[data-testid=menu] .el-menu-item:has-text('{ADMIN_PAGES[name]}')")
    page.wait_for_url(f"**/console/admin/{name}")


def new_advisor(stack, number, name):
    """Register an advisor through the API; return its answer."""
    created = stack.api("POST", "/registry/advisors", json={
        "name": name, "phone": f"1360000{number:04d}", "law_firm": "昆仑律师事务所",
        "licence_no": f"16532222019108{number:03d}", "languages": ["ug", "zh"],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    return created.json()


def pick_advisor(page, scope, name):
    """Choose an advisor in a picker by typing part of the name (never the id)."""
    page.click(f"{scope} [data-testid=advisor-picker]")
    page.keyboard.type(name)
    page.click(f".el-select-dropdown__item:visible:has-text('{name}')")


def fill_date(page, selector, value):
    """Type a date into an Element Plus date picker and confirm it."""
    page.fill(selector, value)
    page.keyboard.press("Enter")


def field(testid):
    """The input of an Element Plus field marked with a data-testid (on it or around it)."""
    return f"input[data-testid={testid}], [data-testid={testid}] input"


TIMELINE = """() => [...document.querySelectorAll('[data-testid=timeline] .el-timeline-item')]
    .map((item) => [item.querySelector('strong').textContent.trim(),
                    item.querySelector('.el-timeline-item__timestamp').textContent.trim()])"""


def last_in_timeline(page, advisor, dates):
    """Wait until the drawer's timeline ends with this advisor and these dates."""
    page.wait_for_function(
        f"([advisor, dates]) => JSON.stringify(({TIMELINE})().at(-1)) === "
        "JSON.stringify([advisor, dates])",
        arg=[advisor, dates],
    )


def test_assign_and_end_with_the_clash_shown(stack, browser, shots):
    first = new_advisor(stack, 1, "古丽娜·派驻")
    second = new_advisor(stack, 2, "艾尔肯·冲突")
    context, page = as_admin(browser, stack, "villages")
    page.fill(field("village-search"), VILLAGE[-6:])
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=villages] tbody tr').length === 1"
    )
    page.click(f"[data-testid=open-{VILLAGE}]")
    page.wait_for_selector("[data-testid=timeline] .el-timeline-item")
    assert "喀拉喀什镇 · 喀拉喀什镇第2村" in page.text_content("[data-testid=timeline]")
    shots(page, "admin/villages-timeline")

    form = "[data-testid=assign-form]"
    pick_advisor(page, form, first["name"])
    fill_date(page, f"{form} input[name=from]", "2032-01-01")
    page.click("[data-testid=assign-submit]")
    page.wait_for_selector("[data-testid=assign-done]")
    assert "原派驻于 2031-12-31 结束" in page.text_content("[data-testid=assign-done]")
    last_in_timeline(page, first["name"], "2032-01-01 至 长期")

    # A back-dated assignment running into the new one: the server's clash, word for word.
    pick_advisor(page, form, second["name"])
    fill_date(page, f"{form} input[name=from]", "2031-06-01")
    fill_date(page, f"{form} input[name=to]", "2032-02-01")
    page.click("[data-testid=assign-submit]")
    clash = page.wait_for_selector("[data-testid=assign-error]").text_content()
    assert clash.startswith("派驻冲突")
    assert f"已由法律顾问{first['name']}(编号 {first['id']})派驻(2032-01-01 至 长期" in clash
    assert page.input_value(f"{form} input[name=from]") == "2031-06-01"  # what was typed stays
    shots(page, "admin/villages-clash")
    history = stack.api("GET", f"/registry/assignments?village={VILLAGE}").json()
    assert second["id"] not in [a["advisor_id"] for a in history]  # nothing stored

    entry = page.locator("[data-testid=timeline] .el-timeline-item").last
    entry.locator("[data-testid=end-start]").click()
    fill_date(page, "input[name=end_to]", "2031-12-01")  # before its start
    page.click("[data-testid=end-submit]")
    assert "早于" in page.wait_for_selector("[data-testid=end-form] .el-form-item__error, "
                                            "[data-testid=end-error]").text_content()  # fmt: skip
    fill_date(page, "input[name=end_to]", "2032-03-31")
    page.click("[data-testid=end-submit]")
    page.wait_for_selector("[data-testid=end-form]", state="detached")
    last_in_timeline(page, first["name"], "2032-01-01 至 2032-03-31")
    shots(page, "admin/villages-ended")
    context.close()


def test_coverage_names_the_uncovered_villages_and_assigns_one(stack, browser, shots):
    advisor = new_advisor(stack, 3, "热依拉·覆盖")
    village, name = "653222100001", "喀拉喀什镇第1社区"
    current = stack.api("GET", f"/registry/villages/{village}/timeline").json()["assignments"]
    ended = stack.api("POST", f"/registry/assignments/{current[-1]['id']}/end",
                      json={"to": "2033-01-31"})  # fmt: skip
    assert ended.status_code == 200, ended.text
    context, page = as_admin(browser, stack, "coverage")
    fill_date(page, "input[name=coverage_date]", "2033-02-01")
    row = page.wait_for_selector(f"[data-testid=uncovered] tr:has-text('{name}')")
    assert "喀拉喀什镇" in row.text_content()
    summary = page.get_attribute("[data-testid=coverage-summary]", "aria-label")
    assert "未派驻" in summary
    shots(page, "admin/coverage", whole=True)
    page.click(f"[data-testid=assign-{village}]")
    pick_advisor(page, ".el-dialog [data-testid=assign-form]", advisor["name"])
    assert page.input_value(".el-dialog input[name=from]") == "2033-02-01"
    page.click(".el-dialog [data-testid=assign-submit]")
    page.wait_for_selector(".el-dialog [data-testid=assign-done]")
    page.keyboard.press("Escape")
    page.wait_for_selector(f"[data-testid=uncovered] tr:has-text('{name}')", state="detached")
    served = stack.api("GET", f"/registry/villages/{village}/advisor?date=2033-02-01").json()
    assert served["advisor"]["id"] == advisor["id"]
    context.close()


def test_a_stale_advisor_edit_shows_the_new_values_and_keeps_the_typed(stack, browser, shots):
    advisor = new_advisor(stack, 4, "买买提·编辑")
    context, page = as_admin(browser, stack, "advisors")
    page.fill(field("advisor-search"), "买买提·编辑")
    page.wait_for_function(  # the search answered: one row, no longer re-rendering
        "() => document.querySelectorAll('[data-testid=advisors] tbody tr').length === 1"
    )
    page.click(f"[data-testid=edit-{advisor['id']}]")
    page.fill("[data-testid=advisor-form] input[name=law_firm]", "我填写的律师事务所")
    # Meanwhile someone else changes the phone.
    changed = stack.api("PATCH", f"/registry/advisors/{advisor['id']}",
                        json={"version": 1, "phone": "13699998888"})  # fmt: skip
    assert changed.status_code == 200
    page.click("[data-testid=advisor-save]")
    page.wait_for_selector("[data-testid=advisor-stale]")
    assert "已被他人修改" in page.text_content("[data-testid=advisor-error]")
    assert page.text_content("[data-testid=current-phone]") == "13699998888"
    assert (
        page.input_value("[data-testid=advisor-form] input[name=law_firm]") == "我填写的律师事务所"
    )
    shots(page, "admin/advisors-stale")
    page.click("[data-testid=keep-mine]")
    page.click("[data-testid=advisor-save]")
    page.wait_for_selector("[data-testid=advisor-form]", state="detached")
    stored = stack.api("GET", f"/registry/advisors/{advisor['id']}").json()
    assert (stored["law_firm"], stored["version"]) == ("我填写的律师事务所", 3)
    assert stored["phone"] == "13699998888"  # only what this admin changed was sent
    shots(page, "admin/advisors")
    context.close()


def upload(page, tmp_path, kind_label, name, rows):
    """Choose a sheet kind, attach a file of these rows (.csv or .xlsx by its name) and
    import it."""
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    else:
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
    page.click(f"[data-testid=import-kind] label:has-text('{kind_label}')")
    page.set_input_files("[data-testid=import-file]", str(path))
    page.click("[data-testid=import-submit]")


ADVISOR_HEADER = ["执业证号", "姓名", "手机", "律师事务所", "语言", "在职"]


def test_a_bad_sheet_lists_every_bad_row_and_stores_nothing(stack, browser, shots, tmp_path):
    context, page = as_admin(browser, stack, "transfer")
    good, bad = "16532222019107001", "16532222019107002"
    sheet = [
        ADVISOR_HEADER,
        [good, "阿不都·导入", "13611110001", "天山律师事务所", "维吾尔语;汉语", "是"],
        ["12345", "", "13611110002", "天山律师事务所", "维吾尔语", "是"],
        [bad, "吐尔逊·导入", "555", "天山律师事务所", "火星语", "也许"],
    ]
    upload(page, tmp_path, "法律顾问", "bad-advisors.csv", sheet)
    refused = page.wait_for_selector("[data-testid=import-refused]").text_content()
    assert "未保存任何数据" in refused and "一条都没有保存" in refused
    problems = page.eval_on_selector_all(
        "[data-testid=import-problems] tbody tr",
        "rows => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim()))",
    )
    assert ["第 3 行", "执业证号", "须为 17 位执业证号。"] in problems
    assert ["第 3 行", "姓名", "缺少数据。"] in problems
    assert ["第 4 行", "手机", "不是有效的手机号。"] in problems
    languages = [row[2] for row in problems if row[:2] == ["第 4 行", "语言"]]
    assert languages and "不认识的语言“火星语”。" in languages[0]
    assert ["第 4 行", "在职", "请填“是”或“否”。"] in problems
    assert not any(row[0] == "第 2 行" for row in problems)
    shots(page, "admin/transfer-refused", whole=True)
    licences = [a["licence_no"] for a in stack.api("GET", "/registry/advisors").json()]
    assert good not in licences and bad not in licences  # the good row was not stored either
    context.close()


def test_a_good_sheet_is_imported_and_again_changes_nothing(stack, browser, shots, tmp_path):
    context, page = as_admin(browser, stack, "transfer")
    sheet = [
        ADVISOR_HEADER,
        [
            "16532222019106001",
            "阿依夏·导入",
            "13622220001",
            "天山律师事务所",
            "维吾尔语;汉语",
            "是",
        ],
        ["16532222019106002", "玉素甫·导入", "13622220002", "天山律师事务所", "汉语", "是"],
    ]
    upload(page, tmp_path, "法律顾问", "advisors.xlsx", sheet)
    page.wait_for_selector("[data-testid=import-report]")
    counts = {
        key: page.text_content(f"[data-testid=import-{key}] .el-statistic__number").strip()
        for key in ("created", "updated", "unchanged")
    }
    assert counts == {"created": "2", "updated": "0", "unchanged": "0"}
    shots(page, "admin/transfer-imported", whole=True)
    page.click("[data-testid=import-submit]")  # the same file again
    page.wait_for_function(
        "() => document.querySelector('[data-testid=import-unchanged] .el-statistic__number')"
        "?.textContent.trim() === '2'"
    )
    names = [a["name"] for a in stack.api("GET", "/registry/advisors?q=导入").json()]
    assert {"阿依夏·导入", "玉素甫·导入"} <= set(names)
    with page.expect_download() as downloaded:
        page.click("[data-testid=templates-assignments-xlsx]")
    assert downloaded.value.suggested_filename.endswith(".xlsx")
    context.close()


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
