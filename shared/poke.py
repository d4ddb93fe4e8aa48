"""After a commit that appended to the change feed, poke the stats queue (coalesced).

A failure to reach Redis is logged and never fails the write: the worker's scheduled
catch-up finds the entries anyway.
"""

import logging

import redis
from flask import current_app, has_app_context
from rq import Queue

log = logging.getLogger(__name__)
POKE_PREFIX = "pufa:rollup:poke"
STATS_QUEUE = "stats"
SYNC_JOB = "services.stats.jobs.sync_source"


def mark_feed_changed(session):
    """Note on the session that this transaction appended to the feed."""
    session.info["feed_changed"] = True


def poke_key(source):
    """The key that says a sync of `source` is already pending."""
    return f"{POKE_PREFIX}:{source}"


def request_sync(connection, source):
    """Queue a sync of `source` unless one is pending; True when one was queued."""
    if connection.set(poke_key(source), "1", nx=True, ex=60):
        Queue(STATS_QUEUE, connection=connection).enqueue(SYNC_JOB, source, job_timeout=600)
        return True
    return False


def poke_after_commit(session):
    """The after_commit hook: poke once if the transaction changed the feed."""
    if not session.info.pop("feed_changed", False) or not has_app_context():
        return
    source = current_app.config["COMPONENT"]
    try:
        request_sync(current_app.extensions["redis"], source)
    except redis.RedisError:
        log.warning("could not poke the stats queue for %s; the scheduled sync will", source)


def forget_feed_change(session, *_args):
    """On rollback nothing reached the feed."""
    session.info.pop("feed_changed", None)
