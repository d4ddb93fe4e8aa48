"""Villages covered by an advisor, and the advisors serving them, over a span of days:
asked of the registry once for each state of its feed the figures have applied, not on
every read."""

import json
from urllib.parse import urlencode

from services.stats.rollup import cursor_of, keys
from shared import http_client

# How long a kept answer may serve at most, should the registry change without its feed.
KEPT_SECONDS = 600


def coverage_between(connection, ns, since, day):
    """{"since", "date", "advisors", "villages", "covered", "ratio", "records"} of the
    registry: what was in force on any day from `since` to `day`, kept in namespace `ns`
    (whose registry cursor names the state it was asked at)."""
    key = f"{keys(ns)['coverage']}{since}:{day}:{cursor_of(connection, ns, 'registry')}"
    kept = connection.get(key)
    if kept is not None:
        return json.loads(kept)
    span = {"since": since, "date": day}
    body = http_client.get_json("registry", "/coverage", params=span)
    answer = span | {
        "advisors": body["advisors"],
        "villages": body["villages"],
        "covered": body["covered"],
        "ratio": body["ratio"],
        "records": f"/api/v1/registry/coverage?{urlencode(span)}",
    }
    connection.set(key, json.dumps(answer), ex=KEPT_SECONDS)
    return answer
