"""What the admin console asks of the real processes through the gateway: searching the
registry, a village's advisors over time, coverage with the uncovered villages named, a
stale advisor edit answered with the advisor as it is now, empty sheets, and the months
closed with the exceptions still open."""

import csv
import io
from datetime import UTC, datetime, timedelta

import requests
from openpyxl import load_workbook

from services.registry.transfer import COLUMNS

VILLAGE = "653222100201"  # 喀拉喀什镇第1村 in the shipped Moyu registry
TOWNSHIP = "653222100"


def call(system, logins, method, path, role="admin", **kwargs):
    """Call the public API as one of the logged-in roles."""
    return requests.request(
        method,
        f"{system['gateway'].url}/api/v1{path}",
        headers=logins.header(role),
        timeout=10,
        **kwargs,
    )


def new_advisor(system, logins, number, name):
    """Register an advisor through the gateway; return its answer."""
    created = call(system, logins, "POST", "/registry/advisors", json={
        "name": name, "phone": f"1370000{number:04d}", "law_firm": "天山律师事务所",
        "licence_no": f"16532222019109{number:03d}", "languages": ["ug", "zh"],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    return created.json()


def test_townships_villages_and_advisors_are_found_by_name_or_code(system, logins):
    townships = call(system, logins, "GET", "/registry/townships", params={"q": "喀拉喀什"})
    assert [t["code"] for t in townships.json()] == [TOWNSHIP]
    by_code = call(system, logins, "GET", "/registry/townships", params={"q": "6532221"}).json()
    assert TOWNSHIP in [t["code"] for t in by_code] and len(by_code) < 16
    villages = call(system, logins, "GET", "/registry/villages", params={"q": "第1村"}).json()
    assert VILLAGE in [v["code"] for v in villages]
    assert all("第1村" in v["name"] for v in villages)
    assert {v["township_name"] for v in villages if v["code"] == VILLAGE} == {"喀拉喀什镇"}
    one = call(system, logins, "GET", "/registry/villages", params={"q": VILLAGE[-5:]}).json()
    assert VILLAGE in [v["code"] for v in one]
    too_long = call(system, logins, "GET", "/registry/villages", params={"q": "x" * 51})
    assert too_long.status_code == 422 and "q" in too_long.json()["error"]["fields"]

    advisor = new_advisor(system, logins, 1, "阿依古丽·搜索")
    found = call(system, logins, "GET", "/registry/advisors", params={"q": "搜索"}).json()
    assert [a["id"] for a in found] == [advisor["id"]]
    # An admin finds an advisor by phone; a leader, who sees it masked, does not.
    by_phone = {"q": advisor["phone"][-6:]}
    assert [a["id"] for a in call(system, logins, "GET", "/registry/advisors",
                                  params=by_phone).json()] == [advisor["id"]]  # fmt: skip
    assert call(system, logins, "GET", "/registry/advisors", "leader", params=by_phone).json() == []


def test_a_stale_advisor_edit_answers_the_advisor_as_it_is_now(system, logins):
    advisor = new_advisor(system, logins, 2, "买买提·版本")
    path = f"/registry/advisors/{advisor['id']}"
    first = call(system, logins, "PATCH", path, json={"version": 1, "law_firm": "昆仑律师事务所"})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = call(system, logins, "PATCH", path, json={"version": 1, "phone": "13711112222"})
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "stale_version"
    assert "已被他人修改" in error["message"]
    assert error["current"]["law_firm"] == "昆仑律师事务所"
    assert error["current"]["version"] == 2
    assert error["current"]["phone"] == advisor["phone"]  # the admin sees the number
    assert call(system, logins, "GET", path).json()["phone"] == advisor["phone"]  # not stored


def test_a_village_timeline_and_the_coverage_it_leaves(system, logins):
    first = new_advisor(system, logins, 3, "古丽·时间线")
    second = new_advisor(system, logins, 4, "艾力·时间线")
    shipped = call(system, logins, "GET", f"/registry/villages/{VILLAGE}/timeline").json()
    assert shipped["village"]["name"] == "喀拉喀什镇第1村"
    assert shipped["village"]["township_name"] == "喀拉喀什镇"
    assert len(shipped["assignments"]) == 1 and shipped["assignments"][0]["in_force"]

    made = call(system, logins, "POST", "/registry/assignments", json={
        "village_code": VILLAGE, "advisor_id": first["id"], "from": "2031-01-01"})  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["closed"]["to"] == "2030-12-31"
    clash = call(system, logins, "POST", "/registry/assignments", json={
        "village_code": VILLAGE, "advisor_id": second["id"], "from": "2030-06-01",
        "to": "2031-02-01"})  # fmt: skip
    assert clash.status_code == 409
    assert clash.json()["error"]["message"].startswith("派驻冲突")
    assert f"法律顾问古丽·时间线(编号 {first['id']})" in clash.json()["error"]["message"]
    ended = call(system, logins, "POST",
                 f"/registry/assignments/{made.json()['assignment']['id']}/end",
                 json={"to": "2031-03-31"})  # fmt: skip
    assert ended.status_code == 200, ended.text

    timeline = call(system, logins, "GET", f"/registry/villages/{VILLAGE}/timeline",
                    params={"date": "2031-02-15"}).json()  # fmt: skip
    entries = [(e["advisor"]["name"], e["from"], e["to"], e["in_force"])
               for e in timeline["assignments"]]  # fmt: skip
    assert entries[-1] == ("古丽·时间线", "2031-01-01", "2031-03-31", True)
    assert entries[-2][2] == "2030-12-31" and entries[-2][3] is False

    coverage = call(system, logins, "GET", "/registry/coverage", params={"date": "2031-04-01"})
    township = next(t for t in coverage.json()["townships"] if t["township_code"] == TOWNSHIP)
    assert {"code": VILLAGE, "name": "喀拉喀什镇第1村"} in township["uncovered"]
    assert township["covered"] == township["villages"] - len(township["uncovered"])
    before = call(system, logins, "GET", "/registry/coverage", params={"date": "2031-03-31"})
    township = next(t for t in before.json()["townships"] if t["township_code"] == TOWNSHIP)
    assert VILLAGE not in [v["code"] for v in township["uncovered"]]
    missing = call(system, logins, "GET", "/registry/villages/653222100999/timeline")
    assert missing.status_code == 404


def test_empty_sheets_hold_the_import_header_only(system, logins):
    for kind, columns in COLUMNS.items():
        sheet = call(system, logins, "GET", f"/registry/templates/{kind}")
        assert sheet.status_code == 200
        assert "attachment" in sheet.headers["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
        assert rows == [[label for _field, label in columns]]
        workbook = call(system, logins, "GET", f"/registry/templates/{kind}?format=xlsx")
        cells = list(load_workbook(io.BytesIO(workbook.content)).active.values)
        assert cells == [tuple(label for _field, label in columns)]
    assert call(system, logins, "GET", "/registry/templates/villages", "leader").status_code == 403
    assert call(system, logins, "GET", "/registry/templates/nothing").status_code == 404


def test_closed_months_and_open_exceptions_are_listed(system, logins):
    assert call(system, logins, "POST", "/activities/periods/close",
                json={"period": "2031-05"}).status_code == 200  # fmt: skip
    soon = datetime.now(UTC) + timedelta(days=2)
    granted = call(system, logins, "POST", "/activities/periods/exceptions", json={
        "period": "2031-05", "township_code": TOWNSHIP, "until": soon.isoformat(),
        "reason": "补录五月活动"})  # fmt: skip
    assert granted.status_code == 201, granted.text
    listed = call(system, logins, "GET", "/activities/periods").json()
    closed = {c["period"]: c for c in listed["closed"]}
    assert closed["2031-05"]["closed_by"] == str(logins.ids["admin"])
    assert closed["2031-05"]["closed_at"].endswith("+08:00")
    exception = next(e for e in listed["exceptions"] if e["id"] == granted.json()["id"])
    assert (exception["period"], exception["township_code"]) == ("2031-05", TOWNSHIP)
    assert exception["until"].endswith("+08:00")

    unknown = call(system, logins, "POST", "/activities/periods/exceptions", json={
        "period": "2031-05", "township_code": "653222999", "until": soon.isoformat(),
        "reason": "没有这个乡镇"})  # fmt: skip
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"]["township_code"] == ["登记册中没有这个乡镇。"]
    gone = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    late = {"period": "2031-05", "township_code": TOWNSHIP, "until": gone, "reason": "已过期"}
    past = call(system, logins, "POST", "/activities/periods/exceptions", json=late)
    assert past.status_code == 422 and past.json()["error"]["fields"]["until"] == ["须晚于现在。"]
    after = call(system, logins, "GET", "/activities/periods").json()
    assert len(after["exceptions"]) == len(listed["exceptions"])  # nothing stored

    assert call(system, logins, "POST", "/activities/periods/reopen",
                json={"period": "2031-05"}).status_code == 200  # fmt: skip
    reopened = call(system, logins, "GET", "/activities/periods").json()
    assert "2031-05" not in [c["period"] for c in reopened["closed"]]
    assert call(system, logins, "GET", "/activities/periods", "leader").status_code == 403
