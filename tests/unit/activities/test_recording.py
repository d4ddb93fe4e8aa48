"""Recording activities: idempotent ids, validation naming fields, scope, closed periods."""

import http.server
import threading

import pytest

from shared import aggregates, registry_client
from tests.support.processes import wait_for
from tests.support.registry_calls import NAME_ASKS, watch_registry_calls
from tests.unit.activities.conftest import OTHER_TOWNSHIP


def test_create_then_retry_is_one_record_and_says_duplicate(api, staff, make_activity, feed):
    body = make_activity()
    first = api.post("/activities", json=body, headers=staff)
    assert first.status_code == 201
    assert first.get_json()["attendances"] == 87 and first.get_json()["day"] == "2024-05-10"
    again = api.post("/activities", json=body, headers=staff)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert len(feed()) == 1
    listed = api.get("/activities", headers=staff).get_json()["items"]
    assert [a["id"] for a in listed] == [body["id"]]


def test_same_id_other_content_is_a_conflict_not_an_overwrite(api, staff, make_activity):
    body = make_activity()
    api.post("/activities", json=body, headers=staff)
    clash = api.post("/activities", json=body | {"headcount": 500}, headers=staff)
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "id_conflict"
    stored = api.get(f"/activities/{body['id']}", headers=staff).get_json()
    assert stored["headcount"] == 87


def test_bad_input_names_each_field_and_stores_nothing(api, staff, make_activity, feed):
    body = make_activity(
        type="街头表演",
        headcount=-3,
        gps={"lat": 10.0, "lon": 79.7},
        ends_at="2024-05-10T08:00:00+08:00",
        village_code="653222999999",
    )
    answer = api.post("/activities", json=body, headers=staff)
    assert answer.status_code == 422
    assert {"type", "headcount", "gps"} <= set(answer.get_json()["error"]["fields"])
    unknown_village = api.post(
        "/activities", json=make_activity(village_code="653222200201"), headers=staff
    )
    assert unknown_village.status_code == 422
    assert set(unknown_village.get_json()["error"]["fields"]) == {"village_code"}
    future = api.post(
        "/activities",
        json=make_activity(
            starts_at="2099-01-01T10:00:00+08:00", ends_at="2099-01-01T12:00:00+08:00"
        ),
        headers=staff,
    )
    assert set(future.get_json()["error"]["fields"]) == {"starts_at"}
    assert feed() == []
    assert api.get("/activities", headers=staff).get_json()["items"] == []


def test_online_activities_count_reach_not_attendance(api, staff, make_activity):
    online = make_activity(type="新媒体普法", headcount=0, online_reach=15000)
    answer = api.post("/activities", json=online, headers=staff).get_json()
    assert (answer["online_reach"], answer["attendances"]) == (15000, 0)
    wrong = api.post("/activities", json=make_activity(online_reach=50), headers=staff)
    assert set(wrong.get_json()["error"]["fields"]) == {"online_reach"}


def test_staff_write_only_in_their_township_and_leaders_only_read(
    api, staff, auth_header, make_activity
):
    elsewhere = api.post(
        "/activities",
        json=make_activity(township_code=OTHER_TOWNSHIP, village_code=None),
        headers=staff,
    )
    assert elsewhere.status_code == 403
    assert elsewhere.get_json()["error"]["code"] == "out_of_scope"
    assert (
        api.post("/activities", json=make_activity(), headers=auth_header("leader")).status_code
        == 403
    )
    admin = auth_header("admin")
    other = make_activity(township_code=OTHER_TOWNSHIP, village_code=None)
    assert api.post("/activities", json=other, headers=admin).status_code == 201
    # Staff neither list nor open another township's records.
    assert api.get("/activities", headers=staff).get_json()["items"] == []
    assert api.get(f"/activities/{other['id']}", headers=staff).status_code == 404
    assert len(api.get("/activities", headers=auth_header("leader")).get_json()["items"]) == 1


def test_a_closed_period_refuses_late_records_unless_excepted(
    api, staff, auth_header, make_activity
):
    admin = auth_header("admin")
    assert api.post("/periods/close", json={"period": "2024-05"}, headers=admin).status_code == 200
    late = make_activity()
    refused = api.post("/activities", json=late, headers=staff)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == "2024-05 月已关账,请联系县司法局开放例外。"
    june = make_activity(starts_at="2024-06-03T10:00:00+08:00", ends_at="2024-06-03T11:00:00+08:00")
    assert api.post("/activities", json=june, headers=staff).status_code == 201
    grant = {
        "period": "2024-05",
        "township_code": "653222100",
        "until": "2099-01-01T00:00:00+08:00",
        "reason": "村里断网两周",
    }
    assert api.post("/periods/exceptions", json=grant, headers=admin).status_code == 201
    assert api.post("/activities", json=late, headers=staff).status_code == 201
    assert api.post("/periods/exceptions", json=grant, headers=staff).status_code == 403


def test_registry_down_is_503_and_nothing_stored(app_asking_registry, staff, make_activity):
    from services.activities import create_app

    dead = app_asking_registry(create_app, "dead", registry_url="http://127.0.0.1:9").test_client()
    answer = dead.post("/activities", json=make_activity(), headers=staff)
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "upstream_unavailable"
    assert dead.get("/activities", headers=staff).get_json()["items"] == []


def test_a_registry_answering_something_not_json_is_503_too(
    app_asking_registry, staff, make_activity
):
    from services.activities import create_app

    class NotJson(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>Please sign in to the network</html>")

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotJson)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        odd = app_asking_registry(create_app, "odd", registry_url=url).test_client()
        answer = odd.post("/activities", json=make_activity(), headers=staff)
    finally:
        server.shutdown()
        server.server_close()
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "upstream_unavailable"
    assert answer.get_json()["error"]["message"] == "registry 服务暂时无法访问,请稍后再试。"


def test_cursor_pagination_walks_every_record_once(api, staff, make_activity):
    ids = set()
    for day in range(1, 8):
        body = make_activity(
            starts_at=f"2024-07-0{day}T10:00:00+08:00", ends_at=f"2024-07-0{day}T11:00:00+08:00"
        )
        api.post("/activities", json=body, headers=staff)
        ids.add(body["id"])
    seen, cursor = [], None
    while True:
        url = "/activities?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(url, headers=staff).get_json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 7
    days = [
        a["day"]
        for a in api.get("/activities?from=2024-07-03&to=2024-07-05", headers=staff).get_json()[
            "items"
        ]
    ]
    assert days == ["2024-07-05", "2024-07-04", "2024-07-03"]
    assert api.get("/activities?cursor=nonsense", headers=staff).status_code == 422


def test_the_aggregate_sums_current_records_as_of_a_feed_position(
    api, staff, auth_header, make_activity
):
    bodies = [make_activity(headcount=n) for n in (10, 20, 30)]
    for body in bodies:
        api.post("/activities", json=body, headers=staff)
    api.post(
        f"/activities/{bodies[0]['id']}/void",
        json={"version": 1, "reason": "录错了"},
        headers=staff,
    )
    service = auth_header("service")
    answer = api.get("/feed/aggregate?grouping=day,township_code,type", headers=service)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["as_of_seq"] == 4
    (group,) = body["groupings"][0]["groups"]
    assert group["day"] == "2024-05-10" and group["type"] == "法润巴扎"
    assert (group["sessions"], group["attendances"]) == (2, 50)
    wrong = api.get("/feed/aggregate?grouping=day,colour", headers=service)
    assert wrong.status_code == 422 and wrong.get_json()["error"]["fields"] == {
        "grouping": ["没有可分组的列 colour。"]
    }
    assert api.get("/feed/aggregate?grouping=day", headers=staff).status_code == 403


@pytest.mark.parametrize("parts", [1, 3])
def test_the_aggregate_in_parallel_parts_equals_the_aggregate_in_one(
    api, staff, auth_header, make_activity, monkeypatch, parts
):
    for n in range(12):
        day = f"2024-05-{10 + n % 4:02d}T10:00:00+08:00"
        ends = f"2024-05-{10 + n % 4:02d}T11:00:00+08:00"
        api.post(
            "/activities",
            json=make_activity(headcount=10 + n, starts_at=day, ends_at=ends),
            headers=staff,
        )
    grouping = "grouping=day,township_code,type&grouping=month,village_code"
    monkeypatch.setattr(aggregates, "PARTS", parts)
    body = api.get(f"/feed/aggregate?{grouping}", headers=auth_header("service")).get_json()
    by_day, by_village = (grouping["groups"] for grouping in body["groupings"])
    assert sorted((g["day"], g["sessions"], g["attendances"]) for g in by_day) == [
        ("2024-05-10", 3, 10 + 14 + 18),
        ("2024-05-11", 3, 11 + 15 + 19),
        ("2024-05-12", 3, 12 + 16 + 20),
        ("2024-05-13", 3, 13 + 17 + 21),
    ]
    assert [(g["month"], g["sessions"], g["attendances"]) for g in by_village] == [
        ("2024-05", 12, sum(range(10, 22)))
    ]


def test_the_aggregate_is_exactly_its_feed_position_while_writes_go_on(
    activities_app, staff, auth_header, make_activity, feed, monkeypatch
):
    """Its parts run on several connections: all of them, and the position, must see one
    snapshot, or a record written meanwhile would be counted twice or lost on rebuild."""
    monkeypatch.setattr(aggregates, "PARTS", 3)
    stop, statuses = threading.Event(), []

    def write():
        client = activities_app.test_client()
        while not stop.is_set():
            answer = client.post("/activities", json=make_activity(), headers=staff)
            statuses.append(answer.status_code)

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    try:
        # Aggregate once the writes are under way (a first write asks the registry first).
        wait_for(lambda: len(statuses) >= 2, 30, "the first writes")
        client, service = activities_app.test_client(), auth_header("service")
        answers = []
        for _ in range(8):
            answer = client.get("/feed/aggregate?grouping=day,township_code", headers=service)
            answers.append(answer.get_json())
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert statuses and set(statuses) == {201}
    seqs = [entry["seq"] for entry in feed() if entry["action"] == "create"]
    positions = {answer["as_of_seq"] for answer in answers}
    assert len(positions) > 1  # the writes really went on between the aggregates
    for answer in answers:
        sessions = sum(group["sessions"] for group in answer["groupings"][0]["groups"])
        assert sessions == sum(1 for seq in seqs if seq <= answer["as_of_seq"])


def test_the_registry_is_asked_before_the_write_lock_is_taken(
    api, activities_app, staff, make_activity, monkeypatch
):
    calls = watch_registry_calls(activities_app, monkeypatch)
    assert api.post("/activities", json=make_activity(), headers=staff).status_code == 201
    items = [{"kind": "activity", "data": make_activity()} for _ in range(2)]
    registry_client.forget_cache()
    answer = api.post("/activities/batch", json={"items": items}, headers=staff)
    assert answer.get_json()["summary"]["created"] == 2
    # the check's ask, the names of the one answer, then the batch's check
    assert calls == [("/villages", False), *NAME_ASKS, ("/villages", False)]


def test_a_correction_asks_the_registry_before_the_write_lock_too(
    api, activities_app, staff, make_activity, monkeypatch
):
    body = make_activity()
    api.post("/activities", json=body, headers=staff)
    calls = watch_registry_calls(activities_app, monkeypatch)
    correction = {key: value for key, value in body.items() if key != "id"}
    answer = api.put(f"/activities/{body['id']}", json=correction | {"version": 1, "headcount": 90},
                     headers=staff)  # fmt: skip
    assert (answer.status_code, answer.get_json()["headcount"]) == (200, 90)
    assert calls == [("/villages", False), *NAME_ASKS]
