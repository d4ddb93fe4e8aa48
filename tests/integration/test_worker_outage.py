"""The stats worker outlives a stalled or stopped Redis, and the figures catch up after."""

import os
import signal
import sys
import time
from pathlib import Path

import requests

from tests.integration.rollup_support import ADMIN, activity_body, counting_world
from tests.support.processes import ManagedProcess, RedisServer, component_env, wait_for

STALL_SECONDS = 8  # several times the clients' 2 s socket timeout
OUTAGE_SECONDS = 6


def _attendances(world):
    answer = world["stats"].test_client().get("/summary?year=2024", headers=ADMIN)
    return answer.json["figures"]["attendances"]["value"] if answer.status_code == 200 else None


def _write_activity(world, number, headcount):
    written = requests.post(
        f"{world['urls']['activities']}/activities",
        json=activity_body(number, headcount=headcount),
        headers=ADMIN,
        timeout=10,
    )
    assert written.status_code == 201, written.text


def test_the_worker_rides_out_a_redis_stall_and_an_outage(tmp_path):
    with counting_world(tmp_path) as world:
        urls = {f"{name.upper()}_URL": url for name, url in world["urls"].items()}
        env = component_env(tmp_path, world["redis"].url, urls | {"STATS_SYNC_INTERVAL": "1"})
        worker = ManagedProcess(
            [sys.executable, "-m", "services.stats.worker"],
            env=env,
            log_path=tmp_path / "worker.log",
        )
        try:
            wait_for(lambda: _attendances(world) is not None, 180, "the figures built")
            before = _attendances(world)

            # A stall: Redis takes connections and answers nothing for a while.
            os.kill(world["redis"].popen.pid, signal.SIGSTOP)
            try:
                _write_activity(world, 1, headcount=21)
                time.sleep(STALL_SECONDS)
            finally:
                os.kill(world["redis"].popen.pid, signal.SIGCONT)
            assert worker.alive(), worker.log_text()[-3000:]
            wait_for(lambda: _attendances(world) == before + 21, 30, "the stalled write counted")

            # An outage: Redis is gone, then back on its port with its data.
            redis_server = world["redis"]
            port, data_dir = redis_server.port, redis_server.log_path.parent
            redis_server.stop()
            try:
                _write_activity(world, 2, headcount=34)
                time.sleep(OUTAGE_SECONDS)
                assert worker.alive(), worker.log_text()[-3000:]
            finally:
                world["redis"] = RedisServer(data_dir, port=port, password=redis_server.password)
            wait_for(lambda: _attendances(world) == before + 55, 30, "the outage's write counted")
            assert worker.alive()
        finally:
            worker.stop()


def catches(pid, signum):
    """Whether process `pid` has a handler of its own for `signum` (Linux's SigCgt mask)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return bool(int(fields["SigCgt"], 16) & (1 << (signum - 1)))


def test_a_stopped_worker_stops_and_is_not_mistaken_for_an_outage(tmp_path, redis_server):
    env = component_env(tmp_path, redis_server.url)
    worker = ManagedProcess(
        [sys.executable, "-m", "services.stats.worker"], env=env, log_path=tmp_path / "worker.log"
    )
    try:
        # In RQ's work loop: it installs its SIGTERM handler once registered as a worker (a
        # signal before that kills it; RQ's own lines are quiet at INFO).
        pid = worker.popen.pid
        wait_for(lambda: catches(pid, signal.SIGTERM), 30, "the worker handling SIGTERM")
        started = time.monotonic()
        os.kill(worker.popen.pid, signal.SIGTERM)
        assert worker.popen.wait(timeout=15) == 0, worker.log_text()[-2000:]
        assert time.monotonic() - started < 10  # supervisord's stopwaitsecs, then SIGKILL
        assert "starting it again" not in worker.log_text()
    finally:
        worker.stop()
