"""Turning change-feed entries into figures in Redis, exactly once.

Each recording service's feed entry carries the record's figures `before` and `after` the
change; an entry becomes deltas (+1 session, +87 attendances, -87 on a void ...) on the
fields of one Redis hash. A page of entries and the new cursor are applied in ONE
MULTI/EXEC, watched on the cursor: a page read twice, or by two workers, is applied once;
a worker killed half way leaves nothing behind.

Key space (ns = the live namespace, swapped atomically by a rebuild):
  pufa:rollup:current            -> ns
  pufa:rollup:<ns>:cursor        hash  source -> last applied seq
  pufa:rollup:<ns>:figures       hash  "metric|period|area|breakdown" -> integer
  pufa:rollup:<ns>:advisors      set   ids of active advisors
"""

from collections import Counter

import redis

PREFIX = "pufa:rollup"
CURRENT = f"{PREFIX}:current"
SOURCES = ("registry", "activities", "consultations")
ACTIVITY_METRICS = ("sessions", "attendances", "online_reach", "checkins")
ACTIVITY_BREAKDOWNS = ("type", "organiser", "audience")
CONSULTATION_BREAKDOWNS = ("category", "channel", "outcome", "advisor_id", "mediation_result")


def keys(ns):
    """The keys of one namespace."""
    base = f"{PREFIX}:{ns}"
    return {
        "cursor": f"{base}:cursor",
        "figures": f"{base}:figures",
        "advisors": f"{base}:advisors",
    }


def field(metric, period, area, breakdown="all"):
    """The hash field of one figure."""
    return f"{metric}|{period}|{area}|{breakdown}"


def _places(facts):
    """(period, area) pairs a record counts in: day, month and year; county, township,
    village (villages by month and year only, to keep the hash small)."""
    day = facts["day"]
    periods = (day, day[:7], day[:4])
    township = f"township:{facts['township_code']}"
    pairs = [(period, area) for period in periods for area in ("county", township)]
    if facts.get("village_code"):
        pairs += [(period, f"village:{facts['village_code']}") for period in periods[1:]]
    return pairs


def activity_fields(facts):
    """The (field, amount) pairs an activity's facts add."""
    amounts = {metric: facts[metric] for metric in ACTIVITY_METRICS}
    if facts.get("cadre_study"):
        amounts |= {"cadre_sessions": 1, "cadre_attendances": facts["attendances"]}
    out = []
    for period, area in _places(facts):
        breakdowns = ["all"]
        if not area.startswith("village"):
            breakdowns += [f"{name}:{facts[name]}" for name in ACTIVITY_BREAKDOWNS]
        for breakdown in breakdowns:
            out += [(field(m, period, area, breakdown), n) for m, n in amounts.items() if n]
    return out


def consultation_fields(facts):
    """The (field, amount) pairs a consultation's facts add."""
    out = []
    for period, area in _places(facts):
        breakdowns = ["all"]
        if not area.startswith("village"):
            breakdowns += [
                f"{name}:{facts[name]}" for name in CONSULTATION_BREAKDOWNS if facts.get(name)
            ]
        out += [(field("consultations", period, area, b), 1) for b in breakdowns]
    return out


FIELD_MAKERS = {"activity": activity_fields, "consultation": consultation_fields}


class PageEffect:
    """What a page of feed entries does to the figures: field deltas and advisor changes."""

    def __init__(self):
        self.deltas = Counter()
        self.advisors_on, self.advisors_off = set(), set()

    def add_entry(self, entry):
        """Fold one feed entry into the effect."""
        payload = entry["payload"]
        if entry["entity"] == "advisor":
            (self.advisors_on if payload["active"] else self.advisors_off).add(
                payload["advisor_id"]
            )
            (self.advisors_off if payload["active"] else self.advisors_on).discard(
                payload["advisor_id"]
            )
            return
        maker = FIELD_MAKERS.get(entry["entity"])
        if maker is None:  # villages, assignments: coverage is asked of the registry
            return
        for sign, facts in ((-1, payload.get("before")), (1, payload.get("after"))):
            if facts:
                for name, amount in maker(facts):
                    self.deltas[name] += sign * amount

    def queue_on(self, pipe, ns):
        """Queue the effect's commands on a MULTI pipeline."""
        names = keys(ns)
        for name, amount in self.deltas.items():
            if amount:
                pipe.hincrby(names["figures"], name, amount)
        if self.advisors_on:
            pipe.sadd(names["advisors"], *self.advisors_on)
        if self.advisors_off:
            pipe.srem(names["advisors"], *self.advisors_off)


def current_namespace(connection):
    """The live namespace, or None when the rollup state is missing."""
    value = connection.get(CURRENT)
    return value.decode() if value else None


def cursor_of(connection, ns, source):
    """The last sequence number of `source` applied in namespace `ns`."""
    value = connection.hget(keys(ns)["cursor"], source)
    return int(value) if value else 0


def apply_page(connection, ns, source, expected_cursor, entries):
    """Apply a page and move the cursor in one MULTI/EXEC, only if the cursor is still
    `expected_cursor`. Return True when applied, False when someone else got there first."""
    effect = PageEffect()
    for entry in entries:
        if entry["seq"] > expected_cursor:
            effect.add_entry(entry)
    cursor_key = keys(ns)["cursor"]
    with connection.pipeline(transaction=True) as pipe:
        try:
            pipe.watch(cursor_key)
            stored = pipe.hget(cursor_key, source)
            if (int(stored) if stored else 0) != expected_cursor:
                return False
            pipe.multi()
            effect.queue_on(pipe, ns)
            if entries:
                pipe.hset(cursor_key, source, max(entry["seq"] for entry in entries))
            pipe.execute()
            return True
        except redis.WatchError:
            return False


def read_figures(connection, ns, names):
    """The values of some figure fields (0 where nothing was counted)."""
    if not names:
        return {}
    values = connection.hmget(keys(ns)["figures"], names)
    return {name: int(value or 0) for name, value in zip(names, values, strict=True)}
