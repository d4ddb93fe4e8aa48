"""After a commit that appended to the change feed, poke the stats queue (coalesced).

The poke is sent by a background thread of the process, so no write waits for Redis, and
at most once per POKE_PAUSE_SECONDS: the commits of that moment share one poke (a busy
process commits hundreds of times a second; a Redis round trip for each cost more than
the writes' SQL). A failure to reach Redis is logged and never fails the write: the
worker's scheduled catch-up finds the entries anyway.
"""

import logging
import os
import threading
import time

import redis
from flask import current_app, has_app_context
from rq import Queue
from rq.serializers import JSONSerializer

log = logging.getLogger(__name__)
POKE_PREFIX = "pufa:rollup:poke"
STATS_QUEUE = "stats"
SYNC_JOB = "services.stats.jobs.sync_source"
POKE_PAUSE_SECONDS = 0.05  # adds at most this much to a figure's freshness


def mark_feed_changed(session):
    """Note on the session that this transaction appended to the feed."""
    session.info["feed_changed"] = True


def stats_queue(connection):
    """The stats queue. Its jobs are JSON (a function's name and plain arguments), never
    pickles: reading a job runs no code, and the worker runs only the functions it knows."""
    return Queue(STATS_QUEUE, connection=connection, serializer=JSONSerializer)


def poke_key(source):
    """The key that says a sync of `source` is already pending."""
    return f"{POKE_PREFIX}:{source}"


def request_sync(connection, source):
    """Queue a sync of `source` unless one is pending; True when one was queued."""
    if connection.set(poke_key(source), "1", nx=True, ex=60):
        stats_queue(connection).enqueue(SYNC_JOB, source, job_timeout=600)
        return True
    return False


class Poker:
    """One background thread per process that sends the pokes asked of it.

    Every poke asked after a commit is sent after that commit (a poke asked while one is
    being sent is sent again), so no committed entry waits for the scheduled catch-up.
    """

    def __init__(self):
        self._wanted = {}  # source -> Redis connection
        self._condition = threading.Condition()
        self._thread, self._pid = None, None

    def ask(self, connection, source):
        """Have `source` poked soon, from the background thread."""
        with self._condition:
            self._wanted[source] = connection
            if self._thread is None or self._pid != os.getpid():  # none yet, or forked
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="poker", daemon=True)
                self._thread.start()
            self._condition.notify()

    def _run(self):
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._wanted)
                wanted, self._wanted = self._wanted, {}
            for source, connection in wanted.items():
                try:
                    request_sync(connection, source)
                except redis.RedisError:
                    log.warning("could not poke the stats queue for %s; the scheduled sync will",
                                source)  # fmt: skip
                except Exception:  # the thread must outlive any surprise: it serves every write
                    log.exception("poking the stats queue for %s failed", source)
            time.sleep(POKE_PAUSE_SECONDS)


_poker = Poker()


def poke_after_commit(session):
    """The after_commit hook: poke once if the transaction changed the feed."""
    if not session.info.pop("feed_changed", False) or not has_app_context():
        return
    _poker.ask(current_app.extensions["redis"], current_app.config["COMPONENT"])


def forget_feed_change(session, *_args):
    """On rollback nothing reached the feed."""
    session.info.pop("feed_changed", None)
