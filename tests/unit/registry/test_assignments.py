"""At most one advisor per village on any day; reassignment closes the day before."""

import pytest

from shared.input_schema import NOT_UNICODE
from shared.messages import EXACT
from tests.unit.registry.conftest import LICENCE

VILLAGE = "653222100001"


@pytest.fixture
def assign(registry, as_admin, moyu):
    def post(advisor_id, start, end=None, village=VILLAGE):
        body = {"village_code": village, "advisor_id": advisor_id, "from": start}
        if end:
            body["to"] = end
        return registry.post("/assignments", json=body, headers=as_admin)

    return post


@pytest.fixture
def fresh_village(registry, as_admin, moyu):
    """A village of the Moyu registry with its shipped assignment ended before 2023."""
    history = registry.get(f"/assignments?village={VILLAGE}", headers=as_admin).get_json()
    ended = registry.post(
        f"/assignments/{history[0]['id']}/end", json={"to": "2024-01-01"}, headers=as_admin
    )
    assert ended.status_code == 200
    return VILLAGE


def advisor_on(registry, headers, day, village=VILLAGE):
    answer = registry.get(f"/villages/{village}/advisor?date={day}", headers=headers).get_json()
    return answer["advisor"] and answer["advisor"]["id"]


def test_reassignment_closes_the_previous_one_the_day_before(
    registry, as_admin, fresh_village, new_advisor, assign
):
    first, second = new_advisor(1), new_advisor(2)
    assert assign(first, "2024-02-01").status_code == 201
    made = assign(second, "2024-06-01")
    assert made.status_code == 201
    assert made.get_json()["closed"]["to"] == "2024-05-31"
    assert advisor_on(registry, as_admin, "2024-05-31") == first
    assert advisor_on(registry, as_admin, "2024-06-01") == second
    assert advisor_on(registry, as_admin, "2030-01-01") == second
    assert advisor_on(registry, as_admin, "2024-01-15") is None  # between the two eras


def test_same_day_start_is_a_clash_naming_it(registry, fresh_village, new_advisor, assign):
    first, second = new_advisor(1), new_advisor(2)
    assign(first, "2024-02-01")
    clash = assign(second, "2024-02-01")
    assert clash.status_code == 409
    message = clash.get_json()["error"]["message"]
    assert f"(编号 {first})派驻(2024-02-01 至 长期" in message


def test_back_dated_overlap_is_refused_but_a_gap_is_fine(
    registry, as_admin, fresh_village, new_advisor, assign
):
    first, second = new_advisor(1), new_advisor(2)
    assign(first, "2024-03-01")
    assert assign(second, "2024-02-10").status_code == 409  # open-ended into the first
    assert assign(second, "2024-02-10", "2024-03-01").status_code == 409  # touches day one
    fits = assign(second, "2024-02-10", "2024-02-29")
    assert fits.status_code == 201 and fits.get_json()["closed"] is None
    assert advisor_on(registry, as_admin, "2024-02-29") == second
    assert advisor_on(registry, as_admin, "2024-03-01") == first


def test_a_fixed_end_is_never_moved_silently(registry, fresh_village, new_advisor, assign):
    first, second = new_advisor(1), new_advisor(2)
    assign(first, "2024-02-01", "2024-12-31")
    refused = assign(second, "2024-06-01")
    assert refused.status_code == 409
    assert "2024-12-31" in refused.get_json()["error"]["message"]


def test_the_same_advisor_again_is_a_clash(registry, fresh_village, new_advisor, assign):
    first = new_advisor(1)
    assign(first, "2024-02-01")
    assert assign(first, "2024-09-01").status_code == 409


def test_an_advisor_serves_several_villages_by_date(registry, as_admin, moyu, new_advisor):
    lawyer = new_advisor(7)
    for village in ("653222100001", "653222100002"):
        history = registry.get(f"/assignments?village={village}", headers=as_admin).get_json()
        registry.post(
            f"/assignments/{history[0]['id']}/end", json={"to": "2024-12-31"}, headers=as_admin
        )
    registry.post(
        "/assignments",
        json={"village_code": "653222100001", "advisor_id": lawyer, "from": "2025-01-01"},
        headers=as_admin,
    )
    registry.post(
        "/assignments",
        json={"village_code": "653222100002", "advisor_id": lawyer, "from": "2025-03-01"},
        headers=as_admin,
    )
    url = f"/advisors/{lawyer}/villages"
    assert registry.get(f"{url}?date=2024-12-31", headers=as_admin).get_json()["villages"] == []
    assert registry.get(f"{url}?date=2025-02-01", headers=as_admin).get_json()["villages"] == [
        "653222100001"
    ]
    both = registry.get(f"{url}?date=2025-03-01", headers=as_admin)
    assert both.get_json()["villages"] == ["653222100001", "653222100002"]
    cached = registry.get(
        f"{url}?date=2025-03-01", headers={**as_admin, "If-None-Match": both.headers["ETag"]}
    )
    assert cached.status_code == 304


def test_bad_assignments_name_their_fields(registry, as_admin, moyu):
    answer = registry.post(
        "/assignments",
        json={"village_code": "999", "advisor_id": "x", "from": "someday"},
        headers=as_admin,
    )
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"village_code", "advisor_id", "from"}
    unknown = registry.post(
        "/assignments",
        json={"village_code": "653222999999", "advisor_id": 99999, "from": "2024-01-01"},
        headers=as_admin,
    )
    assert unknown.status_code == 422
    assert set(unknown.get_json()["error"]["fields"]) == {"village_code", "advisor_id"}


def test_an_advisor_name_that_is_not_valid_unicode_is_refused(registry, as_admin):
    body = {"name": "律师 \ud83d", "phone": "13800009999", "law_firm": "和田测试律师事务所",
            "licence_no": LICENCE.format(999), "languages": ["zh"]}  # fmt: skip
    answer = registry.post("/advisors", json=body, headers=as_admin)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"name": [EXACT[NOT_UNICODE]]}
    listed = registry.get("/advisors", headers=as_admin).get_json()
    assert all(advisor["licence_no"] != LICENCE.format(999) for advisor in listed)


def test_an_advisor_id_past_what_is_stored_is_refused(registry, as_admin):
    body = {"village_code": "653222100001", "advisor_id": 10**20, "from": "2025-01-01"}
    answer = registry.post("/assignments", json=body, headers=as_admin)
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["advisor_id"]
    answer = registry.get(f"/assignments?advisor={10**20}", headers=as_admin)
    assert answer.status_code == 422
