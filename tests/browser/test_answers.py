"""What the server answers for an item, as the phone shows it: invalid (fixed and sent
again), a conflict (the differences, then a correction), a closed month (refused)."""

from datetime import date, timedelta

from tests.browser.field_app import (
    log_in,
    new_activity,
    open_app,
    stored_items,
    wait_for_kind,
    wait_for_lookups,
    wait_for_state,
)


def test_an_invalid_item_shows_the_server_fields_and_is_fixed_and_sent_again(stack, phone, shots):
    page = open_app(stack.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    _, key = new_activity(page, "人数写错的活动", headcount=200000)

    card = wait_for_state(page, key, "failed")
    assert "人数" in card.locator("[data-testid=field-errors]").inner_text()
    assert stack.api("GET", f"/activities/activities/{key}").status_code == 404
    card.scroll_into_view_if_needed()
    shots(page, "08-invalid")

    card.locator("[data-testid=fix]").click()
    assert page.locator("[data-testid=headcount-error]").is_visible()
    page.wait_for_timeout(500)
    shots(page, "09-fix-form")
    page.fill("input[name=headcount]", "200")
    page.click("[data-testid=save-activity]")
    wait_for_state(page, key, "uploaded")
    held = stack.api("GET", f"/activities/activities/{key}").json()
    assert (held["headcount"], held["version"]) == (200, 1)


def test_a_conflict_shows_what_differs_and_is_settled_either_way(stack, phone, shots):
    page = open_app(stack.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    phone.set_offline(True)
    keys = [
        new_activity(page, title, headcount=30)[1] for title in ("手机上的标题", "手机上的另一条")
    ]
    for key in keys:  # another device sent the same record ids with other content first
        mine = next(item for item in stored_items(page) if item["key"] == key)
        other = mine["data"] | {"id": key, "title": f"另一台手机的{mine['title']}"}
        sent = stack.api("POST", "/activities/activities", role="staff", json=other)
        assert sent.status_code == 201, sent.text

    phone.set_offline(False)
    corrected, kept = (wait_for_state(page, key, "conflict") for key in keys)
    diff = corrected.locator("[data-testid=diff]").inner_text()
    assert "名称" in diff and "手机上的标题" in diff and "另一台手机的手机上的标题" in diff
    assert "地点" not in diff  # only what differs
    corrected.scroll_into_view_if_needed()
    shots(page, "10-conflict")

    corrected.locator("[data-testid=send-correction]").click()
    kept.locator("[data-testid=keep-server]").click()
    wait_for_kind(page, "correction", "uploaded")
    wait_for_kind(page, "activity", "uploaded", count=2)
    held = [stack.api("GET", f"/activities/activities/{key}").json() for key in keys]
    assert [(item["title"], item["version"]) for item in held] == [
        ("手机上的标题", 2),
        ("另一台手机的手机上的另一条", 1),
    ]


def test_a_record_in_a_closed_month_is_refused_and_says_so(stack, phone, shots):
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    closed = stack.api("POST", "/activities/periods/close", json={"period": month})
    assert closed.status_code == 200, closed.text
    try:
        page = open_app(stack.url, phone)
        log_in(page, "user-staff")
        wait_for_lookups(page)
        starts, ends = f"{month}-15T10:00", f"{month}-15T11:30"
        _, key = new_activity(page, "上月补录的活动", headcount=12, starts=starts, ends=ends)
        card = wait_for_state(page, key, "failed")
        assert "已关账" in card.locator("[data-testid=problem]").inner_text()
        assert stack.api("GET", f"/activities/activities/{key}").status_code == 404
        card.scroll_into_view_if_needed()
        shots(page, "11-refused")
    finally:
        stack.api("POST", "/activities/periods/reopen", json={"period": month})
