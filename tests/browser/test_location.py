"""The phone's position, asked for on the new-activity form, reaches the server's record."""

from tests.browser.field_app import (
    log_in,
    new_activity,
    open_app,
    wait_for_lookups,
    wait_for_pending,
)

# 墨玉县 (Karakax), where the phone stands in this test.
MOYU = {"latitude": 37.277218, "longitude": 79.736541}


def test_an_activity_located_by_the_phone_carries_its_position(stack, phone):
    phone.grant_permissions(["geolocation"], origin=stack.url)
    phone.set_geolocation(MOYU)
    page = open_app(stack.url, phone)
    log_in(page, "user-staff")
    wait_for_lookups(page)
    _, key = new_activity(page, "带定位的活动", headcount=12, locate=True)
    wait_for_pending(page, 0)
    held = stack.api("GET", f"/activities/activities/{key}").json()
    assert (held["latitude"], held["longitude"]) == (MOYU["latitude"], MOYU["longitude"])
