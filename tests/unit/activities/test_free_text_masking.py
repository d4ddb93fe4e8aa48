"""An ID number or a phone typed into an activity's notes is masked for everyone but its
recorder and admins: in the activity, its list and its history."""

NOTES = "联系人 13912345678，证件 653222199001011234"


def test_typed_id_numbers_and_phones_in_notes_are_masked(api, staff, auth_header, make_activity):
    body = make_activity(notes=NOTES)
    assert api.post("/activities", json=body, headers=staff).status_code == 201
    url = f"/activities/{body['id']}"
    leader = auth_header("leader")
    shown = api.get(url, headers=leader).get_json()["notes"]
    assert shown == "联系人 139****5678，证件 6532**********1234"
    assert "13912345678" not in str(api.get("/activities", headers=leader).get_json())
    history = api.get(f"{url}/history", headers=leader).get_json()
    assert "13912345678" not in str(history) and "653222199001011234" not in str(history)
    assert api.get(url, headers=staff).get_json()["notes"] == NOTES
    assert NOTES in str(api.get(f"{url}/history", headers=auth_header("admin")).get_json())
