"""What the figures and lists say beside their codes and numbers: the registry's names (and a
rename), a year's advisors and coverage, late records, lists kept to the caller's scope, and
every documented date-time in county time."""

import re
from datetime import UTC, datetime

import requests

from services.stats.catalogue import SOURCES
from tests.integration.catalogue.support import TOWNSHIP, VILLAGE, figures_of, records_behind
from tests.integration.rollup_support import (
    ADMIN,
    ADVISOR,
    activity_body,
    all_pages,
    bearer,
    drain,
    posted,
)


def _registry(counted, path):
    answer = requests.get(f"{counted['urls']['registry']}{path}", headers=ADMIN, timeout=10)
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()


def test_figures_carry_the_names_of_their_codes(counted):
    townships = {t["code"]: t["name"] for t in _registry(counted, "/townships")}
    ranking = counted["stats"].get("/ranking?metric=sessions&period=2024", headers=ADMIN)
    rows = ranking.get_json()
    assert rows and all(
        row["area_name"] == townships[row["area"].partition(":")[2]] for row in rows
    )
    summary = counted["stats"].get("/summary?year=2024", headers=ADMIN).get_json()
    assert summary["figures"]["sessions"]["area_name"] == "全县"
    by_audience = figures_of(counted, metric="sessions", period="2024", by="audience")
    assert {row["breakdown_name"] for row in by_audience} <= {"群众", "学生", "干部"}
    village = figures_of(counted, metric="consultations", period="2024", by="village")[0]
    (named,) = [v for v in _registry(counted, "/villages") if v["code"] == VILLAGE]
    assert village["breakdown_name"] == named["name"]


def _rename_advisor(counted, advisor_id, name):
    advisor = _registry(counted, f"/advisors/{advisor_id}")
    renamed = requests.patch(
        f"{counted['urls']['registry']}/advisors/{advisor_id}",
        json={"name": name, "version": advisor["version"]},
        headers=ADMIN,
        timeout=10,
    )
    assert renamed.status_code == 200, renamed.text[:300]


def test_a_renamed_advisor_is_named_anew_once_the_registry_feed_is_applied(counted):
    _rename_advisor(counted, 1, "阿依古丽·测试")
    drain(counted["app"])
    (row,) = figures_of(counted, metric="consultations", period="2024", by="advisor_id")
    assert (row["breakdown"], row["breakdown_name"]) == ("advisor_id:1", "阿依古丽·测试")


def test_record_lists_carry_the_names_of_their_codes(counted):
    """Each listed record names its township, village and advisor as the registry does
    now: a rename shows in the very next list (the registry's version moved)."""
    townships = {t["code"]: t["name"] for t in _registry(counted, "/townships")}
    villages = {v["code"]: v["name"] for v in _registry(counted, "/villages")}
    activities = all_pages(counted["urls"]["activities"] + "/activities", ADMIN)
    assert activities and all(
        (a["township_name"], a["village_name"])
        == (townships[a["township_code"]], villages.get(a["village_code"]))
        for a in activities
    )
    _rename_advisor(counted, 1, "买买提·改名")
    consultations = all_pages(counted["urls"]["consultations"] + "/consultations", ADMIN)
    assert {c["advisor_name"] for c in consultations} == {"买买提·改名"}
    assert all(
        (c["township_name"], c["village_name"])
        == (townships[c["township_code"]], villages[c["village_code"]])
        for c in consultations
    )


def test_a_years_advisors_and_coverage_are_of_that_year(counted):
    """Moyu's 324 assignments start on 2024-01-01: 2023 had none, 2024 all of them."""
    served = _registry(counted, "/coverage?since=2024-01-01&date=2024-12-31")
    assert served["advisors"] == len(_registry(counted, "/advisors")) == 324
    for year, advisors, covered in (("2023", 0, 0), ("2024", 324, served["covered"])):
        summary = counted["stats"].get(f"/summary?year={year}", headers=ADMIN).get_json()
        assert summary["advisors_active"] == advisors, year
        assert (summary["coverage"]["covered"], summary["coverage"]["since"]) == (
            covered,
            f"{year}-01-01",
        )
    assert served["covered"] == served["villages"] > 300


def test_a_late_record_is_flagged_counted_and_listed(counted):
    """A record written into a closed month by an exception says it was late, how many
    days after it took place, and the figures count it among the month's late records."""
    activities = counted["urls"]["activities"]
    posted(f"{activities}/periods/close", {"period": "2024-04"})
    posted(
        f"{activities}/periods/exceptions",
        {"period": "2024-04", "township_code": TOWNSHIP, "reason": "补录下乡活动",
         "until": "2099-01-01T00:00:00+08:00"},
    )  # fmt: skip
    staff = bearer("staff", scope={"township": TOWNSHIP})
    late = activity_body(4, township_code=TOWNSHIP, headcount=41,
                         starts_at="2024-04-10T10:00:00+08:00",
                         ends_at="2024-04-10T11:00:00+08:00")  # fmt: skip
    written = posted(f"{activities}/activities", late, staff)
    assert written["late"] is True and written["recorded_days_after"] > 900
    drain(counted["app"])
    rows = figures_of(counted, metric="attendances", period="2024-04", by="late")
    (late_row,) = [row for row in rows if row["breakdown"] == "late:true"]
    assert (late_row["value"], late_row["breakdown_name"]) == (41, "关账后补录")
    (listed,) = records_behind(counted, SOURCES[0], late_row["records"])
    assert listed["id"] == late["id"]


def test_a_list_of_another_township_or_advisor_is_refused_not_narrowed(counted):
    staff = bearer("staff", scope={"township": TOWNSHIP})
    own = requests.get(
        f"{counted['urls']['activities']}/activities",
        params={"township": TOWNSHIP},
        headers=staff,
        timeout=10,
    )
    assert own.status_code == 200 and own.json()["items"]
    for service, path, params, headers in (
        ("activities", "/activities", {"township": "653222101"}, staff),
        ("consultations", "/consultations", {"advisor": "2"}, ADVISOR),
    ):
        answer = requests.get(
            f"{counted['urls'][service]}{path}", params=params, headers=headers, timeout=10
        )
        assert answer.status_code == 403, answer.text[:300]
        assert answer.json()["error"]["code"] == "out_of_scope"


RFC_3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def _moments(answer, names, seen):
    """Check every value of a property in `names` anywhere in an answer; note the names."""
    if isinstance(answer, list):
        for item in answer:
            _moments(item, names, seen)
    elif isinstance(answer, dict):
        for key, value in answer.items():
            if key in names and value is not None:
                assert RFC_3339.fullmatch(value), (key, value)
                seen.add(key)
            _moments(value, names, seen)


def test_every_date_time_the_api_documents_says_its_zone(counted):
    """Walk the services' OpenAPI for the date-times their answers carry (…Read schemas),
    then every such value in real answers must be RFC 3339 with an offset."""
    documented = {}
    docs = [requests.get(f"{counted['urls'][name]}/openapi.json", timeout=10).json()
            for name in ("activities", "consultations")]  # fmt: skip
    docs.append(counted["stats"].get("/openapi.json").get_json())
    for doc in docs:
        for name, schema in doc["components"]["schemas"].items():
            for prop, spec in schema.get("properties", {}).items():
                if name.endswith("Read") and spec.get("format") == "date-time":
                    documented.setdefault(prop, name)
    assert {"starts_at", "recorded_at", "checked_in_at", "occurred_at", "until"} <= set(documented)
    assert {"enqueued_at", "started_at", "ended_at"} <= set(documented)
    started = counted["stats"].post("/rebuild", headers=ADMIN).get_json()
    drain(counted["app"])
    job = counted["stats"].get(f"/rebuild/{started['job_id']}", headers=ADMIN).get_json()
    assert (job["state"], job["postponed"]) == ("finished", None)
    fresh = counted["stats"].get("/freshness", headers=ADMIN).get_json()
    for feed, state in fresh.items():
        synced = datetime.fromisoformat(state["last_sync_at"])
        assert state["last_sync_at"].endswith("+08:00"), feed
        assert abs((datetime.now(UTC) - synced).total_seconds()) < 600, feed
    activities = counted["urls"]["activities"]
    listed = all_pages(f"{activities}/activities", ADMIN, **{"from": "2024-01-01"})
    with_checkins = next(a for a in listed if a["checkins"])
    checkins = requests.get(
        f"{activities}/activities/{with_checkins['id']}/checkins", headers=ADMIN, timeout=10
    ).json()
    granted = posted(
        f"{activities}/periods/exceptions",
        {"period": "2024-02", "township_code": TOWNSHIP, "reason": "核对",
         "until": "2099-01-01T00:00:00+08:00"},
    )  # fmt: skip
    posted(f"{activities}/periods/close", {"period": "2023-01"})  # nothing of ours is in it
    periods = requests.get(f"{activities}/periods", headers=ADMIN, timeout=10).json()
    consultations = all_pages(f"{counted['urls']['consultations']}/consultations", ADMIN)
    published = counted["stats"].post("/publications", json={"year": "2024"}, headers=ADMIN)
    assert published.status_code == 201, published.get_json()
    seen = set()
    for answer in (listed, checkins, granted, periods, consultations, job, published.get_json()):
        _moments(answer, set(documented), seen)
    assert seen == set(documented)
    assert listed[0]["recorded_at"].endswith("+08:00")
