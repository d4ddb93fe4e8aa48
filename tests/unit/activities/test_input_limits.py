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


def test_times_outside_the_plausible_years_are_refused(api, staff, make_activity, feed):
    year_one = make_activity(starts_at="0001-01-01T09:00:00+08:00")  # year 0 in UTC
    answer = api.post("/activities", json=year_one, headers=staff)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["starts_at"] == ["须在 2000 年到 2099 年之间。"]
    last_moment = make_activity(ends_at="9999-12-31T23:59:59-12:00")  # year 10000 in UTC
    items = [
        {"kind": "activity", "data": last_moment},
        {"kind": "activity", "data": make_activity()},
    ]
    results = api.post("/activities/batch", json={"items": items}, headers=staff).get_json()[
        "results"
    ]
    assert [(r["status"], list(r.get("fields", {}))) for r in results] == [
        ("invalid", ["ends_at"]), ("created", [])
    ]  # fmt: skip
    assert len(feed()) == 1
    listed = api.get("/activities?from=0001-01-01", headers=staff)
    assert (listed.status_code, list(listed.get_json()["error"]["fields"])) == (422, ["from"])


def test_json_nested_too_deeply_is_a_400_not_a_crash(api, staff):
    deep = "[" * 100_000 + "]" * 100_000
    json_body = staff | {"Content-Type": "application/json"}
    for path, body in (("/activities", deep), ("/activities/batch", f'{{"items": {deep}}}')):
        answer = api.post(path, data=body, headers=json_body)
        assert answer.status_code == 400, path
        assert answer.get_json()["error"]["code"] == "bad_request"
