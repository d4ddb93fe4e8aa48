"""Driving the console as a leader or admin does: open it at a desk or on the wall screen,
log in, read what the page shows (aria labels, chart options), never pixels."""

from tests.support.accounts import PASSWORD

DESK = {"width": 1366, "height": 768}
WALL = {"width": 1920, "height": 1080}


def new_console(browser, viewport=DESK):
    """A browser context at a desk (or the wall screen), in Chinese and county time, that
    notes every Content-Security-Policy violation its pages report in `context.violations`."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(20_000)
    context.violations = []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and context.violations.append(message.text)
            ),
        )

    context.on("page", watch)
    return context


def log_in(page, stack_url, username, password=PASSWORD):
    """Open /console/ and log in with the password grant from its login form."""
    page.goto(f"{stack_url}/console/")
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.login-submit")


def menu_entries(page):
    """The titles the shell's menu lists, in order."""
    page.wait_for_selector("[data-testid=menu]")
    return [
        text.strip()
        for text in page.eval_on_selector_all(
            "[data-testid=menu] .el-menu-item", "items => items.map((item) => item.textContent)"
        )
    ]
