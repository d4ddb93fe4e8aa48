"""Whether a stats worker is alive, read from the heartbeats RQ workers keep in Redis."""

from datetime import UTC, datetime

from rq import Worker

from services.stats import QUEUE_NAME

HEARTBEAT_FRESH_SECONDS = 30


def live_workers(connection, now=None):
    """The stats workers whose last heartbeat is recent."""
    now = now or datetime.now(UTC)
    alive = []
    for worker in Worker.all(connection=connection):
        if QUEUE_NAME not in worker.queue_names() or worker.last_heartbeat is None:
            continue
        beat = worker.last_heartbeat
        if beat.tzinfo is None:
            beat = beat.replace(tzinfo=UTC)
        if (now - beat).total_seconds() <= HEARTBEAT_FRESH_SECONDS:
            alive.append(worker)
    return alive


class WorkerNotAlive(RuntimeError):
    """No stats worker has sent a heartbeat recently."""


def check_worker_alive(connection):
    """Raise WorkerNotAlive unless at least one stats worker is alive."""
    if not live_workers(connection):
        raise WorkerNotAlive("no stats worker heartbeat")
