"""Captured with no network from the first action after logging in, uploaded once online."""

from datetime import date

from tests.browser.field_app import (
    check_in,
    counts,
    log_in,
    new_activity,
    open_app,
    pending,
    tab,
    wait_for_lookups,
    wait_for_pending,
)

ACTIVITIES = 20


def test_twenty_activities_captured_offline_survive_a_reload_and_upload_once(stack, phone, shots):
    page = open_app(stack.url, phone)
    shots(page, "01-login")
    log_in(page, "user-staff")
    wait_for_lookups(page)
    year = date.today().year
    before = stack.settled_summary(year)

    phone.set_offline(True)
    headcounts = [0 if i % 2 == 0 else 10 + i for i in range(ACTIVITIES)]
    for i, headcount in enumerate(headcounts):
        notice, _ = new_activity(page, f"离线活动{i:02d}", headcount=headcount, venue=f"{i}号大院")
        assert "已保存在手机" in notice and "已上传" not in notice
        if i == 0:
            shots(page, "02-checkins-offline")
        check_in(page, f"阿依古丽{i}", ref=f"A{i}")
        check_in(page, f"买买提{i}")
    assert pending(page) == ACTIVITIES * 3
    tab(page, "新活动")
    shots(page, "03-activity-form", whole=True)

    # Still offline: the shell comes from the service worker, the queue from IndexedDB.
    page.reload()
    page.wait_for_selector("[data-testid=pending-count]")
    assert page.text_content("[data-testid=network]") == "离线"
    assert counts(page) == {
        "pending": ACTIVITIES * 3,
        "sending": 0,
        "uploaded": 0,
        "failed": 0,
        "conflict": 0,
    }
    shots(page, "04-queue-offline")

    phone.set_offline(False)  # the `online` event starts the upload
    wait_for_pending(page, 0)
    assert counts(page)["uploaded"] == ACTIVITIES * 3
    assert page.locator("[data-testid=receipt]").count() == ACTIVITIES * 3
    shots(page, "05-queue-uploaded")
    tab(page, "我的活动")
    page.wait_for_selector("[data-testid=server-state]")
    shots(page, "06-my-activities")

    held = stack.activities("离线活动")
    assert len(held) == ACTIVITIES
    assert sorted(item["checkins"] for item in held) == [2] * ACTIVITIES
    attendances = sum(max(headcount, 2) for headcount in headcounts)
    assert sum(item["attendances"] for item in held) == attendances
    expect = {
        "sessions": before["sessions"] + ACTIVITIES,
        "attendances": before["attendances"] + attendances,
    }
    after = stack.settled_summary(year, expect)
    assert stack.settled_summary(year) == after  # and nothing more arrives later
