"""Numbers past what can be stored or summed are refused per field, never a 500 (which
lost a whole batch: the other items with it)."""

from services.activities.schemas import ONLINE_REACH_LIMIT

ONLINE = "新媒体普法"


def test_an_online_reach_past_the_limit_is_refused(api, staff, make_activity, feed):
    body = make_activity(type=ONLINE, headcount=0, online_reach=10**20)
    answer = api.post("/activities", json=body, headers=staff)
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["online_reach"]
    assert feed() == []
    largest = make_activity(type=ONLINE, headcount=0, online_reach=ONLINE_REACH_LIMIT)
    assert api.post("/activities", json=largest, headers=staff).status_code == 201


def test_in_a_batch_only_that_item_is_invalid(api, staff, make_activity):
    kept = make_activity()
    items = [
        {"kind": "activity", "data": make_activity(type=ONLINE, headcount=0, online_reach=2**64)},
        {"kind": "activity", "data": kept},
    ]
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["status"] for r in results] == ["invalid", "created"]
    assert list(results[0]["fields"]) == ["online_reach"]
    assert api.get(f"/activities/{kept['id']}", headers=staff).status_code == 200


def test_a_version_past_what_is_stored_is_refused(api, staff, make_activity):
    body = make_activity()
    api.post("/activities", json=body, headers=staff)
    void = {"version": 2**63, "reason": "重复录入"}
    answer = api.post(f"/activities/{body['id']}/void", json=void, headers=staff)
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["version"]
