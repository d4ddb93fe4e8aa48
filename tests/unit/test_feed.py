"""The shared change feed: entries in commit order, paged, each once."""

from shared.db import get_db
from shared.feed import append_change


def append_three(app):
    with app.app_context():
        session = get_db().session
        for number in range(1, 4):
            append_change(
                session, entity="advisor", entity_id=number, action="create", payload={"n": number}
            )
            session.commit()


def test_feed_pages_through_entries_in_order(app, client, auth_header):
    append_three(app)
    headers = auth_header("service")
    first = client.get("/feed?after=0&limit=2", headers=headers).get_json()
    assert [entry["payload"]["n"] for entry in first["entries"]] == [1, 2]
    assert first["has_more"] is True
    second = client.get(f"/feed?after={first['next_after']}&limit=2", headers=headers).get_json()
    assert [entry["payload"]["n"] for entry in second["entries"]] == [3]
    assert second["has_more"] is False
    assert second["last_seq"] == second["next_after"]


def test_a_rolled_back_write_leaves_no_entry(app, client, auth_header):
    with app.app_context():
        session = get_db().session
        append_change(session, entity="advisor", entity_id=9, action="create", payload={})
        session.rollback()
    page = client.get("/feed", headers=auth_header("service")).get_json()
    assert page["entries"] == []


def test_a_position_past_what_the_database_stores_is_refused_not_a_crash(client, auth_header):
    answer = client.get(f"/feed?after={2**63}", headers=auth_header("service"))
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["after"]
    last = client.get(f"/feed?after={2**63 - 1}", headers=auth_header("service"))
    assert (last.status_code, last.get_json()["entries"]) == (200, [])
