"""What the admin console's browser tests share: opening a page as the admin, and the
registry and form steps an admin takes on several pages."""

from tests.browser.console import log_in, new_console

ADMIN_PAGES = {
    "villages": "村(社区)与派驻",
    "coverage": "派驻覆盖",
    "advisors": "法律顾问",
    "transfer": "导入导出",
    "accounts": "账号管理",
    "periods": "月份关账",
    "publishing": "发布年度数据",
}


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


def hold_back(page, pattern, count):
    """Hold the first `count` requests matching `pattern` unanswered (later ones go
    through); the list fills as they are made."""
    held = []
    page.route(
        pattern, lambda route: held.append(route) if len(held) < count else route.continue_()
    )
    return held


def wait_held(page, held, count):
    """Wait (up to 10 s) until `count` requests are held."""
    for _ in range(200):
        if len(held) >= count:
            break
        page.wait_for_timeout(50)
    assert len(held) == count, [route.request.url for route in held]


def answer_late(page, held):
    """Let the held requests be answered now, and give the page time to (wrongly) show them."""
    for route in held:
        with page.expect_response(lambda response, url=route.request.url: response.url == url):
            route.continue_()
    page.wait_for_timeout(300)
