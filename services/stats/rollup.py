"""Turning change-feed entries into figures in Redis, exactly once.

Each recording service's feed entry carries the record's facts `before` and `after` the
change; an entry becomes deltas (+1 session, +87 attendances, -87 on a void ...) on every
figure the record counts in, at every grain the catalogue keeps (services/stats/catalogue.py).
A page of entries and the new cursor are applied by ONE Lua script that first checks the
cursor: a page read twice, or by two workers, is applied once; a worker killed half way
leaves nothing behind.

Key space (ns = a namespace; the live one is swapped atomically by a rebuild):
  pufa:rollup:current:<scheme>          -> the live ns (scheme: the catalogue's digest)
  pufa:rollup:ns:<ns>:cursor            hash  feed -> last applied seq
  pufa:rollup:ns:<ns>:coverage:<day>:<registry seq>  the registry's coverage answer
  pufa:rollup:ns:<ns>:names:<registry seq>           hash  the registry's names of codes
  pufa:rollup:ns:<ns>:f:<period>:<area>:all          hash  "<metric>" -> its total
  pufa:rollup:ns:<ns>:f:<period>:<area>:<dimension>  hash  "<metric>|<value>" -> integer
      period: YYYY, YYYY-MM or YYYY-MM-DD; area: county, township:<code>, village:<code>;
      dimension: a breakdown of the catalogue (type, category ...), township or village.
  One hash a breakdown: reading a ranking of 16 townships reads those 16 fields, not the
  hundreds of the other breakdowns of the same period and area.
"""

from services.stats.catalogue import BY_ENTITY, SCHEME, TOWNSHIP, VILLAGE

PREFIX = "pufa:rollup"
CURRENT = f"{PREFIX}:current:{SCHEME}"
NAMESPACES = f"{PREFIX}:ns"
# Keys under PREFIX that are not figures of any namespace: a rebuild leaves them alone.
KEPT_BESIDE = ("poke", "lock", "freshness")


def keys(ns):
    """The fixed keys of one namespace, and the prefix of its figure hashes."""
    base = f"{NAMESPACES}:{ns}"
    return {
        "cursor": f"{base}:cursor",
        "figures": f"{base}:f:",
        "coverage": f"{base}:coverage:",
        "names": f"{base}:names:",
    }


def figures_key(ns, period, area, dimension="all"):
    """The hash of one period and area's totals, or its figures by one dimension."""
    return f"{keys(ns)['figures']}{period}:{area}:{dimension}"


def _stored_at(cell):
    """(hash suffix, field suffix after the metric) of a cell (period:area, breakdown)."""
    where, breakdown = cell
    if breakdown == "all":
        return f"{where}:all", ""
    dimension, _, value = breakdown.partition(":")
    return f"{where}:{dimension}", f"|{value}"


def _periods(day, level=TOWNSHIP):
    """The periods of a day that `level` keeps: its year, month (and the day itself)."""
    every = {"year": day[:4], "month": day[:7], "day": day}
    return [every[kind] for kind in level.periods]


def place_cells(source, facts):
    """(period:area, breakdown) of every figure of the county and a township that a record
    with these facts counts in (see the catalogue for what is kept)."""
    township = f"township:{facts['township_code']}"
    split = ["all"] + [
        f"{b.dimension}:{facts[b.dimension]}"
        for b in source.breakdowns
        if facts[b.dimension] is not None
    ]
    cells = []
    for period in _periods(facts["day"]):
        county, own = f"{period}:county", f"{period}:{township}"
        cells += [(county, breakdown) for breakdown in split]
        cells += [(own, breakdown) for breakdown in split]
        cells.append((county, township))
    return cells


def village_cells(facts, month):
    """(period:area, breakdown) of every figure a record of a village counts in: the
    village's own, and the village's share of its township and of the county."""
    village = f"village:{facts['village_code']}"
    township = f"township:{facts['township_code']}"
    cells = []
    for period in (month[:4], month):
        cells += [(f"{period}:{village}", "all"), (f"{period}:county", village)]
        cells.append((f"{period}:{township}", village))
    return cells


def add_amounts(deltas, cells, source, amounts, sign=1):
    """Add `sign` x each metric's amount (from `amounts`) to its field in each cell."""
    stored = [_stored_at(cell) for cell in cells]
    for metric in source.metrics:
        amount = amounts[metric.name]
        if not amount:
            continue
        for where, suffix in stored:
            name = (where, metric.name + suffix)
            deltas[name] = deltas.get(name, 0) + sign * amount


def record_cells(source, facts):
    """Every cell a record with these facts counts in."""
    cells = place_cells(source, facts)
    if facts.get(VILLAGE.fact):
        cells += village_cells(facts, facts["day"][:7])
    return cells


class PageEffect:
    """What a page of feed entries does to the figures: field deltas."""

    def __init__(self):
        self.deltas = {}  # (period:area:dimension, field) -> amount

    def add_entry(self, entry):
        """Fold one feed entry into the effect."""
        payload = entry["payload"]
        source = BY_ENTITY.get(entry["entity"])
        if source is None:  # the registry's: its names and coverage are asked of it
            return
        for sign, facts in ((-1, payload.get("before")), (1, payload.get("after"))):
            if facts:
                add_amounts(self.deltas, record_cells(source, facts), source, facts, sign)

    def script_arguments(self):
        """The effect as APPLY_SCRIPT's arguments: the deltas packed into ONE string of
        "amount period:area:dimension field" lines (thousands of separate arguments cost
        more to send than to apply)."""
        return [
            "".join(
                f"{amount} {where} {name}\n"
                for (where, name), amount in self.deltas.items()
                if amount
            )
        ]


# Applies a page atomically inside Redis: only if the cursor is still the expected one,
# all the deltas and the new cursor, or nothing. The figure hashes are named from the
# namespace's prefix (KEYS[2]): one standalone Redis holds them all.
APPLY_SCRIPT = """
local cursor = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
if cursor ~= ARGV[2] then return 0 end
local call, prefix = redis.call, KEYS[2]
for amount, where, name in string.gmatch(ARGV[4], '(%-?%d+) (%S+) ([^\\n]+)\\n') do
  call('HINCRBY', prefix .. where, name, amount)
end
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
    script = connection.register_script(APPLY_SCRIPT)  # EVALSHA, loading it when missing
    applied = script(
        keys=[names["cursor"], names["figures"]],
        args=[source, str(expected_cursor), str(new_cursor), *effect.script_arguments()],
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


SEED_CHUNK = 2_000  # hashes a pipeline writes at once


def seed(connection, ns, source, cursor, effect):
    """Start a namespace being rebuilt (not live yet) from a source's aggregate: write its
    fields (each source has its own), then set its cursor. Plain HINCRBYs, not the script:
    the namespace is not read until it is swapped in, and a rebuild that dies before that
    leaves it behind, to be cleared by the next (see stale_keys)."""
    names = keys(ns)
    if cursor_of(connection, ns, source):
        raise RuntimeError(f"{source} was already seeded in namespace {ns}")
    by_hash = {}
    for (where, name), amount in effect.deltas.items():
        if amount:
            by_hash.setdefault(where, {})[name] = amount
    hashes = list(by_hash.items())
    for start in range(0, len(hashes), SEED_CHUNK):
        pipeline = connection.pipeline(transaction=False)
        for where, mapping in hashes[start : start + SEED_CHUNK]:
            pipeline.hset(names["figures"] + where, mapping=mapping)
        pipeline.execute()
    connection.hset(names["cursor"], source, cursor)


def stale_keys(connection, keep_ns):
    """Every key under PREFIX that is neither the live pointer of this scheme, nor of the
    live or the `keep_ns` namespace, nor a poke, lock or freshness record: what older
    schemes and interrupted rebuilds left behind. Call it only holding the rebuild lock."""
    live = current_namespace(connection)
    keep = {f"{NAMESPACES}:{ns}:" for ns in (live, keep_ns) if ns}
    for key in connection.scan_iter(match=f"{PREFIX}:*", count=1000):
        name = key.decode()
        kind = name[len(PREFIX) + 1 :].partition(":")[0]
        if name == CURRENT or kind in KEPT_BESIDE:
            continue
        if not any(name.startswith(prefix) for prefix in keep):
            yield key


def namespace_keys(connection, ns):
    """Every key of one namespace."""
    return connection.scan_iter(match=f"{NAMESPACES}:{ns}:*", count=1000)


def aggregate_groupings(source):
    """The groupings a rebuild asks of a source's aggregate: the county and townships by
    day under every breakdown at once (one grouped scan), and villages by month."""
    breakdowns = ",".join(b.dimension for b in source.breakdowns)
    return [f"day,township_code,{breakdowns}", "month,township_code,village_code"]


def aggregate_effect(source, groupings):
    """The effect of a source's aggregate: the same fields its feed entries would give."""
    effect = PageEffect()
    for grouping in groupings:
        by_village = "village_code" in grouping["by"]
        for group in grouping["groups"]:
            if not by_village:
                cells = place_cells(source, group)
            elif group["village_code"]:
                cells = village_cells(group, group["month"])
            else:
                continue
            add_amounts(effect.deltas, cells, source, group)
    return effect
