"""The admin console in chromium against the real stack, the registry's pages: assignments
with their clashes, coverage, an advisor edited by two admins, and sheets imported. The
refusals are shown in the server's Chinese words beside what caused them. Screenshots under
var/artifacts/browser/admin/."""

from openpyxl import Workbook

from tests.browser.admin_console import (
    answer_late,
    as_admin,
    fill_date,
    hold_back,
    new_advisor,
    open_page,
    pick_advisor,
    wait_held,
)
from tests.browser.console import log_in, new_console

VILLAGE, VILLAGE_NAME = "653222100202", "喀拉喀什镇第2村"


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
    # By code: a name like 第1社区 is also part of 第10社区's.
    row = page.wait_for_selector(f"[data-testid=uncovered] tr:has-text('{village}')")
    assert f"喀拉喀什镇{village}{name}" in row.text_content()
    summary = page.get_attribute("[data-testid=coverage-summary]", "aria-label")
    assert "未派驻" in summary
    shots(page, "admin/coverage", whole=True)
    page.click(f"[data-testid=assign-{village}]")
    pick_advisor(page, ".el-dialog [data-testid=assign-form]", advisor["name"])
    assert page.input_value(".el-dialog input[name=from]") == "2033-02-01"
    page.click(".el-dialog [data-testid=assign-submit]")
    page.wait_for_selector(".el-dialog [data-testid=assign-done]")
    page.keyboard.press("Escape")
    page.wait_for_selector(f"[data-testid=uncovered] tr:has-text('{village}')", state="detached")
    served = stack.api("GET", f"/registry/villages/{village}/advisor?date=2033-02-01").json()
    assert served["advisor"]["id"] == advisor["id"]
    context.close()


def test_coverage_shows_the_date_asked_last_when_an_earlier_answer_comes_late(stack, browser):
    village = "653222100002"
    current = stack.api("GET", f"/registry/villages/{village}/timeline").json()["assignments"]
    ended = stack.api("POST", f"/registry/assignments/{current[-1]['id']}/end",
                      json={"to": "2034-05-31"})  # fmt: skip
    assert ended.status_code == 200, ended.text
    context = new_console(browser)
    page = context.new_page()
    log_in(page, stack.url, "root-admin")
    page.wait_for_url("**/console/dashboard")
    held = hold_back(page, "**/registry/coverage?*", 1)  # today's, asked as the page opens
    open_page(page, stack, "coverage")
    wait_held(page, held, 1)
    fill_date(page, "input[name=coverage_date]", "2034-06-01")
    page.wait_for_selector(f"[data-testid=assign-{village}]")
    assert len(held) == 1 and "2034-06-01" not in held[0].request.url
    answer_late(page, held)
    assert page.input_value("input[name=coverage_date]") == "2034-06-01"
    assert page.is_visible(f"[data-testid=assign-{village}]")
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
