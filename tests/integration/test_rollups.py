"""The invariants of the figures: exactly the records, once, whatever happens on the way.

Real parts: the bundled Redis, the registry, activities and consultations services as
gunicorn processes; the stats worker's jobs run in-process in RQ burst mode.
"""

import signal
import sys
import time
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.stats.jobs import feed_page, rebuild
from services.stats.rollup import CURRENT, apply_page, current_namespace, cursor_of, keys
from shared.poke import ANNOUNCED
from shared.redis_client import get_redis
from tests.integration.rollup_support import (
    ADMIN,
    ADVISOR,
    activity_body,
    all_pages,
    consultation_body,
    counting_world,
    drain,
    recount,
)
from tests.support.processes import ManagedProcess, RedisServer, component_env, wait_for

FIGURES = (
    "sessions",
    "attendances",
    "checkins",
    "cadre_sessions",
    "cadre_attendances",
    "consultations",
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Redis, the three recording services and an in-process stats app wired to them."""
    with counting_world(tmp_path_factory.mktemp("rollups")) as world:
        yield world


def summary(world, year="2024"):
    answer = world["stats"].test_client().get(f"/summary?year={year}", headers=ADMIN)
    assert answer.status_code == 200, answer.get_json()
    return {name: answer.get_json()["figures"][name]["value"] for name in FIGURES}


def assert_figures_equal_records(world):
    drain(world["stats"])
    expected = recount(world["urls"], ADMIN, "2024")
    assert summary(world) == {name: expected[name] for name in FIGURES}


def post(world, service, path, body, headers=ADMIN):
    answer = requests.post(
        f"{world['urls'][service]}{path}", json=body, headers=headers, timeout=10
    )
    assert answer.status_code in (200, 201), answer.text[:300]
    return answer.json()


def test_writes_corrections_voids_and_checkins_add_up_exactly(world):
    items = [{"kind": "activity", "data": activity_body(n)} for n in range(30)]
    post(world, "activities", "/activities/batch", {"items": items})
    post(world, "activities", "/activities/batch", {"items": items})  # a replayed upload
    first, second = items[0]["data"], items[1]["data"]
    content = {k: v for k, v in first.items() if k != "id"}
    corrected = requests.put(
        f"{world['urls']['activities']}/activities/{first['id']}",
        json=content | {"headcount": 400, "version": 1},
        headers=ADMIN,
        timeout=10,
    )
    assert corrected.status_code == 200
    post(world, "activities", f"/activities/{second['id']}/void", {"version": 1, "reason": "重复"})
    for person in range(80):  # more people than the headcount of 10 + 2 = 12
        post(
            world,
            "activities",
            f"/activities/{items[2]['data']['id']}/checkins",
            {
                "id": str(uuid.uuid4()),
                "attendee_name": f"干部{person % 60}",
                "checked_in_at": "2024-03-03T10:00:00+08:00",
            },
        )
    for n in range(12):
        post(world, "consultations", "/consultations", consultation_body(n), headers=ADVISOR)
    assert_figures_equal_records(world)
    assert summary(world)["checkins"] >= 60


def test_breakdowns_and_rankings_add_up_to_the_total(world):
    drain(world["stats"])
    client = world["stats"].test_client()
    total = summary(world)["attendances"]
    by_type = client.get(
        "/figures?metric=attendances&period=2024&by=type", headers=ADMIN
    ).get_json()
    assert sum(row["value"] for row in by_type) == total
    ranking = client.get("/ranking?metric=attendances&period=2024", headers=ADMIN).get_json()
    assert sum(row["value"] for row in ranking) == total
    assert ranking[0]["value"] >= ranking[-1]["value"]
    trend = client.get("/trend?metric=sessions&year=2024", headers=ADMIN).get_json()
    assert len(trend) == 12 and sum(row["value"] for row in trend) == summary(world)["sessions"]
    drill = by_type[0]["records"]
    assert drill.startswith("/api/v1/activities/activities?from=2024-01-01&to=2024-12-31&type=")
    # Every figure is traceable: its drill-down lists exactly the records behind it.
    sessions = client.get("/figures?metric=sessions&period=2024&by=type", headers=ADMIN).get_json()
    for row in sessions:
        listed = all_pages(
            world["urls"]["activities"] + row["records"].removeprefix("/api/v1/activities"), ADMIN
        )
        assert len(listed) == row["value"], row["breakdown"]
    by_category = client.get(
        "/figures?metric=consultations&period=2024&by=category", headers=ADMIN
    ).get_json()
    for row in by_category:
        listed = all_pages(
            world["urls"]["consultations"] + row["records"].removeprefix("/api/v1/consultations"),
            ADMIN,
        )
        assert len(listed) == row["value"], row["breakdown"]


def _listed(world, figure):
    """What the records behind a figure add up to, listed through its drill-down."""
    service = "consultations" if figure["metric"] == "consultations" else "activities"
    path = figure["records"].removeprefix(f"/api/v1/{service}")
    records = all_pages(world["urls"][service] + path, ADMIN)
    if figure["metric"] == "attendances":
        return sum(record["attendances"] for record in records)
    return len(records)


@pytest.mark.parametrize(
    ("metric", "period", "area"),
    [
        ("sessions", "2024-03-04", "county"),
        ("attendances", "2024-03", "county"),
        ("sessions", "2024", "township:653222100"),
        ("attendances", "2024-03", "township:653222101"),
        ("attendances", "2024-03-04", "township:653222100"),
        ("sessions", "2024", "village:653222100001"),
        ("attendances", "2024-03", "village:653222100001"),
        ("consultations", "2024", "county"),
        ("consultations", "2024-03", "village:653222100001"),
    ],
)
def test_a_figure_of_any_period_and_area_is_the_records_behind_it(world, metric, period, area):
    """Only a township's days and a village's months are stored: months, years and the
    county are summed when read, and must still be exactly the records."""
    for number in range(6):
        day = {"starts_at": "2024-03-04T10:00:00+08:00", "ends_at": "2024-03-04T11:00:00+08:00"}
        village = {"village_code": "653222100001"} if number % 2 == 0 else {}
        post(world, "activities", "/activities", activity_body(number, **day, **village))
        post(world, "consultations", "/consultations", consultation_body(number), ADVISOR)
    drain(world["stats"])
    answer = (
        world["stats"]
        .test_client()
        .get(f"/figures?metric={metric}&period={period}&area={area}", headers=ADMIN)
    )
    assert answer.status_code == 200, answer.get_json()
    (figure,) = answer.get_json()
    assert figure["value"] > 0 and figure["value"] == _listed(world, figure)


def test_a_page_delivered_twice_is_applied_once(world):
    drain(world["stats"])
    post(world, "activities", "/activities", activity_body(99))
    with world["stats"].app_context():
        connection = get_redis()
        ns = current_namespace(connection)
        cursor = cursor_of(connection, ns, "activities")
        page = feed_page("activities", cursor)["entries"]
        assert apply_page(connection, ns, "activities", cursor, page) is True
        assert apply_page(connection, ns, "activities", cursor, page) is False
    assert_figures_equal_records(world)


def test_redis_losing_its_data_rebuilds_the_same_figures(world):
    drain(world["stats"])
    before = summary(world)
    world["redis"].client.flushall()
    assert world["stats"].test_client().get("/summary?year=2024", headers=ADMIN).status_code == 503
    drain(world["stats"])
    assert summary(world) == before
    assert_figures_equal_records(world)


def caught_up_with_stray_keys(world, stray):
    """Drain the feeds, then write keys this code does not own ({key: {field: value}} or
    {key: value}); (the summary before, the Redis connection, the live namespace)."""
    drain(world["stats"])
    before = summary(world)
    with world["stats"].app_context():
        connection = get_redis()
        live = current_namespace(connection)
        for key, value in stray.items():
            if isinstance(value, dict):
                connection.hset(key, mapping=value)
            else:
                connection.set(key, value)
    return before, connection, live


def test_a_rebuild_clears_what_an_interrupted_rebuild_left_and_keeps_the_figures(world):
    # a rebuild that died after seeding, before the swap
    left = keys("interrupted")
    before, connection, live = caught_up_with_stray_keys(
        world,
        {left["figures"] + "2024:county:all": {"sessions": 9}, left["cursor"]: {"activities": 5}},
    )
    with world["stats"].app_context():
        ns = rebuild()
        assert ns != live and current_namespace(connection) == ns
        assert not list(connection.scan_iter(match="pufa:rollup:ns:interrupted:*"))
        assert not list(connection.scan_iter(match=f"pufa:rollup:ns:{live}:*"))
    assert summary(world) == before
    assert_figures_equal_records(world)


def test_figures_kept_under_another_scheme_are_rebuilt_not_misread(world):
    # what deployments of older catalogues left: their pointers and their own layouts
    old = {
        "pufa:rollup:current": "old-scheme",
        "pufa:rollup:current:v3": "old-scheme",
        "pufa:rollup:old-scheme:figures": {"sessions|2024-03|county|all": 7},
        "pufa:rollup:ns:old-scheme:f:2024:county:all": {"sessions": 7},
    }
    before, connection, live = caught_up_with_stray_keys(world, old)
    connection.delete(CURRENT)  # as if this code met only the other schemes' state
    client = world["stats"].test_client()
    assert client.get("/summary?year=2024", headers=ADMIN).status_code == 503
    drain(world["stats"])
    assert summary(world) == before
    with world["stats"].app_context():
        assert current_namespace(connection) not in (None, live, "old-scheme")
        assert not any(connection.exists(key) for key in old)
    assert_figures_equal_records(world)


def test_a_write_accepted_while_redis_is_down_is_counted_after(world):
    drain(world["stats"])
    redis_server = world["redis"]
    port, data_dir = redis_server.port, redis_server.log_path.parent
    password = redis_server.password
    redis_server.stop()
    try:
        written = requests.post(
            f"{world['urls']['activities']}/activities",
            json=activity_body(7, headcount=33),
            headers=ADMIN,
            timeout=10,
        )
        assert written.status_code == 201
    finally:
        world["redis"] = RedisServer(data_dir, port=port, password=password)
    assert_figures_equal_records(world)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["create", "update", "void", "checkin", "replay"]), st.integers(0, 200)
        ),
        min_size=1,
        max_size=8,
    )
)
def test_rebuild_from_zero_equals_the_incremental_figures(world, operations):
    created = []
    for operation, number in operations:
        if operation in ("create", "replay") or not created:
            body = activity_body(number) if operation == "create" or not created else created[-1]
            post(world, "activities", "/activities", body)
            created.append(body)
            continue
        target = created[number % len(created)]
        current = requests.get(
            f"{world['urls']['activities']}/activities/{target['id']}", headers=ADMIN, timeout=10
        ).json()
        if current["status"] == "void":
            continue
        if operation == "update":
            content = {k: v for k, v in target.items() if k != "id"}
            requests.put(
                f"{world['urls']['activities']}/activities/{target['id']}",
                json=content | {"headcount": number, "version": current["version"]},
                headers=ADMIN,
                timeout=10,
            )
        elif operation == "void":
            post(
                world,
                "activities",
                f"/activities/{target['id']}/void",
                {"version": current["version"], "reason": "测试"},
            )
        else:
            post(
                world,
                "activities",
                f"/activities/{target['id']}/checkins",
                {
                    "id": str(uuid.uuid4()),
                    "attendee_name": f"人{number % 7}",
                    "checked_in_at": "2024-05-01T10:00:00+08:00",
                },
            )
    drain(world["stats"])
    with world["stats"].app_context():
        connection = get_redis()
        incremental = _stored_figures(connection, current_namespace(connection))
        rebuild()
        rebuilt = _stored_figures(connection, current_namespace(connection))
    assert rebuilt == incremental


def _stored_figures(connection, ns):
    """Every nonzero figure of a namespace: {(period:area, metric|breakdown): value}."""
    prefix = keys(ns)["figures"]
    stored = {}
    for key in connection.scan_iter(match=f"{prefix}*"):
        for name, value in connection.hgetall(key).items():
            if int(value):
                stored[(key.decode().removeprefix(prefix), name.decode())] = int(value)
    return stored


def test_a_write_reaches_the_figures_by_its_announcement_not_the_schedule(world, tmp_path):
    """With the scheduled catch-up an hour away, the recording service's announcement of
    its changed feed is what has the worker apply a write: many times, one after another."""
    drain(world["stats"])
    env = component_env(
        tmp_path,
        world["redis"].url,
        {
            **{f"{name.upper()}_URL": url for name, url in world["urls"].items()},
            "STATS_SYNC_INTERVAL": "3600",
        },
    )
    worker = ManagedProcess(
        [sys.executable, "-m", "services.stats.worker"], env=env, log_path=tmp_path / "worker.log"
    )
    try:
        sessions = summary(world)["sessions"]
        for number in range(3):
            post(world, "activities", "/activities", activity_body(9100 + number))
            sessions += 1
            wait_for(lambda: summary(world)["sessions"] == sessions, 20, "the write counted")  # noqa: B023
    finally:
        worker.stop(signal.SIGTERM)
    assert_figures_equal_records(world)


def test_a_worker_killed_while_applying_loses_and_doubles_nothing(world, tmp_path):
    """SIGKILL a real worker process in the middle of a big sync, then let syncs resume."""
    drain(world["stats"])
    for batch in range(6):
        items = [{"kind": "activity", "data": activity_body(batch * 500 + n)} for n in range(500)]
        post(world, "activities", "/activities/batch", {"items": items})
    env = component_env(
        tmp_path,
        world["redis"].url,
        {
            **{f"{name.upper()}_URL": url for name, url in world["urls"].items()},
            "STATS_LOCK_SECONDS": "2",
            "STATS_SYNC_INTERVAL": "0.2",
        },
    )
    worker = ManagedProcess(
        [sys.executable, "-m", "services.stats.worker"], env=env, log_path=tmp_path / "worker.log"
    )
    with world["stats"].app_context():
        connection = get_redis()
        ns = current_namespace(connection)
        start = cursor_of(connection, ns, "activities")
        wait_for(lambda: cursor_of(connection, ns, "activities") > start, 60, "the worker applying")
    worker.stop(signal.SIGKILL)
    time.sleep(2.5)  # the killed worker's per-source lock lapses
    assert_figures_equal_records(world)


def test_metrics_show_lag_and_queue_depth_and_the_cli_rebuilds(world):
    drain(world["stats"])
    post(world, "activities", "/activities", activity_body(123))
    with world["stats"].app_context():  # announced; no worker here to take it up yet
        wait_for(lambda: get_redis().llen(ANNOUNCED) >= 1, 5, "the announcement")
    body = world["stats"].test_client().get("/metrics").get_data(as_text=True)
    assert "stats_queue_depth" in body and 'stats_entries_behind{source="activities"}' in body
    drain(world["stats"])
    body = world["stats"].test_client().get("/metrics").get_data(as_text=True)
    assert 'stats_entries_behind{source="activities"} 0.0' in body
    before = summary(world)
    result = world["stats"].test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "activities" in result.output and "rebuilt: namespace" in result.output
    assert summary(world) == before
