"""Turning change-feed entries into figures in Redis, exactly once.

Each recording service's feed entry carries the record's figures `before` and `after` the
change; an entry becomes deltas (+1 session, +87 attendances, -87 on a void ...) on the
fields of one Redis hash. A page of entries and the new cursor are applied by ONE Lua
script that first checks the cursor: a page read twice, or by two workers, is applied
once; a worker killed half way leaves nothing behind.

Key space (ns = the live namespace, swapped atomically by a rebuild):
  pufa:rollup:current            -> ns
  pufa:rollup:<ns>:cursor        hash  source -> last applied seq
  pufa:rollup:<ns>:figures       hash  "metric|period|area|breakdown" -> integer
  pufa:rollup:<ns>:advisors      set   ids of active advisors
"""

from collections import Counter

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

    def script_arguments(self):
        """The effect as APPLY_SCRIPT's arguments: the deltas, then advisors on and off."""
        arguments = []
        deltas = [(name, amount) for name, amount in self.deltas.items() if amount]
        arguments.append(len(deltas))
        for name, amount in deltas:
            arguments += [name, amount]
        for group in (self.advisors_on, self.advisors_off):
            arguments.append(len(group))
            arguments += sorted(group)
        return arguments


# Applies a page atomically inside Redis: only if the cursor is still the expected one,
# all the deltas and the new cursor, or nothing. One command instead of thousands.
APPLY_SCRIPT = """
local cursor = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
if cursor ~= ARGV[2] then return 0 end
local i = 4
local deltas = tonumber(ARGV[i])
for k = 1, deltas do
  redis.call('HINCRBY', KEYS[2], ARGV[i + 2 * k - 1], ARGV[i + 2 * k])
end
i = i + 2 * deltas + 1
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
    """The groupings to ask a source's aggregate for."""
    plan = AGGREGATE_PLANS[source]
    by_township = ["day,township_code"]
    by_township += [f"day,township_code,{name}" for name in plan["breakdowns"]]
    return [*by_township, "day,village_code"]


def aggregate_effect(source, groupings):
    """The effect of a source's aggregate: the same fields the feed entries would give."""
    effect = PageEffect()
    metrics = AGGREGATE_PLANS[source]["metrics"]
    for grouping in groupings:
        by = grouping["by"]
        for group in grouping["groups"]:
            day = group["day"]
            if "village_code" in by:
                if not group["village_code"]:
                    continue
                places = [(p, f"village:{group['village_code']}") for p in (day[:7], day[:4])]
                breakdown = "all"
            else:
                township = f"township:{group['township_code']}"
                places = [(p, a) for p in (day, day[:7], day[:4]) for a in ("county", township)]
                extra = [name for name in by if name not in ("day", "township_code")]
                if extra and group[extra[0]] in (None, ""):
                    continue
                breakdown = f"{extra[0]}:{group[extra[0]]}" if extra else "all"
            for metric in metrics:
                if group[metric]:
                    for period, area in places:
                        effect.deltas[field(metric, period, area, breakdown)] += group[metric]
    return effect


def read_figures(connection, ns, names):
    """The values of some figure fields (0 where nothing was counted)."""
    if not names:
        return {}
    values = connection.hmget(keys(ns)["figures"], names)
    return {name: int(value or 0) for name, value in zip(names, values, strict=True)}
