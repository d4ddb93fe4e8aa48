"""Single creates that queue while another is written share one transaction, each caller
still answered as itself; a record that breaks its write fails alone."""

import threading

import pytest
from sqlalchemy import event

from services.activities import recording
from services.activities.kinds import ActivityKind
from shared import grouped_writes as grouped_writes_module
from shared.db import writers_held
from shared.grouped_writes import grouped_writes
from tests.support.processes import wait_for
from tests.unit.activities.conftest import OTHER_TOWNSHIP


@pytest.fixture
def queued_writes(activities_app):
    """Send creates so that the first waits for the write lock while the others queue
    behind it, then let them go; returns the answers (in the order sent) and the commits
    counted."""
    engine = activities_app.extensions["database"].engine
    commits = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))

    def send(first, rest):
        answers = [None] * (1 + len(rest))

        def post(index, body, headers):
            answers[index] = activities_app.test_client().post(
                "/activities", json=body, headers=headers
            )

        with activities_app.app_context():
            group = grouped_writes(recording.recorder)
        threads = [threading.Thread(target=post, args=(0, *first))]
        with writers_held(engine):
            threads[0].start()
            wait_for(lambda: group.writing and group.queued == 0, 10, "the first write to start")
            for index, (body, headers) in enumerate(rest, 1):
                threads.append(threading.Thread(target=post, args=(index, body, headers)))
                threads[-1].start()
            wait_for(lambda: group.queued == len(rest), 10, "the others to queue")
            commits.clear()
        for thread in threads:
            thread.join(30)
        return answers, len(commits)

    return send


def test_queued_callers_share_a_transaction_and_each_is_answered_as_itself(
    api, queued_writes, staff, auth_header, make_activity, feed
):
    admin = auth_header("admin", subject="1")
    other_staff = auth_header("staff", subject="8", scope={"township": OTHER_TOWNSHIP})
    mine, theirs, elsewhere = make_activity(), make_activity(), make_activity()
    answers, commits = queued_writes(
        (mine, staff),
        [
            (theirs, other_staff),  # outside that caller's township: refused, alone
            (elsewhere | {"township_code": OTHER_TOWNSHIP, "village_code": None}, admin),
            (elsewhere | {"township_code": OTHER_TOWNSHIP, "village_code": None}, admin),
        ],
    )
    # The two admin posts of one body queue in whichever order their threads ran.
    created, duplicate = sorted(answers[2:], key=lambda answer: -answer.status_code)
    assert [answers[0].status_code, answers[1].status_code] == [201, 403]
    assert [created.status_code, duplicate.status_code] == [201, 200]
    assert commits == 1  # the three queued behind the first joined its transaction
    assert answers[1].get_json()["error"]["code"] == "out_of_scope"
    created, duplicate = created.get_json(), duplicate.get_json()
    assert created["id"] == duplicate["id"] == elsewhere["id"]
    assert created["duplicate"] is False and duplicate["duplicate"] is True
    stored = {a["id"]: a for a in api.get("/activities", headers=admin).get_json()["items"]}
    assert set(stored) == {mine["id"], elsewhere["id"]}
    assert stored[mine["id"]]["recorded_by"] == "7"
    assert stored[elsewhere["id"]]["recorded_by"] == "1"
    assert sorted(entry["entity_id"] for entry in feed()) == sorted(stored)


def test_a_record_that_breaks_its_group_fails_alone(
    api, queued_writes, staff, make_activity, feed, monkeypatch
):
    values = ActivityKind.values

    def breaking(self, content, record=None):
        if content["title"] == "boom":
            raise RuntimeError("a record this code cannot write")
        return values(self, content, record)

    monkeypatch.setattr(ActivityKind, "values", breaking)
    first, broken, fine = make_activity(), make_activity(title="boom"), make_activity()
    answers, _ = queued_writes((first, staff), [(broken, staff), (fine, staff)])
    assert [answer.status_code for answer in answers] == [201, 500, 201]
    assert answers[1].get_json()["error"]["code"] == "internal_error"
    listed = api.get("/activities", headers=staff).get_json()["items"]
    assert {a["id"] for a in listed} == {first["id"], fine["id"]}
    assert len(feed()) == 2


def test_batches_of_a_process_take_turns_and_a_long_wait_is_a_clear_503(
    activities_app, api, staff, make_activity, monkeypatch
):
    monkeypatch.setattr(grouped_writes_module, "WAIT_SECONDS", 0.3)
    body = {"items": [{"kind": "activity", "data": make_activity()}]}
    with activities_app.app_context():
        turn = activities_app.extensions.setdefault("batch_turn", threading.Lock())
    with turn:  # another batch of this process is being recorded
        waited = api.post("/activities/batch", json=body, headers=staff)
    assert waited.status_code == 503
    assert waited.get_json()["error"]["code"] == "database_busy"
    assert waited.headers["Retry-After"] == "1"
    assert api.get("/activities", headers=staff).get_json()["items"] == []
    answer = api.post("/activities/batch", json=body, headers=staff)
    assert answer.get_json()["summary"]["created"] == 1


def test_late_joiners_fill_a_transaction_up_to_its_limit_and_queue_for_the_next(
    api, queued_writes, staff, make_activity, monkeypatch
):
    monkeypatch.setattr(grouped_writes_module, "GROUP_LIMIT", 2)
    monkeypatch.setattr(grouped_writes_module, "LATE_JOINERS_AT_ONCE", 1)
    bodies = [make_activity() for _ in range(4)]
    answers, commits = queued_writes((bodies[0], staff), [(body, staff) for body in bodies[1:]])
    assert [answer.status_code for answer in answers] == [201, 201, 201, 201]
    assert commits == 2  # the first with one late joiner, then the two left together
    listed = api.get("/activities", headers=staff).get_json()["items"]
    assert {a["id"] for a in listed} == {body["id"] for body in bodies}
