"""The stats worker: a write reaches the figures by its announcement, a worker killed
while applying loses and doubles nothing, and its metrics and CLI."""

import signal
import sys
import time

from services.stats.rollup import current_namespace, cursor_of
from shared.poke import ANNOUNCED
from shared.redis_client import get_redis
from tests.integration.rollup_support import (
    activity_body,
    drain,
)
from tests.integration.rollups.support import assert_figures_equal_records, post, summary
from tests.support.processes import ManagedProcess, component_env, wait_for


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
