"""Villages covered by an advisor on a day: asked of the registry once for each state of
its feed that the figures have applied, not on every read."""

import json

from services.stats.rollup import cursor_of, keys
from shared import http_client

# How long a kept answer may serve at most, should the registry change without its feed.
KEPT_SECONDS = 600


def coverage_on(connection, ns, day):
    """{"date", "villages", "covered", "ratio", "records"} of the registry on `day`, kept
    in namespace `ns` (whose registry cursor names the state it was asked at)."""
    key = f"{keys(ns)['coverage']}{day}:{cursor_of(connection, ns, 'registry')}"
    kept = connection.get(key)
    if kept is not None:
        return json.loads(kept)
    body = http_client.get_json("registry", "/coverage", params={"date": day})
    answer = {
        "date": day,
        "villages": body["villages"],
        "covered": body["covered"],
        "ratio": body["ratio"],
        "records": f"/api/v1/registry/coverage?date={day}",
    }
    connection.set(key, json.dumps(answer), ex=KEPT_SECONDS)
    return answer
