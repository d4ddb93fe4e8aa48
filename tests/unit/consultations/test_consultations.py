"""Consultations: the advisor's scope by date, the resident's data protected everywhere."""

import requests

from services.consultations.kinds import CONSULTATION
from shared.auth import Principal, issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY
from shared.db import get_db
from shared.input_schema import NOT_UNICODE
from shared.messages import EXACT
from shared.recording.recorder import Recorder
from tests.support.registry_calls import NAME_ASKS, watch_registry_calls
from tests.unit.consultations.conftest import id_number


def test_record_retry_and_conflict(api, advisor, make_consultation):
    body = make_consultation()
    created = api.post("/consultations", json=body, headers=advisor())
    assert created.status_code == 201
    assert created.get_json()["resident"]["name"] == "热依拉·买买提"
    assert created.get_json()["township_code"] == "653222100"
    again = api.post("/consultations", json=body, headers=advisor())
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    clash = api.post("/consultations", json=body | {"advice": "另一个建议"}, headers=advisor())
    assert clash.status_code == 409


def test_id_number_checksum_and_fields_are_validated(api, advisor, make_consultation):
    bad_id = id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1")
    body = make_consultation(channel="信鸽")
    body["resident"] = body["resident"] | {"id_number": bad_id, "phone": "12"}
    answer = api.post("/consultations", json=body, headers=advisor())
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"channel", "resident"}
    assert set(fields["resident"]) == {"id_number", "phone"}
    assert "校验码不对" in fields["resident"]["id_number"][0]
    assert api.get("/consultations", headers=advisor()).get_json()["items"] == []


def test_an_advisor_records_only_for_their_villages(api, advisor, make_consultation):
    refused = api.post("/consultations", json=make_consultation(), headers=advisor(2))
    assert refused.status_code == 403
    assert "未派驻" in refused.get_json()["error"]["message"]
    before_assignment = make_consultation(occurred_at="2023-12-31T10:00:00+08:00")
    assert api.post("/consultations", json=before_assignment, headers=advisor()).status_code == 403


def test_scope_survives_a_reassignment(api, advisor, make_consultation, registry_service):
    """Advisor 324's village goes to a new advisor from 2025-03-01."""
    admin = {
        "Authorization": "Bearer " + issue_token(DEMO_TOKEN_SIGNING_KEY, subject="1", role="admin")
    }
    village = requests.get(
        f"{registry_service.url}/advisors/324/villages?date=2025-01-01", headers=admin, timeout=5
    ).json()["villages"][0]
    newcomer = requests.post(
        f"{registry_service.url}/advisors",
        headers=admin,
        timeout=5,
        json={
            "name": "新顾问",
            "phone": "13800009999",
            "law_firm": "和田律所",
            "licence_no": "16532222020109999",
            "languages": ["ug"],
        },
    ).json()["id"]
    moved = requests.post(
        f"{registry_service.url}/assignments",
        headers=admin,
        timeout=5,
        json={"village_code": village, "advisor_id": newcomer, "from": "2025-03-01"},
    )
    assert moved.status_code == 201

    def record(number, day):
        body = make_consultation(village_code=village, occurred_at=f"{day}T10:00:00+08:00")
        return api.post("/consultations", json=body, headers=advisor(number)).status_code

    assert record(324, "2025-02-28") == 201
    assert record(324, "2025-03-01") == 403
    assert record(newcomer, "2025-03-01") == 201
    assert record(newcomer, "2025-02-28") == 403


def test_registry_down_is_503_and_nothing_stored(app_asking_registry, advisor, make_consultation):
    from services.consultations import create_app

    dead = app_asking_registry(create_app, "dead", registry_url="http://127.0.0.1:9").test_client()
    answer = dead.post("/consultations", json=make_consultation(), headers=advisor())
    assert answer.status_code == 503
    assert dead.get("/consultations", headers=advisor()).get_json()["items"] == []


def test_the_stored_rows_hold_no_plaintext_pii(api, advisor, make_consultation, tmp_path):
    body = make_consultation()
    api.post("/consultations", json=body, headers=advisor())
    corrected = body | {"advice": "更正后的建议", "version": 1}
    del corrected["id"]
    consultation_id = body["id"]
    assert (
        api.put(f"/consultations/{consultation_id}", json=corrected, headers=advisor()).status_code
        == 200
    )
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("consultations.db*"))
    assert len(stored) > 0
    for secret in ("热依拉", "13899990001", id_number(), "维吾尔族"):
        assert secret.encode() not in stored, secret
    assert "邻居占用宅基地通道".encode() in stored  # the record itself is there, readable


def test_the_resident_is_masked_for_all_but_the_advisor_and_admins(
    api, advisor, auth_header, make_consultation
):
    body = make_consultation()
    api.post("/consultations", json=body, headers=advisor())
    url = f"/consultations/{body['id']}"
    full = api.get(url, headers=auth_header("admin")).get_json()["resident"]
    assert full["id_number"] == id_number()
    leader = api.get(url, headers=auth_header("leader")).get_json()
    assert leader["resident_masked"] is True
    assert leader["resident"]["name"] == "热******"
    assert leader["resident"]["phone"] == "138****0001"
    assert (
        leader["resident"]["id_number"].startswith("6532")
        and "1990" not in leader["resident"]["id_number"]
    )
    assert api.get(url, headers=advisor(2)).status_code == 404
    assert api.get(url, headers=auth_header("staff")).status_code == 403


def test_feed_and_history_carry_no_resident_data(api, advisor, auth_header, make_consultation):
    body = make_consultation()
    api.post("/consultations", json=body, headers=advisor())
    mediated = api.post(
        f"/consultations/{body['id']}/mediation",
        json={"version": 1, "result": "success"},
        headers=advisor(),
    )
    assert mediated.status_code == 200 and mediated.get_json()["mediation_result"] == "success"
    feed = api.get("/feed", headers=auth_header("service")).get_json()["entries"]
    assert [e["action"] for e in feed] == ["create", "mediation"]
    assert feed[1]["payload"]["after"]["mediation_result"] == "success"
    history = api.get(f"/consultations/{body['id']}/history", headers=advisor()).get_json()
    text = str(feed) + str(history)
    for secret in ("热依拉", "13899990001", id_number()):
        assert secret not in text
    voided = api.post(
        f"/consultations/{body['id']}/void",
        json={"version": 2, "reason": "重复"},
        headers=advisor(),
    )
    assert voided.get_json()["status"] == "void"


def test_only_referrals_can_be_mediated(api, advisor, make_consultation):
    body = make_consultation(outcome="当场解答")
    api.post("/consultations", json=body, headers=advisor())
    answer = api.post(
        f"/consultations/{body['id']}/mediation",
        json={"version": 1, "result": "success"},
        headers=advisor(),
    )
    assert answer.status_code == 409


def test_the_registry_is_asked_before_the_write_lock_is_taken(
    api, consultations_app, advisor, make_consultation, monkeypatch
):
    calls = watch_registry_calls(consultations_app, monkeypatch)
    days = ("2024-06-12T15:30:00+08:00", "2024-06-13T10:00:00+08:00")
    items = [{"kind": "consultation", "data": make_consultation(occurred_at=d)} for d in days]
    nowhere = make_consultation(occurred_at="2024-06-14T10:00:00+08:00", village_code="6" * 12)
    items.append({"kind": "consultation", "data": nowhere})  # no village: nothing to ask
    answer = api.post("/consultations/batch", json={"items": items}, headers=advisor())
    assert [r["status"] for r in answer.get_json()["results"]] == [
        "created",
        "created",
        "invalid",
    ]
    # one ask of the advisor's assignments serves both days
    assert sorted(calls) == [("/assignments", False), ("/villages", False)]


def test_an_advisors_correction_asks_the_registry_before_the_write_lock(
    api, consultations_app, advisor, make_consultation, monkeypatch
):
    body = make_consultation()
    api.post("/consultations", json=body, headers=advisor())
    calls = watch_registry_calls(consultations_app, monkeypatch)
    correction = {key: value for key, value in body.items() if key != "id"}
    answer = api.put(f"/consultations/{body['id']}", json=correction | {"version": 1,
                     "advice": "先协商"}, headers=advisor())  # fmt: skip
    assert (answer.status_code, answer.get_json()["version"]) == (200, 2)
    # the checks' asks, then the names the answer carries beside its codes
    assert sorted(calls) == sorted([("/assignments", False), ("/villages", False), *NAME_ASKS])


def test_a_resident_name_that_is_not_valid_unicode_is_refused(api, advisor, make_consultation):
    body = make_consultation()
    body["resident"]["name"] = "热依拉 \ud83d"  # an emoji cut in half
    answer = api.post("/consultations", json=body, headers=advisor())
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"resident": [EXACT[NOT_UNICODE]]}
    assert api.get(f"/consultations/{body['id']}", headers=advisor()).status_code == 404


def test_a_time_outside_the_plausible_years_is_refused(api, advisor, make_consultation):
    body = make_consultation(occurred_at="0001-01-01T09:00:00+08:00")
    answer = api.post("/consultations", json=body, headers=advisor())
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["occurred_at"]


def test_a_second_write_asks_the_registry_nothing(
    api, consultations_app, advisor, make_consultation, monkeypatch
):
    calls = watch_registry_calls(consultations_app, monkeypatch)
    for _ in range(2):
        answer = api.post("/consultations", json=make_consultation(), headers=advisor())
        assert answer.status_code == 201
    asked = ["/assignments", "/villages"] + [path for path, _locked in NAME_ASKS]
    assert sorted(path for path, _locked in calls) == sorted(asked)


def test_a_consultation_is_recorded_under_the_recorder_s_caller(
    consultations_app, make_consultation
):
    """Not under whoever the request's global state names: outside any request too."""
    second = Principal("acct-2", "advisor", {"advisor_id": "2"})
    with consultations_app.app_context():
        recorder = Recorder(get_db().session, second, [CONSULTATION])
        content = CONSULTATION.create_schema.load(make_consultation())
        assert CONSULTATION.values(recorder, content)["advisor_id"] == "2"
