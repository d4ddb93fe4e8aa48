"""Turning change-feed entries into figures in Redis, exactly once.

Each recording service's feed entry carries the record's figures `before` and `after` the
change; an entry becomes deltas (+1 session, +87 attendances, -87 on a void ...) on the
fields of one Redis hash. A page of entries and the new cursor are applied by ONE Lua
script that first checks the cursor: a page read twice, or by two workers, is applied
once; a worker killed half way leaves nothing behind.

Key space (ns = the live namespace, swapped atomically by a rebuild):
  pufa:rollup:current:<scheme>   -> ns
  pufa:rollup:<ns>:cursor        hash  source -> last applied seq
  pufa:rollup:<ns>:figures       hash  "metric|day|township:<code>|breakdown" and
                                       "metric|month|village:<code>|all" -> integer
  pufa:rollup:<ns>:advisors      set   ids of active advisors
"""

PREFIX = "pufa:rollup"
# The field scheme of the figures hash. Bump it when the scheme changes: the live namespace
# of the old scheme is then missing for this code, the worker rebuilds by itself, and the
# rebuild clears the old namespace like any other it does not own.
SCHEME = "v3"  # v2: a township's days under each breakdown, a village's months; v3: pairs
CURRENT = f"{PREFIX}:current:{SCHEME}"
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


# Sessions and their attendances always change together, so a place keeps both in ONE Redis
# integer: sessions x 2**32 + attendances (a township's day never sees 2**32 attendances).
# Packing is linear — sums of packed values are the packed sums — so a field still takes
# HINCRBY deltas, and a figure is unpacked once, after summing (unpack).
PAIRS = {
    "sessions+attendances": ("sessions", "attendances"),
    "cadre_sessions+cadre_attendances": ("cadre_sessions", "cadre_attendances"),
}
HIGH = 1 << 32
STORED = {metric: pair for pair, metrics in PAIRS.items() for metric in metrics}


def stored_metric(metric):
    """The name a metric is stored under (its pair's, for sessions and attendances)."""
    return STORED.get(metric, metric)


def pack(first, second):
    """The stored value of a pair (sessions, attendances)."""
    return first * HIGH + second


def unpack(metric, value):
    """A metric's own value out of its stored (maybe packed) value."""
    pair = STORED.get(metric)
    if pair is None:
        return value
    first, second = divmod(value, HIGH)
    return first if metric == PAIRS[pair][0] else second


def total_dimension(metric):
    """The breakdown whose values add up to a metric's total in a township: every activity
    has exactly one type and every consultation one category, so a township's total is
    the sum over them and is not stored again (villages, without breakdowns, keep "all")."""
    return "category" if metric == "consultations" else "type"


def add_fields(deltas, period, area, breakdowns, amounts, sign=1):
    """Add `sign` x each (stored metric, amount) to its field (see `field`) of one period and
    area under each breakdown. `deltas` is a plain dict: this runs for every feed entry."""
    for breakdown in breakdowns:
        suffix = f"|{period}|{area}|{breakdown}"
        for metric, amount in amounts:
            name = metric + suffix
            deltas[name] = deltas.get(name, 0) + sign * amount


def stored_amounts(values, metrics):
    """The nonzero (stored metric, amount) pairs of `values` {metric: n}, pairs packed."""
    stored = {}
    for metric in metrics:
        pair = STORED.get(metric)
        if pair is None:
            stored[metric] = values[metric]
        elif metric == PAIRS[pair][0]:
            stored[pair] = pack(values[metric], values[PAIRS[pair][1]])
    return [(name, amount) for name, amount in stored.items() if amount]


def _add_record(deltas, facts, sign, amounts, breakdowns):
    """A record counts in its township's day under each breakdown and in its village's
    month ("all" only). Months, years and the county are sums of these, added up when read
    (services/stats/figures.py): a write touches a few fields, not dozens."""
    add_fields(
        deltas, facts["day"], f"township:{facts['township_code']}", breakdowns, amounts, sign
    )
    if facts.get("village_code"):
        village = f"village:{facts['village_code']}"
        add_fields(deltas, facts["day"][:7], village, ("all",), amounts, sign)


def add_activity(deltas, facts, sign):
    """Fold an activity's facts (added or, with sign -1, taken away) into deltas."""
    cadre = facts.get("cadre_study")
    values = facts | {"cadre_sessions": int(bool(cadre)),
                      "cadre_attendances": facts["attendances"] if cadre else 0}  # fmt: skip
    breakdowns = [f"{name}:{facts[name]}" for name in ACTIVITY_BREAKDOWNS]
    amounts = stored_amounts(values, AGGREGATE_PLANS["activities"]["metrics"])
    _add_record(deltas, facts, sign, amounts, breakdowns)


def add_consultation(deltas, facts, sign):
    """Fold a consultation's facts into deltas."""
    breakdowns = [f"{name}:{facts[name]}" for name in CONSULTATION_BREAKDOWNS if facts.get(name)]
    _add_record(deltas, facts, sign, [("consultations", 1)], breakdowns)


FOLDERS = {"activity": add_activity, "consultation": add_consultation}


class PageEffect:
    """What a page of feed entries does to the figures: field deltas and advisor changes."""

    def __init__(self):
        self.deltas = {}
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
        fold = FOLDERS.get(entry["entity"])
        if fold is None:  # villages, assignments: coverage is asked of the registry
            return
        for sign, facts in ((-1, payload.get("before")), (1, payload.get("after"))):
            if facts:
                fold(self.deltas, facts, sign)

    def script_arguments(self):
        """The effect as APPLY_SCRIPT's arguments: the deltas packed into ONE string of
        "amount field" lines (thousands of separate arguments cost more to send than to
        apply), then the advisors on and off."""
        packed = "".join(f"{amount} {name}\n" for name, amount in self.deltas.items() if amount)
        arguments = [packed]
        for group in (self.advisors_on, self.advisors_off):
            arguments.append(len(group))
            arguments += sorted(group)
        return arguments


# Applies a page atomically inside Redis: only if the cursor is still the expected one,
# all the deltas and the new cursor, or nothing. One command instead of thousands.
APPLY_SCRIPT = """
local cursor = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
if cursor ~= ARGV[2] then return 0 end
local call, figures = redis.call, KEYS[2]  -- locals: this loop runs for every field
for amount, name in string.gmatch(ARGV[4], '(%-?%d+) ([^\\n]+)\\n') do
  call('HINCRBY', figures, name, amount)
end
local i = 5
local on = tonumber(ARGV[i])
for k = 1, on do redis.call('SADD', KEYS[3], ARGV[i + k]) end
i = i + on + 1
local off = tonumber(ARGV[i])
for k = 1, off do redis.call('SREM', KEYS[3], ARGV[i + k]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
"""


def current_namespace(connection):
    """The live namespace, or None when the rollup state is missing."""
    value = connection.get(CURRENT)
    return value.decode() if value else None


def cursor_of(connection, ns, source):
    """The last sequence number of `source` applied in namespace `ns`."""
    value = connection.hget(keys(ns)["cursor"], source)
    return int(value) if value else 0


def apply_effect(connection, ns, source, expected_cursor, new_cursor, effect):
    """Apply an effect and move the cursor atomically, only if the cursor is still
    `expected_cursor`. Return True when applied, False when someone else got there first."""
    names = keys(ns)
    applied = connection.eval(
        APPLY_SCRIPT,
        3,
        names["cursor"],
        names["figures"],
        names["advisors"],
        source,
        str(expected_cursor),
        str(new_cursor),
        *effect.script_arguments(),
    )
    return bool(applied)


SEED_CHUNK = 50_000


def seed(connection, ns, source, cursor, effect):
    """Start a namespace being rebuilt (not live yet) from a source's aggregate: write its
    fields (each source has its own), then set its cursor. Plain HSETs, not the script:
    the namespace is not read until it is swapped in, and a rebuild that dies before that
    leaves it behind, to be cleared by the next (see orphan_namespaces)."""
    names = keys(ns)
    if cursor_of(connection, ns, source):
        raise RuntimeError(f"{source} was already seeded in namespace {ns}")
    deltas = [(name, amount) for name, amount in effect.deltas.items() if amount]
    for start in range(0, len(deltas), SEED_CHUNK):
        connection.hset(names["figures"], mapping=dict(deltas[start : start + SEED_CHUNK]))
    connection.hset(names["cursor"], source, cursor)


def orphan_namespaces(connection):
    """Namespaces neither live nor being built: what an interrupted rebuild left behind.
    Call it only while holding the rebuild lock."""
    live = current_namespace(connection)
    found = set()
    for key in connection.scan_iter(match=f"{PREFIX}:*", count=1000):
        parts = key.decode().split(":")
        if len(parts) == 4 and parts[3] in keys("-"):
            found.add(parts[2])
    return sorted(found - {live})


def apply_page(connection, ns, source, expected_cursor, entries):
    """Apply a page of feed entries after `expected_cursor` (see apply_effect)."""
    effect = PageEffect()
    for entry in entries:
        if entry["seq"] > expected_cursor:
            effect.add_entry(entry)
    new_cursor = max([expected_cursor, *(entry["seq"] for entry in entries)])
    return apply_effect(connection, ns, source, expected_cursor, new_cursor, effect)


# What a rebuild asks of each source's aggregate: one grouping per kind of field.
AGGREGATE_PLANS = {
    "activities": {
        "metrics": (*ACTIVITY_METRICS, "cadre_sessions", "cadre_attendances"),
        "breakdowns": ACTIVITY_BREAKDOWNS,
    },
    "consultations": {"metrics": ("consultations",), "breakdowns": CONSULTATION_BREAKDOWNS},
}


def aggregate_groupings(source):
    """The groupings to ask a source's aggregate for: every breakdown of a township and a
    day at once (one grouped scan of the records), and villages by month."""
    breakdowns = ",".join(AGGREGATE_PLANS[source]["breakdowns"])
    return [f"day,township_code,{breakdowns}", "month,village_code"]


def aggregate_effect(source, groupings):
    """The effect of a source's aggregate: the same fields the feed entries would give."""
    effect = PageEffect()
    plan = AGGREGATE_PLANS[source]
    for grouping in groupings:
        by_village = "village_code" in grouping["by"]
        for group in grouping["groups"]:
            amounts = stored_amounts(group, plan["metrics"])
            if by_village:
                if group["village_code"]:
                    village = f"village:{group['village_code']}"
                    add_fields(effect.deltas, group["month"], village, ("all",), amounts)
                continue
            breakdowns = [f"{name}:{group[name]}" for name in plan["breakdowns"] if group[name]]
            township = f"township:{group['township_code']}"
            add_fields(effect.deltas, group["day"], township, breakdowns, amounts)
    return effect
