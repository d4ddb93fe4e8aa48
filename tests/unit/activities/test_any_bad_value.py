"""Whatever value a phone sends in any field of a record, the answer is never a 500: a
field error (422, or `invalid` in a batch), a refusal, or the record. Hypothesis puts
arbitrary JSON (wrong types, huge numbers, NaN, broken text, nesting) into one field of a
valid body at a time, on every write path."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from tests.support.any_json import ANY_JSON, EXAMPLES, assert_answered, post, send

ACTIVITY_FIELDS = (
    "id", "type", "title", "organiser", "audience", "township_code", "village_code", "venue",
    "gps", "starts_at", "ends_at", "headcount", "online_reach", "languages", "notes",
    "client_recorded_at", "unknown_field",
)  # fmt: skip
CHECKIN_FIELDS = ("id", "activity_id", "attendee_name", "attendee_ref", "checked_in_at")


@EXAMPLES
@given(field=st.sampled_from(ACTIVITY_FIELDS), value=ANY_JSON)
def test_any_value_in_an_activity(api, staff, make_activity, field, value):
    body = make_activity() | {field: value}
    assert_answered(post(api, "/activities", body, staff), "/activities")
    batch = {"items": [{"kind": "activity", "data": make_activity() | {field: value}}]}
    answer = post(api, "/activities/batch", batch, staff)
    assert_answered(answer, "/activities/batch")
    assert answer.status_code == 200  # the item answers for itself

    stored = make_activity()
    post(api, "/activities", stored, staff)
    correction = {key: value for key, value in stored.items() if key != "id"} | {"version": 1}
    path = f"/activities/{stored['id']}"
    assert_answered(send(api.put, path, correction | {field: value}, staff), path)


@EXAMPLES
@given(field=st.sampled_from(CHECKIN_FIELDS), value=ANY_JSON)
def test_any_value_in_a_check_in(api, staff, make_activity, field, value):
    activity = make_activity()
    post(api, "/activities", activity, staff)
    checkin = {
        "id": str(uuid.uuid4()),
        "activity_id": activity["id"],
        "attendee_name": "阿依古丽",
        "checked_in_at": "2024-05-10T11:05:00+08:00",
    } | {field: value}
    path = f"/activities/{activity['id']}/checkins"
    assert_answered(post(api, path, checkin, staff), path)
    answer = post(
        api, "/activities/batch", {"items": [{"kind": "checkin", "data": checkin}]}, staff
    )
    assert_answered(answer, "/activities/batch")
    void = {"version": 1, "reason": "重复录入"} | {("version", "reason")[len(field) % 2]: value}
    assert_answered(post(api, f"/activities/{activity['id']}/void", void, staff), "void")


@EXAMPLES
@given(value=ANY_JSON, where=st.sampled_from(("items", "kind", "data", "item", "body")))
def test_any_shape_of_batch(api, staff, make_activity, value, where):
    item = {"kind": "activity", "data": make_activity()}
    body = {
        "items": {"items": value},
        "kind": {"items": [item | {"kind": value}]},
        "data": {"items": [item | {"data": value}]},
        "item": {"items": [value, item]},
        "body": value,
    }[where]
    assert_answered(post(api, "/activities/batch", body, staff), "/activities/batch")
