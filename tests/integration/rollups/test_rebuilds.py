"""Nothing lost or counted twice on the way: a page delivered twice, Redis losing its
data, an interrupted rebuild, figures of another scheme, a write while Redis is down, and
a rebuild from zero against the incremental figures."""

import uuid

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.stats.jobs import feed_page, rebuild
from services.stats.rollup import CURRENT, apply_page, current_namespace, cursor_of, keys
from shared.redis_client import get_redis
from tests.integration.rollup_support import (
    ADMIN,
    activity_body,
    drain,
)
from tests.integration.rollups.support import assert_figures_equal_records, post, summary
from tests.support.processes import RedisServer


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


def _stored_figures(connection, ns):
    """Every nonzero figure of a namespace: {(period:area, metric|breakdown): value}."""
    prefix = keys(ns)["figures"]
    stored = {}
    for key in connection.scan_iter(match=f"{prefix}*"):
        for name, value in connection.hgetall(key).items():
            if int(value):
                stored[(key.decode().removeprefix(prefix), name.decode())] = int(value)
    return stored


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
