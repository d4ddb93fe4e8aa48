"""Coverage, advisor load and the tree: what leadership and the other services ask."""

from sqlalchemy import event

from shared.db import get_db


def test_moyu_is_16_townships_324_villages_fully_covered(registry, auth_header, moyu):
    leader = auth_header("leader")
    townships = registry.get("/townships", headers=leader).get_json()
    assert len(townships) == 16
    assert sum(t["villages"] for t in townships) == 324
    assert {"喀拉喀什镇", "喀瓦克乡"} <= {t["name"] for t in townships}
    coverage = registry.get("/coverage?date=2024-06-30", headers=leader).get_json()
    assert (coverage["villages"], coverage["covered"], coverage["ratio"]) == (324, 324, 1.0)
    assert len(registry.get("/advisors", headers=leader).get_json()) == 324


def test_coverage_lists_an_uncovered_village_in_its_township(registry, as_admin, moyu):
    history = registry.get("/assignments?village=653222201205", headers=as_admin).get_json()
    registry.post(
        f"/assignments/{history[0]['id']}/end", json={"to": "2024-06-30"}, headers=as_admin
    )
    before = registry.get("/coverage?date=2024-06-30", headers=as_admin).get_json()
    after = registry.get("/coverage?date=2024-07-01", headers=as_admin).get_json()
    assert before["covered"] == 324
    assert after["covered"] == 323
    assert after["ratio"] == round(323 / 324, 4)
    township = next(t for t in after["townships"] if t["township_code"] == "653222201")
    assert township["uncovered"] == [{"code": "653222201205", "name": "乌尔其乡第5村"}]
    assert township["covered"] == township["villages"] - 1


def test_coverage_of_all_villages_is_one_query(moyu):
    from services.registry.queries import coverage
    from shared.clock import local_today

    statements = []
    with moyu.app_context():
        engine = get_db().engine
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        result = coverage(get_db().session, day=local_today())
    assert result["villages"] == 324
    assert [sql.split()[0] for sql in statements if not sql.startswith("BEGIN")] == ["SELECT"]


def test_advisor_load_counts_villages_per_advisor(registry, as_admin, moyu, new_advisor):
    idle = new_advisor(50)
    load = registry.get("/advisor-load?date=2024-06-30", headers=as_admin).get_json()
    assert len(load) == 325
    assert {entry["villages"] for entry in load if entry["advisor_id"] != idle} == {1}
    assert next(e for e in load if e["advisor_id"] == idle)["villages"] == 0


def test_phones_are_masked_for_everyone_but_admins(registry, auth_header, moyu):
    admin = registry.get("/advisors/1", headers=auth_header("admin")).get_json()
    leader = registry.get("/advisors/1", headers=auth_header("leader")).get_json()
    staff = registry.get("/advisors/1", headers=auth_header("staff")).get_json()
    assert admin["phone"] == "13909990001"
    assert leader["phone"] == staff["phone"] == "139****0001"


def test_only_admins_write(registry, auth_header, moyu):
    body = {"village_code": "653222100001", "advisor_id": 1, "from": "2030-01-01"}
    for role in ("leader", "staff", "advisor"):
        assert (
            registry.post("/assignments", json=body, headers=auth_header(role)).status_code == 403
        )
    assert registry.get("/townships").status_code == 401


def test_advisor_licence_form_and_stale_versions(registry, as_admin, new_advisor):
    bad = registry.post(
        "/advisors",
        json={"name": "x", "phone": "123", "law_firm": "y", "licence_no": "A123", "languages": []},
        headers=as_admin,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"phone", "licence_no", "languages"}
    advisor = new_advisor(3)
    first = registry.patch(
        f"/advisors/{advisor}", json={"version": 1, "law_firm": "新律所"}, headers=as_admin
    )
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = registry.patch(
        f"/advisors/{advisor}", json={"version": 1, "active": False}, headers=as_admin
    )
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    duplicate = registry.post(
        "/advisors",
        json={"name": "y", "phone": "13800001111", "law_firm": "z",
              "licence_no": first.get_json()["licence_no"], "languages": ["zh"]},
        headers=as_admin,
    )  # fmt: skip
    assert duplicate.status_code == 409


def test_the_feed_shows_each_change_once_in_order(registry, auth_header, new_advisor):
    admin = auth_header("admin")
    advisor = new_advisor(1)
    registry.patch(f"/advisors/{advisor}", json={"version": 1, "active": False}, headers=admin)
    registry.patch(f"/advisors/{advisor}", json={"version": 2, "active": False}, headers=admin)
    feed = registry.get("/feed", headers=auth_header("service")).get_json()["entries"]
    assert [(e["entity"], e["action"]) for e in feed] == [
        ("advisor", "create"),
        ("advisor", "update"),
    ]
    assert [e["seq"] for e in feed] == sorted({e["seq"] for e in feed})
    assert "phone" not in str(feed) and "13800000001" not in str(feed)
