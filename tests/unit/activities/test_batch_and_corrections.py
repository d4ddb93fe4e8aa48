"""Offline sync batches, check-ins, corrections with versions, voids and history."""

import uuid
from datetime import datetime

import pytest

from shared.recording.schemas import BatchAnswer


def checkin(activity_id, name="阿依古丽", ref=None, nonce=None):
    return {
        "id": nonce or str(uuid.uuid4()),
        "activity_id": activity_id,
        "attendee_name": name,
        "attendee_ref": ref,
        "checked_in_at": "2024-05-10T11:05:00+08:00",
    }


def test_a_mixed_batch_answers_per_item_and_stores_the_valid(api, staff, make_activity, feed):
    stored = make_activity()
    api.post("/activities", json=stored, headers=staff)
    fresh = make_activity(headcount=5)
    items = [
        {"kind": "activity", "data": fresh},  # 0 created
        {"kind": "activity", "data": stored},  # 1 duplicate of what is stored
        {"kind": "activity", "data": stored | {"title": "另一个"}},  # 2 conflict
        {"kind": "activity", "data": make_activity(audience="aliens")},  # 3 invalid
        {"kind": "checkin", "data": checkin(fresh["id"], ref="W-1")},  # 4 created
        {"kind": "checkin", "data": checkin(fresh["id"], ref="W-1")},  # 5 same person
        {"kind": "checkin", "data": checkin(str(uuid.uuid4()))},  # 6 no such activity
        {"kind": "activity", "data": make_activity(township_code="653222200", village_code=None)},
    ]
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == [
        "created",
        "duplicate",
        "conflict",
        "invalid",
        "created",
        "duplicate",
        "invalid",
        "forbidden",
    ]
    assert results[3]["fields"] == {
        "audience": ["须为以下之一:public, students, enterprises, cadres, enforcement_staff。"]
    }
    # the item's message says which fields to fix, not just that it is not valid
    assert (results[3]["message"], results[6]["message"]) == (
        "以下内容有误:audience。",
        "没有这个活动,请先上传活动。",
    )
    assert answer.get_json()["summary"]["created"] == 2
    # Written as it is: exactly what the documented schema says.
    assert BatchAnswer().dump(answer.get_json()) == answer.get_json()
    entries = len(feed())

    replay = api.post("/activities/batch", json={"items": items}, headers=staff).get_json()
    assert [r["status"] for r in replay["results"]][:2] == ["duplicate", "duplicate"]
    assert replay["results"][4]["status"] == "duplicate"
    assert replay["summary"]["created"] == 0
    assert len(feed()) == entries  # nothing new


def test_an_item_of_no_known_kind_or_without_a_record_is_invalid_alone(api, staff, make_activity):
    fine, mistyped = make_activity(), make_activity()
    items = [
        {"kind": "activty", "data": mistyped},
        {"kind": "activity", "data": "not a record"},
        {"data": make_activity()},
        {"kind": "activity", "data": fine},
    ]
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "invalid", "created"]
    assert results[0]["fields"] == {"kind": ["须为以下之一:activity, checkin。"]}
    assert results[0]["id"] == mistyped["id"]
    assert results[1]["fields"] == {"data": ["须为含记录内容的对象。"]}
    assert set(results[2]["fields"]) == {"kind"}
    listed = api.get("/activities", headers=staff).get_json()["items"]
    assert [a["id"] for a in listed] == [fine["id"]]


def test_an_item_whose_kind_or_id_is_not_text_is_invalid_alone(api, staff, make_activity):
    fine = make_activity()
    items = [
        {"kind": ["activity"], "data": make_activity()},
        {"kind": {"name": "activity"}, "data": make_activity()},
        {"kind": "activity", "data": make_activity(id=[1, 2])},
        {"kind": "activity", "data": fine},
    ]
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "invalid", "created"]
    assert [r["kind"] for r in results] == [None, None, "activity", "activity"]
    assert results[2]["id"] is None and list(results[2]["fields"]) == ["id"]
    assert BatchAnswer().dump(answer.get_json()) == answer.get_json()  # the documented shape


def test_every_item_gets_every_check_when_another_item_fails_its_fields(api, staff, make_activity):
    """Items are validated as one collection; one item's bad field must not spare the
    others the checks across fields (ends before it starts, in the future)."""
    items = [
        {"kind": "activity", "data": make_activity(headcount="many")},
        {"kind": "activity", "data": make_activity(ends_at="2024-05-10T08:00:00+08:00")},
        {"kind": "activity", "data": make_activity()},
    ]
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "created"]
    assert set(results[0]["fields"]) == {"headcount"}
    assert results[1]["fields"] == {"ends_at": ["不能早于开始时间。"]}
    listed = api.get("/activities", headers=staff).get_json()["items"]
    assert [a["id"] for a in listed] == [items[2]["data"]["id"]]


def test_checkins_in_the_batch_of_their_new_activity_count_in_its_stored_row(
    api, staff, make_activity
):
    fresh = make_activity(headcount=0)
    items = [
        {"kind": "activity", "data": fresh},
        {"kind": "checkin", "data": checkin(fresh["id"], name="阿依古丽")},
        {"kind": "checkin", "data": checkin(fresh["id"], name="买买提")},
    ]
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    assert answer.get_json()["summary"]["created"] == 3
    stored = api.get(f"/activities/{fresh['id']}", headers=staff).get_json()
    assert stored["checkins"] == 2 and stored["attendances"] == 2


def test_batches_are_capped_at_500_items(api, staff, make_activity):
    items = [{"kind": "activity", "data": make_activity()} for _ in range(501)]
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    assert answer.status_code == 422 and "items" in answer.get_json()["error"]["fields"]


def test_checkins_never_count_a_person_twice(api, staff, auth_header, make_activity, feed):
    cadres = make_activity(type="法治讲堂·逢九必讲", audience="cadres", headcount=2)
    api.post("/activities", json=cadres, headers=staff)
    url = f"/activities/{cadres['id']}/checkins"
    first = checkin(cadres["id"], "买买提·艾力", "W-1")
    assert api.post(url, json=first, headers=staff).status_code == 201
    assert api.post(url, json=first, headers=staff).status_code == 200  # retried nonce
    other_nonce = api.post(url, json=checkin(cadres["id"], "买买提·艾力", "W-1"), headers=staff)
    assert other_nonce.status_code == 200 and other_nonce.get_json()["duplicate"] is True
    for n in (2, 3):
        api.post(url, json=checkin(cadres["id"], f"干部{n}", f"W-{n}"), headers=staff)
    activity = api.get(f"/activities/{cadres['id']}", headers=staff).get_json()
    assert (activity["headcount"], activity["checkins"], activity["attendances"]) == (2, 3, 3)

    names = [c["attendee_name"] for c in api.get(url, headers=auth_header("leader")).get_json()]
    assert "买*****" in names and "买买提·艾力" not in names
    own = [c["attendee_name"] for c in api.get(url, headers=staff).get_json()]
    assert "买买提·艾力" in own
    assert "买买提" not in str(feed()) and "W-1" not in str(feed())
    last = feed()[-1]["payload"]
    assert (last["before"]["attendances"], last["after"]["attendances"]) == (2, 3)


def test_updates_need_the_current_version(api, staff, make_activity, feed):
    body = make_activity()
    api.post("/activities", json=body, headers=staff)
    content = {k: v for k, v in body.items() if k != "id"}
    updated = api.put(
        f"/activities/{body['id']}", json=content | {"headcount": 90, "version": 1}, headers=staff
    )
    assert updated.status_code == 200 and updated.get_json()["version"] == 2
    stale = api.put(
        f"/activities/{body['id']}", json=content | {"headcount": 95, "version": 1}, headers=staff
    )
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    change = feed()[-1]
    assert change["action"] == "update"
    assert (
        change["payload"]["before"]["attendances"],
        change["payload"]["after"]["attendances"],
    ) == (87, 90)
    # The original create, replayed after the correction, is still a duplicate, not a conflict.
    assert api.post("/activities", json=body, headers=staff).status_code == 200


def test_void_keeps_the_record_withdraws_the_figures_and_keeps_history(
    api, staff, make_activity, feed
):
    body = make_activity()
    api.post("/activities", json=body, headers=staff)
    url = f"/activities/{body['id']}"
    assert api.post(f"{url}/void", json={"version": 1}, headers=staff).status_code == 422
    voided = api.post(f"{url}/void", json={"version": 1, "reason": "重复登记"}, headers=staff)
    assert voided.status_code == 200 and voided.get_json()["status"] == "void"
    assert feed()[-1]["payload"] == {"before": feed()[0]["payload"]["after"], "after": None}
    content = {k: v for k, v in body.items() if k != "id"} | {"version": 2}
    assert api.put(url, json=content, headers=staff).status_code == 409
    history = api.get(f"{url}/history", headers=staff).get_json()
    assert [(h["version"], h["action"]) for h in history] == [(1, "create"), (2, "void")]
    assert history[1]["reason"] == "重复登记" and history[1]["actor"] == "7"
    assert api.get("/activities", headers=staff).get_json()["items"] == []
    assert len(api.get("/activities?include_void=true", headers=staff).get_json()["items"]) == 1


@pytest.mark.parametrize("role", ["advisor", "leader"])
def test_roles_that_may_not_write(api, auth_header, make_activity, role):
    body = make_activity()
    answer = api.post(
        "/activities/batch",
        json={"items": [{"kind": "activity", "data": body}]},
        headers=auth_header(role),
    )
    assert answer.status_code == 403


def test_what_one_request_writes_carries_one_server_time(api, staff, make_activity, feed):
    items = [{"kind": "activity", "data": make_activity()} for _ in range(3)]
    api.post("/activities/batch", json={"items": items}, headers=staff)
    stored = [
        api.get(f"/activities/{item['data']['id']}", headers=staff).get_json() for item in items
    ]
    history = api.get(f"/activities/{items[0]['data']['id']}/history", headers=staff).get_json()
    written = [record["recorded_at"] for record in stored] + [history[0]["at"]]
    written += [entry["recorded_at"] for entry in feed()]  # the feed says UTC with a Z
    times = {datetime.fromisoformat(text) for text in written}  # aware: one instant
    assert len(written) == 7 and len(times) == 1
