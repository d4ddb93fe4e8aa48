"""Freshness: time from a write's 2xx to its figure, at 500 writes/s (batches of 50 every
100 ms) through the real services and the real worker. Prints p50/p95 (target p95 < 1 s)."""

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from services.stats.rollup import current_namespace, figures_key
from shared.auth import issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY
from tests.integration.rollup_support import activity_body
from tests.support.processes import (
    ManagedProcess,
    RedisServer,
    start_recording_services,
    wait_for,
)

SECONDS, BATCH, EVERY = 10, 50, 0.1
# Every write is one type, on one day, in one township: the watcher reads that one figure.
DAY, TOWNSHIP, TYPE = "2024-06-01", "653222100", "法润巴扎"
SESSIONS = f"sessions|{TYPE}"
HERE = {
    "starts_at": f"{DAY}T10:00:00+08:00",
    "ends_at": f"{DAY}T11:00:00+08:00",
    "township_code": TOWNSHIP,
    "type": TYPE,
}


def run():
    """Drive the writes, watch the figure, print the latency percentiles."""
    var_dir = Path(tempfile.mkdtemp(prefix="pufa-bench-fresh-"))
    redis_server = RedisServer(var_dir / "redis")
    processes, env = start_recording_services(var_dir, redis_server.url)
    worker = ManagedProcess(
        [sys.executable, "-m", "services.stats.worker"], env=env, log_path=var_dir / "worker.log"
    )
    connection = redis_server.client
    try:
        wait_for(lambda: current_namespace(connection) is not None, 60, "the first rebuild")
        headers = {
            "Authorization": "Bearer "
            + issue_token(DEMO_TOKEN_SIGNING_KEY, subject="1", role="admin")
        }
        url = f"{processes['activities'].url}/activities/batch"
        written, seen, stop = [], {}, threading.Event()

        def watch():
            while not stop.is_set():
                ns = current_namespace(connection)
                where = figures_key(ns, DAY, f"township:{TOWNSHIP}", "type") if ns else None
                value = int(connection.hget(where, SESSIONS) or 0) if ns else 0
                now = time.perf_counter()
                for target, _ in written:
                    if target <= value and target not in seen:
                        seen[target] = now
                time.sleep(0.005)

        watcher = threading.Thread(target=watch)
        watcher.start()
        total, number, started = 0, 0, time.perf_counter()
        while time.perf_counter() - started < SECONDS:
            tick = time.perf_counter()
            items = [
                {
                    "kind": "activity",
                    "data": activity_body(number + n, **HERE),
                }
                for n in range(BATCH)
            ]
            number += BATCH
            answer = requests.post(url, json={"items": items}, headers=headers, timeout=30)
            assert answer.status_code == 200, answer.text[:200]
            total += BATCH
            written.append((total, time.perf_counter()))
            time.sleep(max(0.0, EVERY - (time.perf_counter() - tick)))
        rate = total / (time.perf_counter() - started)
        wait_for(lambda: total in seen, 60, "the last write counted")
        stop.set()
        watcher.join()
    finally:
        worker.stop()
        for process in processes.values():
            process.stop()
        redis_server.stop()
    latencies = sorted(seen[target] - at for target, at in written)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"freshness at {rate:.0f} writes/s: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms (target p95 < 1000 ms)"
    )
