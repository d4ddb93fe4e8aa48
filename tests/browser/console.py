"""Driving the console as a leader or admin does: open it at a desk or on the wall screen,
log in, read what the page shows (aria labels, chart options), never pixels."""

from playwright.sync_api import TimeoutError as PlaywrightTimeout

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


def open_dashboard(page, stack_url, year, **query):
    """The dashboard of `year` (and its other `query` parameters), every figure on it read."""
    asked = "".join(f"&{name}={value}" for name, value in query.items())
    page.goto(f"{stack_url}/console/dashboard?year={year}{asked}")
    page.wait_for_selector("[data-testid=dashboard][data-loaded=yes]", timeout=60_000)


def card_values(page):
    """{metric: the number its card says} from the cards' data (their aria labels say it too)."""
    return page.eval_on_selector_all(
        ".headline",
        """cards => Object.fromEntries(cards.map((card) => [
            card.dataset.metric, [card.dataset.value, card.getAttribute('aria-label')]]))""",
    )


CHART_DATA = """(name) => {
    const option = echarts.getInstanceByDom(document.querySelector(`[data-chart=${name}]`))
        .getOption();
    const axis = (axes) => (axes || []).map((one) => one.data || null);
    return {
        series: option.series.map((one) => ({name: one.name, type: one.type, data: one.data})),
        xAxis: axis(option.xAxis),
        yAxis: axis(option.yAxis),
    };
}"""


def chart_data(page, name):
    """A chart's series and axes as ECharts holds them (its option, not its pixels)."""
    return page.evaluate(CHART_DATA, name)


BAR_PIXEL = """([name, index, horizontal]) => {
    const element = document.querySelector(`[data-chart=${name}]`);
    const chart = echarts.getInstanceByDom(element);
    const value = chart.getOption().series[0].data[index].value;
    const point = horizontal ? [value / 2, index] : [index, value / 2];
    const [x, y] = chart.convertToPixel({seriesIndex: 0}, point);
    const box = element.getBoundingClientRect();
    return [box.left + x, box.top + y];
}"""


def click_bar(page, name, index, horizontal=False):
    """Click the middle of a chart's bar, as a person does (the canvas, not an API)."""
    page.locator(f"[data-chart={name}]").scroll_into_view_if_needed()
    page.wait_for_selector(f"[data-chart={name}][data-drawn=yes]")
    x, y = page.evaluate(BAR_PIXEL, [name, index, horizontal])
    page.mouse.click(x, y)


def click_bar_to_list(page, name, index, horizontal=False, tries=3):
    """Click a bar until its records' list opens: a click that lands while the chart is
    still settling (after a list was just closed) is a click a person would repeat."""
    for _ in range(tries):
        click_bar(page, name, index, horizontal)
        try:
            page.wait_for_selector("[data-testid=records-summary]", timeout=5_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"a click on bar {index} of {name} opened no list")


def drilled(page, timeout=60_000):
    """(records listed, their sum or None) once the drill-down has read its whole list."""
    page.wait_for_selector(
        "[data-testid=records-count]:not([data-count=''])", state="attached", timeout=timeout
    )
    count = page.get_attribute("[data-testid=records-count]", "data-count")
    total = page.get_attribute("[data-testid=records-count]", "data-sum")
    return int(count), int(total) if total else None
