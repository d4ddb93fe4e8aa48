"""What the recording services ask the registry, over HTTP with a service token, cached.

The registry owns the tree; the others only ask. A registry that does not answer is a
503 for the caller, never a silent pass.
"""

import threading
import time

from shared import http_client

TREE_TTL_SECONDS = 60
_tree_cache = {"at": 0.0, "villages": None}
_lock = threading.Lock()


def _get(path, **params):
    return http_client.get_json("registry", path, params=params)


def village_townships():
    """{village code: township code} of the whole county, cached for a minute."""
    with _lock:
        fresh = time.monotonic() - _tree_cache["at"] < TREE_TTL_SECONDS
        if _tree_cache["villages"] is not None and fresh:
            return _tree_cache["villages"]
    villages = {v["code"]: v["township_code"] for v in _get("/villages")}
    with _lock:
        _tree_cache.update(at=time.monotonic(), villages=villages)
    return villages


def villages_of_advisor(advisor_id, day):
    """The village codes an advisor serves on a day (not cached: assignments change)."""
    return set(_get(f"/advisors/{advisor_id}/villages", date=day.isoformat())["villages"])


def forget_cache():
    """Drop the cached tree (tests, and after the registry changed)."""
    with _lock:
        _tree_cache.update(at=0.0, villages=None)
