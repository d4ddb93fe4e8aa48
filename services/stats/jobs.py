"""The stats worker's jobs: sync one source's feed into the figures, rebuild from zero.

Plain importable functions taking plain values; they run inside the stats app context
(the worker pushes it), where the Redis connection and the service URLs live.
"""

import logging
import threading
import uuid
from contextlib import contextmanager, suppress

import redis
from flask import current_app
from redis.exceptions import LockError
from rq import Queue, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from services.stats import QUEUE_NAME
from services.stats.catalogue import FEEDS, SOURCES
from services.stats.freshness import note_freshness
from services.stats.rollup import (
    CURRENT,
    PREFIX,
    aggregate_effects,
    aggregate_groupings,
    apply_page,
    current_namespace,
    cursor_of,
    namespace_keys,
    seed,
    stale_keys,
)
from shared import http_client
from shared.errors import ApiError
from shared.poke import ANNOUNCED, poke_key
from shared.redis_client import get_redis

log = logging.getLogger(__name__)
PAGE_SIZE = 1000


def feed_page(source, after, limit=PAGE_SIZE):
    """One page of a recording service's change feed."""
    return http_client.get_json(source, "/feed", params={"after": after, "limit": limit})


def stats_queue(connection):
    """The stats queue. Its jobs are JSON (a function's name and plain arguments), never
    pickles: reading a job runs no code, and the worker runs only the functions it knows."""
    return Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer)


def _sync_job_prefix(source):
    return f"sync-{source}-"


def request_sync(connection, source):
    """Queue a sync of `source` unless one waits in the queue; True when one was queued.

    Decided on the queue itself, not on a marker of our own: a marker outlives a worker
    killed between taking the job and starting it, and would hold the source's figures
    still until it lapsed. (Two callers at one moment may queue two: the second finds
    nothing left to apply.)"""
    queue = stats_queue(connection)
    prefix = _sync_job_prefix(source)
    if any(job_id.startswith(prefix) for job_id in queue.get_job_ids()):
        return False
    queue.enqueue(sync_source, source, job_id=f"{prefix}{uuid.uuid4().hex}", job_timeout=600)
    return True


def take_announced(connection, timeout):
    """Wait up to `timeout` seconds for a recording service's announcement of a changed
    feed (shared.poke) and queue its sync; the source's name, or None."""
    announced = connection.brpop([ANNOUNCED], timeout=timeout)
    if announced is None:
        return None
    source = announced[1].decode()
    if source in FEEDS:  # a name we do not follow is dropped, never run
        request_sync(connection, source)
        return source
    log.warning("dropped an announcement of a feed we do not follow: %r", source[:40])
    return None


def start_rebuild(connection):
    """Queue a rebuild job (an admin's ask); return the job, whose meta shows progress."""
    return stats_queue(connection).enqueue(rebuild, job_timeout=3600)


def enqueue_rebuild(connection):
    """Ask for a rebuild, unless one is already pending or running."""
    if connection.set(f"{PREFIX}:poke:rebuild", "1", nx=True, ex=3600):
        start_rebuild(connection)
        return True
    return False


def rebuild_job(connection, job_id):
    """A rebuild job by its id, or None when there is no such job (or no such id: RQ
    refuses an id with anything but letters, digits, _ and -)."""
    try:
        return Job.fetch(job_id, connection=connection, serializer=JSONSerializer)
    except (NoSuchJobError, ValueError):
        return None


@contextmanager
def exclusive(connection, name):
    """Hold the lock `name` while the block runs, renewing it; yield False if it is taken."""
    # short and kept alive by a thread while the job runs: a killed worker's lock lapses
    seconds = current_app.config["STATS_LOCK_SECONDS"]
    lock = connection.lock(f"{PREFIX}:lock:{name}", timeout=seconds, thread_local=False)
    if not lock.acquire(blocking=False):
        yield False
        return
    stopped = threading.Event()

    def renew():
        while not stopped.wait(seconds / 3):
            try:
                lock.reacquire()
            except (redis.RedisError, LockError):
                return

    renewer = threading.Thread(target=renew, daemon=True)
    renewer.start()
    try:
        yield True
    finally:
        stopped.set()
        renewer.join()
        with suppress(redis.RedisError, LockError):
            lock.release()


def _catch_up(connection, ns, source, progress=None):
    """Apply every page of `source` after the namespace's cursor; return entries applied."""
    applied = 0
    while True:
        cursor = cursor_of(connection, ns, source)
        page = feed_page(source, cursor)
        if page["entries"] and apply_page(connection, ns, source, cursor, page["entries"]):
            applied += len(page["entries"])
        if progress:
            progress(source, page["next_after"], page["last_seq"])
        if not page["has_more"]:
            return applied, page["last_seq"]


def _start_from_aggregate(connection, ns, name):
    """Seed a fresh namespace with a counted source's own aggregate, when it offers one."""
    source = next((source for source in SOURCES if source.name == name), None)
    if source is None:
        return
    body = http_client.get_json(
        name,
        "/feed/aggregate",
        params={"grouping": aggregate_groupings(source)},
        # Summing millions of records takes a while; a feed page does not.
        timeout=(
            current_app.config["HTTP_CONNECT_TIMEOUT"],
            current_app.config["STATS_AGGREGATE_TIMEOUT"],
        ),
        missing_ok=True,
    )
    if body is None:
        return  # no aggregate: the whole feed is replayed
    effects = aggregate_effects(source, body["groupings"])
    seed(connection, ns, name, body["as_of_seq"], effects)


def sync_source(source):
    """Bring the live figures up to date with one source's feed (one sync per source)."""
    connection = get_redis()
    # An announcement or a tick from now on queues the next sync.
    connection.delete(poke_key(source))
    with exclusive(connection, source) as held:
        if not held:
            return "busy"
        ns = current_namespace(connection)
        if ns is None:
            enqueue_rebuild(connection)
            return "missing"
        try:
            applied, last_seq = _catch_up(connection, ns, source)
        except ApiError as exc:  # not up yet, or down: the next tick tries again
            log.warning("sync of %s postponed: %s", source, exc.message)
            return "unreachable"
        note_freshness(connection, source, cursor_of(connection, ns, source), last_seq)
        if applied:
            log.info("applied %d %s feed entries", applied, source)
        return applied


def rebuild(on_progress=None):
    """Read every feed from zero into a fresh namespace, then swap it in atomically.

    Progress goes to the RQ job's meta (when run as a job) and to `on_progress`.
    """
    connection = get_redis()
    with exclusive(connection, "rebuild") as held:
        if not held:
            return "busy"
        connection.delete(f"{PREFIX}:poke:rebuild")
        _delete(connection, stale_keys(connection, keep_ns=None))
        ns = uuid.uuid4().hex
        job = get_current_job()

        def progress(source, seq, last_seq):
            if job is not None:
                job.meta["progress"] = {"source": source, "seq": seq, "last_seq": last_seq}
                job.save_meta()
            if on_progress is not None:
                on_progress(source, seq, last_seq)

        try:
            for feed in FEEDS:
                _start_from_aggregate(connection, ns, feed)
                _catch_up(connection, ns, feed, progress)
        except ApiError as exc:  # a source not up yet, or down: the next tick asks again
            log.warning("rebuild postponed: %s", exc.message)
            _delete(connection, namespace_keys(connection, ns))
            if job is not None:
                job.meta["postponed"] = exc.message
                job.save_meta()
            return "unreachable"
        old = current_namespace(connection)
        connection.set(CURRENT, ns)
        if old and old != ns:
            _delete(connection, namespace_keys(connection, old))
        log.info("rollups rebuilt into namespace %s", ns)
        return ns


def _delete(connection, found, chunk=1000):
    """UNLINK the keys `found` yields, a chunk at a time."""
    batch = []
    for key in found:
        batch.append(key)
        if len(batch) == chunk:
            connection.unlink(*batch)
            batch = []
    if batch:
        connection.unlink(*batch)


def tick(connection):
    """The scheduled catch-up: rebuild if the state is missing, else poke every source."""
    if current_namespace(connection) is None:
        enqueue_rebuild(connection)
        return
    for feed in FEEDS:
        request_sync(connection, feed)
