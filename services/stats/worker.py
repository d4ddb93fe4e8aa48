"""The stats RQ worker: runs the rollup jobs, with RQ's scheduler, inside an app context.

It runs only our own job functions, read from JSON jobs, and it outlives Redis: when
Redis stops answering (down, restarting, stalled) RQ's work loop ends, and the worker
waits for Redis with a growing pause and starts working again; the scheduled catch-up
then brings the figures up to date.
"""

import logging
import threading
import time

import redis
from rq import SimpleWorker
from rq.exceptions import StopRequested
from rq.job import Job
from rq.serializers import JSONSerializer

from services.stats import QUEUE_NAME, create_app
from services.stats.jobs import rebuild, stats_queue, sync_source, take_announced, tick
from shared.redis_client import get_redis

log = logging.getLogger(__name__)

# A short TTL makes the worker refresh its heartbeat every few seconds, so the gateway's
# health report notices a dead worker quickly.
WORKER_TTL_SECONDS = 20
# Waiting for Redis: the pause doubles from the first to the longest, for as long as it takes.
FIRST_PAUSE_SECONDS = 0.2
LONGEST_PAUSE_SECONDS = 5.0
# The only functions a stats job may name; anything else in the queue is refused unrun.
JOB_FUNCTIONS = frozenset(f"{job.__module__}.{job.__name__}" for job in (sync_source, rebuild))
ANNOUNCEMENT_WAIT_SECONDS = 1  # how often the relay looks up from waiting to see a stop


class RefusedJob(Exception):
    """A job that names a function that is not one of the stats jobs."""


class StatsJob(Job):
    """An RQ job that resolves its function only if it is one of JOB_FUNCTIONS."""

    @property
    def func(self):
        """The job's function; RefusedJob (the job fails, nothing runs) for any other."""
        if self.instance is not None or self.func_name not in JOB_FUNCTIONS:
            raise RefusedJob(f"refused a job naming {self.func_name!r}: not a stats job")
        return super().func


class StatsWorker(SimpleWorker):
    """RQ's in-process worker, remembering that it was asked to stop: RQ's loop ends the
    same way on a stop and on a Redis that does not answer, and only the first ends ours."""

    stop_asked = False

    def request_stop(self, signum, frame):
        """SIGTERM/SIGINT: finish the job in hand, then stop (RQ's warm shutdown)."""
        self.stop_asked = True
        super().request_stop(signum, frame)


def stats_worker(connection):
    """A worker of the stats queue: in-process jobs (~5 ms a job against ~18 ms when
    forking), JSON jobs only, our job functions only."""
    return StatsWorker(
        [stats_queue(connection)],
        connection=connection,
        worker_ttl=WORKER_TTL_SECONDS,
        job_class=StatsJob,
        serializer=JSONSerializer,
    )


def wait_for_redis(connection, stopped=None):
    """Block until Redis answers, however long that takes, pausing longer each time."""
    pause = FIRST_PAUSE_SECONDS
    while stopped is None or not stopped.is_set():
        try:
            return connection.ping()
        except redis.RedisError:
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
    return False


def run_ticks(app, stopped):
    """Every few seconds: poke every source, or ask for a rebuild if the state is missing."""
    while not stopped.wait(app.config["STATS_SYNC_INTERVAL"]):
        with app.app_context():
            try:
                tick(get_redis())
            except redis.RedisError:
                log.warning("scheduled sync skipped: Redis did not answer")


def relay_announcements(app, stopped):
    """Turn the recording services' announcements of changed feeds into sync jobs, for as
    long as the worker runs, riding out Redis outages like the worker does."""
    with app.app_context():
        connection = get_redis()
        while not stopped.is_set():
            try:
                take_announced(connection, ANNOUNCEMENT_WAIT_SECONDS)
            except redis.RedisError:
                log.warning("Redis did not answer the announcement relay; waiting for it")
                wait_for_redis(connection, stopped)


def work_until_stopped(app, connection, stopped):
    """Work the queue; whenever RQ's loop ends without a stop asked, wait for Redis and
    work again with a new worker (the old one's registration lapses with its TTL)."""
    try:
        while not stopped.is_set():
            wait_for_redis(connection, stopped)
            worker = stats_worker(connection)
            try:
                tick(connection)
                # RQ says three lines of every job at INFO, a sync every few seconds: only
                # its warnings and failures, unless debugging. Our jobs say what they changed.
                quiet = "DEBUG" if app.config["LOG_LEVEL"] == "DEBUG" else "WARNING"
                worker.work(with_scheduler=True, logging_level=quiet)
            except redis.RedisError:
                log.warning("Redis did not answer the stats worker; waiting for it")
            if worker.stop_asked:
                return
            log.warning("the stats worker's loop ended without a stop; starting it again")
    except StopRequested:  # SIGTERM/SIGINT (RQ's handlers) while not working a job
        return


def main():
    """Work the stats queue until told to stop (SIGINT/SIGTERM: finish the job, then exit)."""
    app = create_app()
    with app.app_context():
        connection = get_redis()
        log.info("stats worker starting on queue %s", QUEUE_NAME)
        stopped = threading.Event()
        threading.Thread(target=run_ticks, args=(app, stopped), daemon=True).start()
        threading.Thread(target=relay_announcements, args=(app, stopped), daemon=True).start()
        try:
            work_until_stopped(app, connection, stopped)
        finally:
            stopped.set()


if __name__ == "__main__":
    main()
