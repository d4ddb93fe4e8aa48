"""An access token that expired while the phone was offline is refreshed before uploading."""

import time

import requests

from tests.browser.field_app import (
    check_in,
    log_in,
    new_activity,
    open_app,
    read_store,
    stored_items,
    wait_for_kind,
    wait_for_lookups,
    wait_for_pending,
)

TOKEN_ROUTE = "/api/v1/auth/token"


def session_of(page):
    """The session the app keeps in IndexedDB (its tokens)."""
    return read_store(page, "session", "current")


def test_an_expired_access_token_is_refreshed_then_the_queue_uploads(
    stack, short_token_gateway, phone
):
    page = open_app(short_token_gateway.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    first = session_of(page)
    phone.set_offline(True)
    for i in range(2):
        new_activity(page, f"令牌过期后上传{i}", headcount=8)
        check_in(page, f"古丽{i}")
    time.sleep(4)  # the 3-second access token has expired on the phone

    answers = []
    page.on("response", lambda answer: answers.append((answer.url, answer.status)))
    phone.set_offline(False)
    wait_for_pending(page, 0)

    refreshes = [status for url, status in answers if url.endswith(TOKEN_ROUTE)]
    assert refreshes and set(refreshes) == {200}
    assert not [url for url, status in answers if status == 401]
    assert session_of(page)["refresh_token"] != first["refresh_token"]  # rotated
    assert len(stack.activities("令牌过期后上传")) == 2
    assert {item["state"] for item in stored_items(page)} == {"uploaded"}


def test_a_revoked_refresh_token_asks_to_log_in_again_and_the_queue_waits(
    short_token_gateway, stack, phone, shots
):
    page = open_app(short_token_gateway.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    phone.set_offline(True)
    new_activity(page, "重新登录后上传", headcount=4)
    # The account's refresh token is revoked elsewhere (say, by logging out on another device).
    spent = session_of(page)["refresh_token"]
    logout = f"{short_token_gateway.url}{TOKEN_ROUTE.replace('token', 'logout')}"
    assert requests.post(logout, json={"refresh_token": spent}, timeout=10).ok
    time.sleep(4)

    phone.set_offline(False)
    page.wait_for_selector("form[aria-label=登录] [role=alert]:has-text('重新登录')")
    shots(page, "15-log-in-again")
    assert stack.activities("重新登录后上传") == []
    log_in(page, "user-staff")
    wait_for_kind(page, "activity", "uploaded")
    assert len(stack.activities("重新登录后上传")) == 1
