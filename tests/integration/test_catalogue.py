"""The catalogue's contract with the recording services, walked rather than hand-picked:
each service's facts cover what the catalogue counts, every drill-down parameter is one its
list accepts, and every figure's `records` link lists exactly the records behind it.

Real parts: the bundled Redis, the registry, activities and consultations services as
gunicorn processes; the stats worker's jobs run in-process in RQ burst mode.
"""

import re
import uuid
from datetime import UTC, datetime

import pytest
import requests

from services.stats.catalogue import LEVELS, SOURCES, kept_breakdowns, period_kind
from tests.integration.rollup_support import (
    ADMIN,
    ADVISOR,
    activity_body,
    all_pages,
    bearer,
    consultation_body,
    counting_world,
    drain,
)

DAY, TOWNSHIP, VILLAGE = "2024-03-04", "653222100", "653222100001"
AREAS = ("county", f"township:{TOWNSHIP}", f"village:{VILLAGE}")
PERIODS = ("2024", DAY[:7], DAY)
ORGANISERS = ("司法局", "公安局", "法院")
CHANNELS = ("面谈", "电话")
OUTCOMES = ("当场解答", "转人民调解")


def _get(counted, source, path, params):
    """GET a path of a source service itself, as an admin."""
    url = f"{counted['urls'][source.name]}{path}"
    return requests.get(url, params=params, headers=ADMIN, timeout=10)


def _list(counted, source, params):
    """GET a source's record list with `params`."""
    return _get(counted, source, source.records.removeprefix(f"/api/v1/{source.name}"), params)


def _post(url, body, headers=ADMIN):
    answer = requests.post(url, json=body, headers=headers, timeout=10)
    assert answer.status_code in (200, 201), answer.text[:300]
    return answer.json()


def _records(urls):
    """Varied records of 2024, many on DAY in TOWNSHIP and VILLAGE, some corrected or void."""
    on_day = {"starts_at": f"{DAY}T10:00:00+08:00", "ends_at": f"{DAY}T11:00:00+08:00"}
    activities = []
    for number in range(36):
        body = activity_body(number, organiser=ORGANISERS[number % 3])
        if number % 2 == 0:
            body |= on_day | {"township_code": TOWNSHIP}
        if number % 4 == 0:
            body |= {"village_code": VILLAGE}
        if number == 1:  # captured offline, uploaded later: the phone's time of capture
            body["client_recorded_at"] = f"{DAY}T12:00:00+08:00"
        if number % 9 == 5:
            body |= {"type": "新媒体普法", "headcount": 0, "online_reach": 1000 + number}
        activities.append({"kind": "activity", "data": body})
    _post(f"{urls['activities']}/activities/batch", {"items": activities})
    first = activities[0]["data"]
    for person in range(30):  # more check-ins than its headcount
        _post(
            f"{urls['activities']}/activities/{first['id']}/checkins",
            {
                "id": str(uuid.uuid4()),
                "attendee_name": f"村民{person}",
                "checked_in_at": f"{DAY}T10:30:00+08:00",
            },
        )
    _post(
        f"{urls['activities']}/activities/{activities[2]['data']['id']}/void",
        {"version": 1, "reason": "重复录入"},
    )
    for number in range(14):
        body = consultation_body(number) | {
            "channel": CHANNELS[number % 2],
            "outcome": OUTCOMES[number % 2],
        }
        if number % 2 == 0:
            body["occurred_at"] = f"{DAY}T15:00:00+08:00"
        consultation = _post(f"{urls['consultations']}/consultations", body, ADVISOR)
        if number % 4 == 1:  # referred to mediation (an odd number): mediated
            _post(
                f"{urls['consultations']}/consultations/{consultation['id']}/mediation",
                {"version": consultation["version"], "result": "success"},
                ADVISOR,
            )


@pytest.fixture(scope="module")
def counted(tmp_path_factory):
    """Redis, the recording services with varied records, and a caught-up stats app."""
    with counting_world(tmp_path_factory.mktemp("catalogue")) as world:
        _records(world["urls"])
        drain(world["stats"])
        yield {"urls": world["urls"], "stats": world["stats"].test_client(), "app": world["stats"]}


def _figures(counted, **query):
    answer = counted["stats"].get("/figures", query_string=query, headers=ADMIN)
    assert answer.status_code == 200, (query, answer.get_json())
    return answer.get_json()


def _listed(counted, source, link, cache={}):  # noqa: B006 - one listing per link a run
    """The records a drill-down link lists, read from the source service itself."""
    if link not in cache:
        path = link.removeprefix(f"/api/v1/{source.name}")
        cache[link] = all_pages(counted["urls"][source.name] + path, ADMIN)
    return cache[link]


def _value_of(records, metric):
    return len(records) if metric.sums is None else sum(r[metric.sums] for r in records)


def _grains():
    """Every (source, metric, period, area, breakdown dimension or None) the figures keep."""
    for source in SOURCES:
        for metric in source.metrics:
            for period in PERIODS:
                for area in AREAS:
                    level = next((lv for lv in LEVELS if area.startswith(lv.name)), None)
                    if level and period_kind(period) not in level.periods:
                        continue
                    yield source, metric, period, area, None
                    for dimension in kept_breakdowns(source, level):
                        yield source, metric, period, area, dimension
                    finer = LEVELS[LEVELS.index(level) + 1 :] if level else LEVELS
                    for below in finer:
                        if period_kind(period) in below.periods:
                            yield source, metric, period, area, below.name


def test_each_recording_services_facts_cover_the_catalogue(counted):
    for source in SOURCES:
        page = _get(counted, source, "/feed", {"after": 0}).json()
        facts = [e["payload"]["after"] for e in page["entries"] if e["entity"] == source.entity]
        needed = {
            *source.facts,
            *(m.name for m in source.metrics),
            *(b.dimension for b in source.breakdowns),
        }
        assert facts and all(needed <= set(one) for one in facts if one), source.name
        # and its aggregate (what a rebuild starts from) groups and sums by the same names
        grouping = ",".join(sorted({*source.facts, *(b.dimension for b in source.breakdowns)}))
        answer = _get(counted, source, "/feed/aggregate", {"grouping": grouping})
        assert answer.status_code == 200, answer.text[:300]
        (grouped,) = answer.json()["groupings"]
        assert {m.name for m in source.metrics} <= set(grouped["groups"][0])


def _a_value_with_records(counted, source, dimension):
    """A value of `dimension` that some of the year's records have."""
    rows = _figures(counted, metric=source.metrics[0].name, period="2024", by=dimension)
    assert rows, (source.name, dimension)
    return rows[0]["breakdown"].partition(":")[2]


def test_every_drill_down_parameter_is_one_its_list_accepts(counted):
    for source in SOURCES:
        parameters = [
            *(
                (b.parameter, _a_value_with_records(counted, source, b.dimension))
                for b in source.breakdowns
            ),
            *((lv.parameter, _a_value_with_records(counted, source, lv.name)) for lv in LEVELS),
            *(pair for metric in source.metrics for pair in metric.where),
            *(
                (key, value.format(moment="2001-01-01T00:00:00+08:00"))
                for key, value in source.changed_since
            ),
        ]
        for parameter, value in parameters:
            answer = _list(counted, source, {parameter: value})
            assert answer.status_code == 200, (source.name, parameter, answer.text[:300])
            assert answer.json()["items"], (source.name, parameter, value)


def test_every_figure_lists_exactly_the_records_behind_it(counted):
    compared = 0
    for source, metric, period, area, dimension in _grains():
        query = {"metric": metric.name, "period": period, "area": area}
        if dimension is None:
            (figure,) = _figures(counted, **query)
            rows = [figure]
        else:
            rows = _figures(counted, **query, by=dimension)
            if dimension == source.total:  # one value per record: they add up to the total
                (total,) = _figures(counted, **query)
                assert sum(row["value"] for row in rows) == total["value"], query
        for row in rows:
            listed = _listed(counted, source, row["records"])
            assert row["value"] == _value_of(listed, metric), (query, dimension, row)
            compared += bool(row["value"])
    assert compared > 300  # the walk met real figures, not zeros


def test_a_list_refuses_a_filter_it_does_not_know(counted):
    for source in SOURCES:
        answer = _list(counted, source, {"townshp": TOWNSHIP})
        assert answer.status_code == 422, answer.text[:300]
        assert list(answer.json()["error"]["fields"]) == ["townshp"]
    answer = counted["stats"].get("/figures?metric=sessions&period=2024&bye=type", headers=ADMIN)
    assert answer.status_code == 422 and list(answer.get_json()["error"]["fields"]) == ["bye"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"metric": "sessions", "period": DAY, "area": f"village:{VILLAGE}"}, "period"),
        (
            {"metric": "sessions", "period": "2024", "area": f"village:{VILLAGE}", "by": "type"},
            "by",
        ),
        ({"metric": "sessions", "period": "2024", "by": "category"}, "by"),
        ({"metric": "consultations", "period": DAY, "by": "village"}, "by"),
        (
            {
                "metric": "sessions",
                "period": "2024",
                "area": f"township:{TOWNSHIP}",
                "by": "township",
            },
            "by",
        ),
    ],
)
def test_a_grain_the_figures_do_not_keep_is_a_422_naming_what_is_kept(counted, query, field):
    answer = counted["stats"].get("/figures", query_string=query, headers=ADMIN)
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == "grain_not_kept" and list(error["fields"]) == [field]
    assert "村(社区)按年、月" in error["message"]


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
    by_audience = _figures(counted, metric="sessions", period="2024", by="audience")
    assert {row["breakdown_name"] for row in by_audience} <= {"群众", "学生", "干部"}
    village = _figures(counted, metric="consultations", period="2024", by="village")[0]
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
    (row,) = _figures(counted, metric="consultations", period="2024", by="advisor_id")
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
    _post(f"{activities}/periods/close", {"period": "2024-04"})
    _post(
        f"{activities}/periods/exceptions",
        {"period": "2024-04", "township_code": TOWNSHIP, "reason": "补录下乡活动",
         "until": "2099-01-01T00:00:00+08:00"},
    )  # fmt: skip
    staff = bearer("staff", scope={"township": TOWNSHIP})
    late = activity_body(4, township_code=TOWNSHIP, headcount=41,
                         starts_at="2024-04-10T10:00:00+08:00",
                         ends_at="2024-04-10T11:00:00+08:00")  # fmt: skip
    written = _post(f"{activities}/activities", late, staff)
    assert written["late"] is True and written["recorded_days_after"] > 900
    drain(counted["app"])
    rows = _figures(counted, metric="attendances", period="2024-04", by="late")
    (late_row,) = [row for row in rows if row["breakdown"] == "late:true"]
    assert (late_row["value"], late_row["breakdown_name"]) == (41, "关账后补录")
    (listed,) = _listed(counted, SOURCES[0], late_row["records"])
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
    granted = _post(
        f"{activities}/periods/exceptions",
        {"period": "2024-02", "township_code": TOWNSHIP, "reason": "核对",
         "until": "2099-01-01T00:00:00+08:00"},
    )  # fmt: skip
    _post(f"{activities}/periods/close", {"period": "2023-01"})  # nothing of ours is in it
    periods = requests.get(f"{activities}/periods", headers=ADMIN, timeout=10).json()
    consultations = all_pages(f"{counted['urls']['consultations']}/consultations", ADMIN)
    published = counted["stats"].post("/publications", json={"year": "2024"}, headers=ADMIN)
    assert published.status_code == 201, published.get_json()
    seen = set()
    for answer in (listed, checkins, granted, periods, consultations, job, published.get_json()):
        _moments(answer, set(documented), seen)
    assert seen == set(documented)
    assert listed[0]["recorded_at"].endswith("+08:00")
