"""Crafted input gets a 4xx, never a 500, and never a stored value that only looks valid."""

from tests.unit.registry.conftest import LICENCE

TOO_BIG = 2**63  # one past the largest integer a database stores


def test_an_id_past_the_largest_stored_integer_is_404(registry, as_admin):
    for path in (f"/advisors/{TOO_BIG}", f"/advisors/{TOO_BIG * 10**6}/villages"):
        answer = registry.get(path, headers=as_admin)
        assert answer.status_code == 404, path
        assert answer.get_json()["error"]["code"] == "not_found"
    ended = registry.post(f"/assignments/{TOO_BIG}/end", json={}, headers=as_admin)
    assert ended.status_code == 404


def test_a_query_integer_past_the_smallest_stored_integer_is_422(registry, as_admin):
    for advisor in (-(2**63) - 1, -(2**70), TOO_BIG):
        answer = registry.get(f"/assignments?advisor={advisor}", headers=as_admin)
        assert answer.status_code == 422, advisor
        assert set(answer.get_json()["error"]["fields"]) == {"advisor"}
    assert registry.get(f"/assignments?advisor={-(2**63)}", headers=as_admin).status_code == 200


def test_a_trailing_newline_does_not_pass_a_pattern(registry, as_admin):
    body = {
        "name": "律师甲",
        "phone": "13912345678\n",
        "law_firm": "和田测试律师事务所",
        "licence_no": LICENCE.format(501) + "\n",
        "languages": ["zh"],
    }
    answer = registry.post("/advisors", json=body, headers=as_admin)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"phone", "licence_no"}
    village = registry.get("/villages", query_string={"township": "653222100\n"}, headers=as_admin)
    assert village.status_code == 422
    fixed = body | {"phone": "13912345678", "licence_no": LICENCE.format(501)}
    assert registry.post("/advisors", json=fixed, headers=as_admin).status_code == 201
