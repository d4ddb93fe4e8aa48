"""The queue exported from one phone and imported on another; a record voided with a reason."""

from tests.browser.field_app import (
    log_in,
    new_activity,
    open_app,
    stored_items,
    tab,
    wait_for_kind,
    wait_for_lookups,
    wait_for_pending,
)


def test_a_queue_moved_to_another_phone_uploads_there_and_counts_once(
    stack, browser, phone, tmp_path
):
    old = open_app(stack.url, phone)
    log_in(old, "user-staff")
    wait_for_lookups(old)
    phone.set_offline(True)
    for i in range(3):
        new_activity(old, f"换手机的活动{i}", headcount=6)
    tab(old, "上传队列")
    with old.expect_download() as download:
        old.click("[data-testid=export]")
    exported = tmp_path / "queue.json"
    download.value.save_as(exported)

    other = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    try:
        new = open_app(stack.url, other)
        log_in(new, "user-staff")
        tab(new, "上传队列")
        new.set_input_files("[data-testid=import-file]", str(exported))
        new.wait_for_function(
            "() => document.querySelector('[data-testid=count-uploaded]').dataset.count === '3'"
        )
        assert {item["key"] for item in stored_items(new)} == {
            item["key"] for item in stored_items(old)
        }
    finally:
        other.close()

    phone.set_offline(False)  # the first phone sends the same records: duplicates
    wait_for_pending(old, 0)
    assert len(stack.activities("换手机的活动")) == 3
    assert all(item["receipt"]["duplicate"] for item in stored_items(old))


def test_an_uploaded_activity_is_voided_with_a_reason(stack, phone):
    page = open_app(stack.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    _, key = new_activity(page, "要作废的活动", headcount=9)
    wait_for_pending(page, 0)
    tab(page, "我的活动")
    card = page.locator(f"[data-testid=record][data-id='{key}']")
    page.once("dialog", lambda dialog: dialog.accept("重复录入"))
    card.locator("button:has-text('作废')").click()
    wait_for_kind(page, "void", "uploaded")
    held = stack.api("GET", f"/activities/activities/{key}").json()
    assert (held["status"], held["version"]) == ("void", 2)
    history = stack.api("GET", f"/activities/activities/{key}/history").json()
    assert history[-1]["reason"] == "重复录入"


def test_a_correction_then_a_void_made_offline_are_sent_one_after_the_other(stack, phone):
    """Two changes of one record made offline both read version 1: the void follows the
    correction (version 2), it is not a conflict with it."""
    page = open_app(stack.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    _, key = new_activity(page, "先更正再作废", headcount=9)
    wait_for_pending(page, 0)
    phone.set_offline(True)
    tab(page, "我的活动")
    card = page.locator(f"[data-testid=record][data-id='{key}']")
    card.locator("button:has-text('更正')").click()
    page.fill("input[name=headcount]", "21")
    page.click("[data-testid=save-activity]")
    tab(page, "我的活动")
    page.once("dialog", lambda dialog: dialog.accept("活动取消"))
    card.locator("button:has-text('作废')").click()
    changes = [i for i in stored_items(page) if i.get("record_id") == key]
    assert sorted((i["kind"], i["data"]["version"]) for i in changes) == [
        ("correction", 1),
        ("void", 1),
    ]
    phone.set_offline(False)
    wait_for_kind(page, "void", "uploaded")
    held = stack.api("GET", f"/activities/activities/{key}").json()
    assert (held["status"], held["version"], held["headcount"]) == ("void", 3, 21)
    history = stack.api("GET", f"/activities/activities/{key}/history").json()
    assert [entry["version"] for entry in history] == [1, 2, 3]
    assert history[-1]["reason"] == "活动取消"
