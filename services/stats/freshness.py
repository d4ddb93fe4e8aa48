"""How far behind its feeds the figures are: what each sync notes, and what the API and
/metrics report from it."""

import time
from datetime import UTC, datetime

from services.stats.catalogue import FEEDS
from services.stats.rollup import PREFIX
from shared.clock import county_time

FRESHNESS = f"{PREFIX}:freshness"


def note_freshness(connection, source, cursor, last_seq):
    """Record a sync of `source`: the cursor applied and the last sequence it saw."""
    now = time.time()
    state = {f"{source}:cursor": cursor, f"{source}:last_seq": last_seq, f"{source}:synced_at": now}
    if cursor >= last_seq:
        state[f"{source}:caught_up_at"] = now
    connection.hset(FRESHNESS, mapping=state)


def freshness_report(connection):
    """Per feed: the sequence applied, entries behind, seconds behind, seconds since the
    last sync and its moment in county time (None before the first)."""
    state = {k.decode(): float(v) for k, v in connection.hgetall(FRESHNESS).items()}
    now = time.time()
    report = {}
    for source in FEEDS:
        cursor, last = state.get(f"{source}:cursor", 0), state.get(f"{source}:last_seq", 0)
        caught_up = state.get(f"{source}:caught_up_at", now)
        synced = state.get(f"{source}:synced_at")
        synced_at = None if synced is None else datetime.fromtimestamp(synced, UTC)
        report[source] = {
            "applied_seq": int(cursor),
            "entries_behind": int(max(0, last - cursor)),
            "seconds_behind": 0.0 if cursor >= last else round(now - caught_up, 1),
            "last_sync_seconds_ago": None if synced is None else round(now - synced, 1),
            "last_sync_at": None if synced_at is None else county_time(synced_at),
        }
    return report
