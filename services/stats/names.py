"""Names beside codes: townships, villages and advisors as the registry names them, asked
once for each state of its feed that the figures have applied (as coverage is), and the
catalogue's names of coded values (audiences, mediation results)."""

from services.stats.catalogue import ALL_NAME, COUNTY_NAME, REGISTRY_NAMED, SOURCES
from services.stats.rollup import keys
from shared.registry_client import ask_names

KEPT_SECONDS = 600  # at most, should the registry rename without its feed saying so
# The kept copy's field naming the registry feed's position it was asked at (beside the
# names of "township:<code>" ..., which it cannot be taken for).
ASKED_AT = "@registry-seq"
_CODED = {
    breakdown.dimension: dict(breakdown.names)
    for source in SOURCES
    for breakdown in source.breakdowns
    if breakdown.names
}


def _kept_names(connection, ns, wanted):
    """The registry's names of `wanted` (None for a code it does not know): the registry
    state the figures have applied and the kept copy's, read in one round trip."""
    key = keys(ns)["names"]
    with connection.pipeline(transaction=False) as pipe:
        pipe.hget(keys(ns)["cursor"], "registry")
        pipe.hmget(key, [ASKED_AT, *wanted])
        state, (asked_at, *values) = pipe.execute()
    state = state or b"0"
    if asked_at != state:
        names = ask_names()
        # In one transaction: a reader sees the old copy or the new one, never a mix.
        with connection.pipeline() as pipe:
            pipe.delete(key).hset(key, mapping=names | {ASKED_AT: state})
            pipe.expire(key, KEPT_SECONDS).execute()
        return [names.get(code) for code in wanted]
    return [value.decode() if value is not None else None for value in values]


def names_of(connection, ns, parts):
    """{part: the registry's name or None} of areas ("township:<code>", "village:<code>")."""
    return dict(zip(parts, _kept_names(connection, ns, parts), strict=True)) if parts else {}


def _named(part, names):
    """The name of an area or breakdown ("county", "all", "type:法润巴扎" ...)."""
    if part == "county":
        return COUNTY_NAME
    if part == "all":
        return ALL_NAME
    dimension, _, value = part.partition(":")
    if part in names:
        return names[part] or value
    return _CODED.get(dimension, {}).get(value, value)


def name_figures(connection, ns, rows):
    """Each figure row with `area_name` and `breakdown_name` beside its codes."""
    wanted = sorted(
        {
            part
            for row in rows
            for part in (row["area"], row["breakdown"])
            if part.partition(":")[0] in REGISTRY_NAMED
        }
    )
    names = names_of(connection, ns, wanted)
    return [
        row
        | {
            "area_name": _named(row["area"], names),
            "breakdown_name": _named(row["breakdown"], names),
        }
        for row in rows
    ]
