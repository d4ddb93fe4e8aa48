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
  pufa:rollup:ns:<ns>:coverage:<since>:<day>  the registry's coverage answer, and the
                                              registry seq it was asked at
  pufa:rollup:ns:<ns>:names             hash  the registry's names of codes, and the
                                              registry seq they were asked at
  pufa:rollup:ns:<ns>:f:<period>:<area>:all          hash  "<metric>" -> its total
  pufa:rollup:ns:<ns>:f:<period>:<area>:<dimension>  hash  "<metric>|<value>" -> integer
      period: YYYY, YYYY-MM or YYYY-MM-DD; area: county, township:<code>, village:<code>;
      dimension: a breakdown of the catalogue (type, category ...), township or village.
  One hash a breakdown: reading a ranking of 16 townships reads those 16 fields, not the
  hundreds of the other breakdowns of the same period and area.
"""

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

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
        "names": f"{base}:names",
    }


def figures_key(ns, period, area, dimension="all"):
    """The hash of one period and area's totals, or its figures by one dimension."""
    return f"{keys(ns)['figures']}{period}:{area}:{dimension}"


def _periods(day, level=TOWNSHIP):
    """The periods of a day that `level` keeps: its year, month (and the day itself)."""
    every = {"year": day[:4], "month": day[:7], "day": day}
    return [every[kind] for kind in level.periods]


# A cell is where one amount of a record is stored: (the hash, "period:area:dimension";
# the field's suffix after the metric, "" for a total or "|<value>").


def place_cells(source, facts, periods):
    """The cells of a township's own figures that a record with these facts counts in
    (see the catalogue for what is kept), in the periods given."""
    area = f"township:{facts['township_code']}"
    split = [("all", "")] + [
        (b.dimension, f"|{facts[b.dimension]}")
        for b in source.breakdowns
        if facts[b.dimension] is not None
    ]
    return [
        (f"{period}:{area}:{dimension}", suffix)
        for period in periods
        for dimension, suffix in split
    ]


def village_cells(source, facts, periods):
    """The cells of every figure a record of a village counts in, in the periods given:
    the village's own total (and breakdowns it keeps), and its share of its township."""
    village, township = facts["village_code"], facts["township_code"]
    kept = [(d, facts[d]) for d in source.village_breakdowns if facts[d] is not None]
    cells = []
    for period in periods:
        cells.append((f"{period}:village:{village}:all", ""))
        cells += [(f"{period}:village:{village}:{d}", f"|{value}") for d, value in kept]
        cells.append((f"{period}:township:{township}:village", f"|{village}"))
    return cells


def county_cells(township, where, tail):
    """The county's cells that a township's cell (`where`, and `tail`: its suffix or its
    field) adds up into: the county's same figure, and for a township total also the
    county's figure by township; none for a village's own cell."""
    period, found, dimension = where.partition(f":township:{township}:")
    if not found:
        return ()
    same = (f"{period}:county:{dimension}", tail)
    if dimension != "all":
        return (same,)
    return same, (f"{period}:county:township", f"{tail}|{township}")


def add_amounts(deltas, cells, source, amounts, sign=1):
    """Add `sign` x each metric's amount (from `amounts`) to its field in each cell
    (`deltas` counts from 0: a defaultdict(int))."""
    for metric in source.metrics:
        amount = amounts[metric.name]
        if amount:
            amount, name = sign * amount, metric.name
            for where, suffix in cells:
                deltas[where, name + suffix] += amount


def record_cells(source, facts):
    """Every cell a record with these facts counts in: its township's and village's, and
    the county's they add up into."""
    cells = place_cells(source, facts, _periods(facts["day"]))
    if facts.get(VILLAGE.fact):
        cells += village_cells(source, facts, _periods(facts["day"], VILLAGE))
    township = facts["township_code"]
    return cells + [
        county for where, suffix in cells for county in county_cells(township, where, suffix)
    ]


class PageEffect:
    """What a page of feed entries does to the figures: field deltas."""

    def __init__(self):
        self.deltas = defaultdict(int)  # (period:area:dimension, field) -> amount

    def add_entry(self, entry):
        """Fold one feed entry into the effect."""
        payload = entry["payload"]
        source = BY_ENTITY.get(entry["entity"])
        if source is None:  # the registry's: its names and coverage are asked of it
            return
        for sign, facts in ((-1, payload.get("before")), (1, payload.get("after"))):
            if facts:
                add_amounts(self.deltas, record_cells(source, facts), source, facts, sign)

    def lines(self):
        """The nonzero deltas as "amount period:area:dimension field" lines: what
        APPLY_SCRIPT reads (thousands of separate arguments cost more to send than to
        apply)."""
        return [
            f"{amount} {where} {name}\n" for (where, name), amount in self.deltas.items() if amount
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


def apply_lines(connection, ns, source, expected_cursor, new_cursor, lines):
    """Apply delta lines (PageEffect.lines) and move the cursor atomically, only if the
    cursor is still `expected_cursor`. Return True when applied, False when someone else
    got there first."""
    names = keys(ns)
    script = connection.register_script(APPLY_SCRIPT)  # EVALSHA, loading it when missing
    applied = script(
        keys=[names["cursor"], names["figures"]],
        args=[source, str(expected_cursor), str(new_cursor), "".join(lines)],
    )
    return bool(applied)


def apply_page(connection, ns, source, expected_cursor, entries):
    """Apply a page of feed entries after `expected_cursor` (see apply_lines)."""
    effect = PageEffect()
    for entry in entries:
        if entry["seq"] > expected_cursor:
            effect.add_entry(entry)
    new_cursor = max([expected_cursor, *(entry["seq"] for entry in entries)])
    return apply_lines(connection, ns, source, expected_cursor, new_cursor, effect.lines())


SEED_CHUNK = 20_000  # fields a script call writes: Redis answers others between calls


def seed(connection, ns, source, cursor, effects):
    """Start a namespace being rebuilt (not live yet) from a source's aggregate: apply the
    fields of its `effects` (each source has its own fields) in chunks through the apply
    script, and then the cursor. A thread writes each chunk while the next effect is
    summed, so Redis and this process work at once. The namespace is not read until it is
    swapped in; a rebuild that dies before leaves it behind, for the next to clear
    (stale_keys)."""
    if cursor_of(connection, ns, source):
        raise RuntimeError(f"{source} was already seeded in namespace {ns}")
    with ThreadPoolExecutor(1) as writer:
        written = []
        for effect in effects:
            lines = effect.lines()
            for start in range(0, len(lines), SEED_CHUNK):
                chunk = lines[start : start + SEED_CHUNK]
                written.append(writer.submit(apply_lines, connection, ns, source, 0, 0, chunk))
        for write in written:
            write.result()  # a chunk that failed fails the rebuild, before the cursor moves
    apply_lines(connection, ns, source, 0, cursor, [])


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
    villages = ",".join(("month", "township_code", "village_code", *source.village_breakdowns))
    return [f"day,township_code,{breakdowns}", villages]


def aggregate_effects(source, groupings):
    """The effect of a source's aggregate, the same fields its feed entries would give: a
    township's effect at a time (its figures are whole once its own groups are summed),
    then the county's, which is the sum of the townships'. Each group counts in its own
    period only (a township's day, a village's month); the months and years are then
    added up from those, not from every group again."""
    townships = defaultdict(lambda: defaultdict(int))  # township -> its finest deltas
    for grouping in groupings:
        by_village = "village_code" in grouping["by"]
        for group in grouping["groups"]:
            if not by_village:
                cells = place_cells(source, group, (group["day"],))
            elif group["village_code"]:
                cells = village_cells(source, group, (group["month"],))
            else:
                continue
            add_amounts(townships[group["township_code"]], cells, source, group)
    county = PageEffect()
    for township, finest in townships.items():
        effect = PageEffect()
        effect.deltas = _with_coarser_periods(finest)
        for (where, name), amount in effect.deltas.items():
            for cell in county_cells(township, where, name):
                county.deltas[cell] += amount
        yield effect
    yield county


def _with_coarser_periods(deltas):
    """Deltas of days and months, with those of the months and years they add up to."""
    every = defaultdict(int, deltas)
    for (where, name), amount in deltas.items():
        if where[10] == ":":  # a day's: its month's and year's
            every[where[:7] + where[10:], name] += amount
            every[where[:4] + where[10:], name] += amount
        else:  # a month's: its year's
            every[where[:4] + where[7:], name] += amount
    return every
