"""What the recording services ask the registry, over HTTP with a service token, kept.

The registry owns the tree and the assignments; the others only ask, and keep what they
were told until the registry's version changes: the registry bumps a counter in Redis
after every write it commits (`announce_change`), and a recording service compares it
(one Redis GET a request) before it trusts its copy. So a write costs no registry round
trip, and an assignment changed a moment ago applies to the next request. Without Redis
the copy is trusted for FALLBACK_TTL_SECONDS only. A registry that does not answer is a
503 for the caller, never a silent pass.
"""

import logging
import threading
import time

import redis
from flask import current_app, g, has_request_context

from shared import http_client
from shared.errors import ApiError

log = logging.getLogger(__name__)
VERSION_KEY = "pufa:registry:version"
TTL_SECONDS = 300  # even an unchanged version is checked against the registry this often
FALLBACK_TTL_SECONDS = 5  # when Redis does not answer
_NO_VERSION = object()
_lock = threading.Lock()
_copy = {"version": _NO_VERSION, "at": 0.0, "answers": {}}


def announce_change(connection):
    """Tell every recording service that the registry changed (after the commit)."""
    try:
        connection.incr(VERSION_KEY)
    except redis.RedisError:
        log.warning("could not announce a registry change; copies expire within a TTL")


def _version():
    """The registry's version, read once per request: what a request checks and the names
    beside its answer come from one state of the registry, for one Redis GET."""
    if has_request_context() and "registry_version" in g:
        return g.registry_version
    try:
        version = current_app.extensions["redis"].get(VERSION_KEY)
    except redis.RedisError:
        version = _NO_VERSION
    if has_request_context():
        g.registry_version = version
    return version


def _kept(key, ask):
    """The registry's answer for `key`, from the copy while the registry's version is
    the one it was asked at, else asked again."""
    version, now = _version(), time.monotonic()
    ttl = FALLBACK_TTL_SECONDS if version is _NO_VERSION else TTL_SECONDS
    with _lock:
        if _copy["version"] != version or now - _copy["at"] > ttl:
            _copy.update(version=version, at=now, answers={})
        if key in _copy["answers"]:
            return _copy["answers"][key]
    answer = ask()
    with _lock:
        if _copy["version"] == version:
            _copy["answers"][key] = answer
    return answer


def _get(path, **params):
    return http_client.get_json("registry", path, params=params)


def village_townships():
    """{village code: township code} of the whole county."""
    return _kept("tree", lambda: {v["code"]: v["township_code"] for v in _get("/villages")})


def villages_of_advisor(advisor_id, day):
    """The village codes an advisor serves on a day, from the advisor's whole assignment
    history (asked once, not once per day: an advisor's records span many days)."""
    history = _kept(
        ("assignments_of", str(advisor_id)), lambda: _get("/assignments", advisor=advisor_id)
    )
    on = day.isoformat()  # ISO dates compare as strings; `to` is the last day served
    return {a["village_code"] for a in history if a["from"] <= on and (a["to"] or on) >= on}


def ask_names():
    """{"township:<code>" | "village:<code>" | "advisor_id:<id>": name} of the whole
    registry, asked now."""
    names = {f"township:{t['code']}": t["name"] for t in _get("/townships")}
    names |= {f"village:{v['code']}": v["name"] for v in _get("/villages")}
    return names | {f"advisor_id:{a['id']}": a["name"] for a in _get("/advisors")}


def name_of(kind, code):
    """The registry's name of a township, village or advisor ("township", "village",
    "advisor_id"), or None: kept like every answer, and looked up once per request."""
    if code is None:
        return None
    if "registry_names" not in g:
        try:
            g.registry_names = _kept("names", ask_names)
        except ApiError as exc:  # the records are still worth reading without their names
            log.warning("no names beside codes: %s", exc.message)
            g.registry_names = {}
    return g.registry_names.get(f"{kind}:{code}")


def forget_cache():
    """Drop every kept answer (tests: another registry, or one changed behind Redis)."""
    with _lock:
        _copy.update(version=_NO_VERSION, at=0.0, answers={})
