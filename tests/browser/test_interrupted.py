"""A flush cut off part way: what the server stored is not sent twice, the rest goes next."""

from tests.browser.field_app import (
    counts,
    flush_now,
    log_in,
    new_activity,
    open_app,
    stored_items,
    tab,
    wait_for_lookups,
    wait_for_pending,
)

ACTIVITIES = 15
CHUNK = 5


def test_a_flush_cut_after_some_batches_doubles_nothing_and_resumes(stack, phone, shots):
    page = open_app(stack.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    page.evaluate("(size) => localStorage.setItem('pufa-chunk', String(size))", CHUNK)
    phone.set_offline(True)
    for i in range(ACTIVITIES):
        new_activity(page, f"断网活动{i:02d}", headcount=5)

    calls = []

    def cut_off(route):
        calls.append(route.request.url)
        if len(calls) <= 2:
            route.continue_()
        elif len(calls) == 3:
            route.fetch()  # the server stores the batch, and the phone never hears back
            route.abort()
        else:
            route.abort()

    page.route("**/api/v1/activities/activities/batch", cut_off)
    tab(page, "上传队列")
    phone.set_offline(False)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=count-uploaded]').dataset.count === '10'"
        " && !document.querySelector('[data-testid=flush]').disabled"
        " && document.querySelector('[data-testid=last-flush]').textContent.includes('未完成')"
    )
    assert counts(page) == {"pending": 5, "sending": 0, "uploaded": 10, "failed": 0, "conflict": 0}
    assert len(stack.activities("断网活动")) == ACTIVITIES  # the third batch arrived
    shots(page, "07-queue-cut-off")

    page.unroute("**/api/v1/activities/activities/batch")
    flush_now(page)
    wait_for_pending(page, 0)
    held = stack.activities("断网活动")
    assert len(held) == ACTIVITIES
    items = [item for item in stored_items(page) if item["kind"] == "activity"]
    assert {item["id"] for item in held} == {item["key"] for item in items}
    answered_again = [item for item in items if item["receipt"]["duplicate"]]
    assert len(answered_again) == CHUNK  # the batch whose answer was lost: duplicates now
    tab(page, "上传队列")
    assert page.locator("[data-testid=receipt]:has-text('此前已收到')").count() == CHUNK


def test_an_upload_the_network_swallows_times_out_and_goes_on_the_next_flush(stack, phone, shots):
    page = open_app(stack.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    page.evaluate("() => localStorage.setItem('pufa-timeout-ms', '1500')")
    phone.set_offline(True)
    for i in range(3):
        new_activity(page, f"超时活动{i}", headcount=4)

    swallowed = []
    # never answered, never refused: a link that takes the request and goes silent
    page.route("**/api/v1/activities/activities/batch", lambda route: swallowed.append(route))
    tab(page, "上传队列")
    phone.set_offline(False)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=last-flush]').textContent.includes('网络超时')"
        " && !document.querySelector('[data-testid=flush]').disabled"
    )
    assert swallowed and stack.activities("超时活动") == []
    assert counts(page) == {"pending": 3, "sending": 0, "uploaded": 0, "failed": 0, "conflict": 0}
    shots(page, "07b-queue-timed-out")

    page.unroute("**/api/v1/activities/activities/batch")
    flush_now(page)
    wait_for_pending(page, 0)
    assert len(stack.activities("超时活动")) == 3
    assert counts(page)["uploaded"] == 3
