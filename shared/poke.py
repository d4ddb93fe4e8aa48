"""After a commit that appended to the change feed, say so in Redis (coalesced).

A recording service does not know what follows its feed: it only announces that the feed
has entries to apply, by pushing its name onto one Redis list (ANNOUNCED), at most once
until the follower takes it up (the source's poke key, which the follower clears when it
starts to apply). The stats worker listens on that list and queues its own sync job.

The announcement is sent by a background thread of the process, so no write waits for
Redis, and at most once per POKE_PAUSE_SECONDS: the commits of that moment share one
(a busy process commits hundreds of times a second; a Redis round trip for each cost
more than the writes' SQL). A failure to reach Redis is logged and never fails the
write: the worker's scheduled catch-up finds the entries anyway.
"""

import logging
import os
import threading
import time

import redis
from flask import current_app, has_app_context

log = logging.getLogger(__name__)
POKE_PREFIX = "pufa:rollup:poke"
ANNOUNCED = f"{POKE_PREFIX}:announced"  # the names of feeds with entries to apply
POKE_PAUSE_SECONDS = 0.05  # adds at most this much to a figure's freshness
POKE_SECONDS = 60  # an announcement nobody took up lapses; the scheduled catch-up remains


def mark_feed_changed(session):
    """Note on the session that this transaction appended to the feed."""
    session.info["feed_changed"] = True


def poke_key(source):
    """The key that says `source`'s change is announced and not yet taken up."""
    return f"{POKE_PREFIX}:{source}"


def announce_change(connection, source):
    """Announce that `source`'s feed has entries to apply, unless that is already said;
    True when it was announced now."""
    if connection.set(poke_key(source), "1", nx=True, ex=POKE_SECONDS):
        connection.lpush(ANNOUNCED, source)
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
        """Have `source`'s change announced soon, from the background thread."""
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
                    announce_change(connection, source)
                except redis.RedisError:
                    log.warning("could not announce a change of %s; the scheduled sync will",
                                source)  # fmt: skip
                except Exception:  # the thread must outlive any surprise: it serves every write
                    log.exception("announcing a change of %s failed", source)
            time.sleep(POKE_PAUSE_SECONDS)


_poker = Poker()


def poke_after_commit(session):
    """The after_commit hook: announce once if the transaction changed the feed."""
    if not session.info.pop("feed_changed", False) or not has_app_context():
        return
    _poker.ask(current_app.extensions["redis"], current_app.config["COMPONENT"])


def forget_feed_change(session, *_args):
    """On rollback nothing reached the feed."""
    session.info.pop("feed_changed", None)
