"""Text that is not valid Unicode (a lone surrogate, as from an emoji cut in half) is
refused field by field, like any other bad value: never a 500, never a lost batch."""

import uuid

from shared.input_schema import NOT_UNICODE
from shared.messages import EXACT

HALF_EMOJI = "巴扎普法 \ud83d"  # 🙂 cut in half: its high surrogate alone


def checkin(activity_id, name):
    return {
        "id": str(uuid.uuid4()),
        "activity_id": activity_id,
        "attendee_name": name,
        "checked_in_at": "2024-05-10T11:05:00+08:00",
    }


def test_a_single_create_names_the_field_and_stores_nothing(api, staff, make_activity, feed):
    body = make_activity(title=HALF_EMOJI)
    answer = api.post("/activities", json=body, headers=staff)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"title": [EXACT[NOT_UNICODE]]}
    assert api.get(f"/activities/{body['id']}", headers=staff).status_code == 404
    assert feed() == []


def test_in_a_batch_only_the_items_with_broken_text_are_invalid(api, staff, make_activity):
    kept, also_kept = make_activity(), make_activity()
    broken_key = make_activity()
    broken_key["\udc00note"] = "x"
    items = [
        {"kind": "activity", "data": kept},
        {"kind": "activity", "data": make_activity(venue=HALF_EMOJI)},
        {"kind": "checkin", "data": checkin(kept["id"], HALF_EMOJI)},
        {"kind": "activity", "data": broken_key},
        {"kind": HALF_EMOJI, "data": make_activity()},
        {"kind": "activity", "data": also_kept},
    ]
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == [
        "created", "invalid", "invalid", "invalid", "invalid", "created"
    ]  # fmt: skip
    assert results[1]["fields"] == {"venue": [EXACT[NOT_UNICODE]]}
    assert results[2]["fields"] == {"attendee_name": [EXACT[NOT_UNICODE]]}
    assert results[3]["fields"] == {"\\udc00note": [EXACT[NOT_UNICODE]]}  # the name, escaped
    assert results[4]["kind"] == HALF_EMOJI  # the answer itself can be written
    for stored in (kept, also_kept):
        assert api.get(f"/activities/{stored['id']}", headers=staff).status_code == 200


def test_check_ins_and_corrections_refuse_it_too(api, staff, make_activity):
    activity = make_activity()
    api.post("/activities", json=activity, headers=staff)
    url = f"/activities/{activity['id']}"

    answer = api.post(f"{url}/checkins", json=checkin(activity["id"], HALF_EMOJI), headers=staff)
    assert (answer.status_code, answer.get_json()["error"]["fields"]) == (
        422, {"attendee_name": [EXACT[NOT_UNICODE]]}
    )  # fmt: skip
    correction = activity | {"notes": HALF_EMOJI, "version": 1}
    correction.pop("id")
    answer = api.put(url, json=correction, headers=staff)
    assert (answer.status_code, answer.get_json()["error"]["fields"]) == (
        422, {"notes": [EXACT[NOT_UNICODE]]}
    )  # fmt: skip
    answer = api.post(f"{url}/void", json={"version": 1, "reason": HALF_EMOJI}, headers=staff)
    assert (answer.status_code, answer.get_json()["error"]["fields"]) == (
        422, {"reason": [EXACT[NOT_UNICODE]]}
    )  # fmt: skip
    stored = api.get(url, headers=staff).get_json()
    assert (stored["version"], stored["status"], stored["checkins"]) == (1, "active", 0)
