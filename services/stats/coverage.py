"""Villages covered by an advisor, and the advisors serving them, over a span of days:
asked of the registry once for each state of its feed the figures have applied, not on
every read."""

import json
from urllib.parse import urlencode

from services.stats.rollup import keys
from shared import http_client

# How long a kept answer may serve at most, should the registry change without its feed.
KEPT_SECONDS = 600


def coverage_between(connection, ns, since, day):
    """{"since", "date", "advisors", "villages", "covered", "ratio", "records"} of the
    registry: what was in force on any day from `since` to `day`, kept in namespace `ns`
    for the registry state it has applied (its registry cursor, read in the same round
    trip as the kept answer)."""
    key = f"{keys(ns)['coverage']}{since}:{day}"
    with connection.pipeline(transaction=False) as pipe:
        pipe.hget(keys(ns)["cursor"], "registry")
        pipe.get(key)
        state, kept = pipe.execute()
    state = int(state or 0)
    if kept is not None:
        kept = json.loads(kept)
        if kept["asked_at"] == state:
            return kept["answer"]
    span = {"since": since, "date": day}
    body = http_client.get_json("registry", "/coverage", params=span)
    answer = span | {
        "advisors": body["advisors"],
        "villages": body["villages"],
        "covered": body["covered"],
        "ratio": body["ratio"],
        "records": f"/api/v1/registry/coverage?{urlencode(span)}",
    }
    connection.set(key, json.dumps({"asked_at": state, "answer": answer}), ex=KEPT_SECONDS)
    return answer
