"""Check-in attendees are stored encrypted, as residents are: the database file names no
one, and a retried check-in is still known as the same one."""

import sqlite3

from tests.unit.activities.test_batch_and_corrections import checkin

NAME = "买买提·艾力"


def _database_file(app):
    return app.extensions["database"].engine.url.database


def test_an_attendees_name_is_never_in_the_database_in_clear(
    activities_app, api, staff, make_activity, auth_header
):
    activity = make_activity(audience="cadres", headcount=1)
    api.post("/activities", json=activity, headers=staff)
    url = f"/activities/{activity['id']}/checkins"
    first = checkin(activity["id"], NAME)
    assert api.post(url, json=first, headers=staff).status_code == 201
    assert api.post(url, json=first, headers=staff).status_code == 200  # the retry: the same

    with sqlite3.connect(_database_file(activities_app)) as raw:
        dumped = "\n".join(raw.iterdump())
        (stored,) = raw.execute("SELECT attendee_name_enc FROM checkins").fetchone()
    assert NAME not in dumped and "买买提" not in dumped
    assert stored.startswith("gAAAA")  # a Fernet token
    assert [c["attendee_name"] for c in api.get(url, headers=staff).get_json()] == [NAME]
    leader = api.get(url, headers=auth_header("leader")).get_json()
    assert leader[0]["attendee_name"] == "买*****"
