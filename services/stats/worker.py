"""The stats RQ worker: runs the rollup jobs, with RQ's scheduler, inside an app context."""

import logging
import os
import threading
import time

import redis
from rq import Queue, SimpleWorker

from services.stats import QUEUE_NAME, create_app
from services.stats.jobs import tick
from shared.redis_client import get_redis

log = logging.getLogger(__name__)

# A short TTL makes the worker refresh its heartbeat every few seconds, so the gateway's
# health report notices a dead worker quickly.
WORKER_TTL_SECONDS = 20
REDIS_WAIT_SECONDS = 60
# The scheduled catch-up: a lost poke or a Redis outage only delays figures.
SYNC_INTERVAL_SECONDS = float(os.environ.get("STATS_SYNC_INTERVAL", "3"))


def wait_for_redis(connection, timeout=REDIS_WAIT_SECONDS):
    """Block until Redis answers (it may be starting beside us); raise after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return connection.ping()
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def run_ticks(app, stopped, interval=SYNC_INTERVAL_SECONDS):
    """Every few seconds: poke every source, or ask for a rebuild if the state is missing."""
    while not stopped.wait(interval):
        with app.app_context():
            try:
                tick(get_redis())
            except redis.RedisError:
                log.warning("scheduled sync skipped: Redis did not answer")


def main():
    """Work the stats queue until told to stop (SIGINT/SIGTERM: finish the job, then exit)."""
    app = create_app()
    with app.app_context():
        connection = get_redis()
        wait_for_redis(connection)
        queue = Queue(QUEUE_NAME, connection=connection)
        # SimpleWorker runs jobs in-process: ~5 ms a job here against ~18 ms when forking.
        worker = SimpleWorker([queue], connection=connection, worker_ttl=WORKER_TTL_SECONDS)
        log.info("stats worker starting on queue %s", QUEUE_NAME)
        tick(connection)
        stopped = threading.Event()
        threading.Thread(target=run_ticks, args=(app, stopped), daemon=True).start()
        try:
            # RQ says three lines of every job at INFO, a sync every few seconds: only its
            # warnings and failures, unless debugging. Our jobs say what they changed.
            quiet = "DEBUG" if app.config["LOG_LEVEL"] == "DEBUG" else "WARNING"
            worker.work(with_scheduler=True, logging_level=quiet)
        except redis.ConnectionError:
            # Stopping together with the embedded Redis: nothing left to deregister from.
            if not worker._stop_requested:
                raise
            log.info("Redis went away while the worker was stopping")
        finally:
            stopped.set()


if __name__ == "__main__":
    main()
