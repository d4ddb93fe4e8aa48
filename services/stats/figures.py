"""Reading figures out of the rollups, each with the link that lists its records.

Every figure is stored at the grain it is read (services/stats/rollup.py), so a figure is
one hash field and a breakdown one hash: a few Redis reads for any period, in any year.
"""

from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from services.stats.catalogue import METRICS, records_query, refuse_unkept
from services.stats.coverage import coverage_between
from services.stats.names import name_figures
from services.stats.rollup import CURRENT, current_namespace, figures_key
from shared.clock import local_today
from shared.errors import ApiError


def _rebuilding():
    return ApiError(
        503,
        "The figures are being rebuilt; try again shortly.",
        code="rebuilding",
        headers={"Retry-After": "5"},
    )


def live_namespace(connection):
    """The live namespace; 503 while the figures are being rebuilt from zero."""
    ns = current_namespace(connection)
    if ns is None:
        raise _rebuilding()
    return ns


# The namespace this process last found live: a read names its keys in it and checks, in
# the same transaction, that it is still the live one (a rebuild swaps it).
_last_live = {"ns": None}


def read_live(connection, commands):
    """(the live namespace, the answers of what `commands(pipeline, ns)` queues in it),
    read in one MULTI with the name of the live namespace, so never of another one; sent
    again in the new one when a rebuild has swapped it. 503 while rebuilding."""
    ns = _last_live["ns"] or live_namespace(connection)
    with connection.pipeline() as pipe:
        pipe.get(CURRENT)
        commands(pipe, ns)
        live, *answers = pipe.execute()
    if live is None:
        raise _rebuilding()
    _last_live["ns"] = live.decode()
    if live.decode() != ns:
        return read_live(connection, commands)
    return ns, answers


@lru_cache(maxsize=65536)  # a link is ~150 bytes: at most some 10 MB, for figures read often
def drilldown(metric, period, area, breakdown="all"):
    """The list request, through the gateway, of the records behind a figure."""
    source, query = records_query(metric, period, area, breakdown)
    return f"{source.records}?{urlencode(query)}"


def figure(metric, period, area, breakdown, value):
    """One figure with its value and its drill-down."""
    return {
        "metric": metric,
        "period": period,
        "area": area,
        "breakdown": breakdown,
        "value": value,
        "records": drilldown(metric, period, area, breakdown),
    }


def _totals(metrics, period, area, values):
    """Several metrics' totals of one period and area, from their HMGET `values`."""
    return [
        figure(metric, period, area, "all", int(value or 0))
        for metric, value in zip(metrics, values, strict=True)
    ]


def _counted(metric, stored):
    """(value, code) of each of a dimension's values that a metric has records of, largest
    first, from the hash `stored` of a period and area's figures by the dimension."""
    prefix = f"{metric}|".encode()
    counted = [
        (int(value), name[len(prefix) :].decode())
        for name, value in stored.items()
        if name.startswith(prefix) and int(value)
    ]
    return sorted(counted, key=lambda pair: (-pair[0], pair[1]))


def _breakdown(metric, period, area, dimension, stored):
    """A metric's figures by one dimension's values that have records, largest first,
    from the hash `stored` of the period and area's figures by the dimension."""
    return [
        figure(metric, period, area, f"{dimension}:{code}", value)
        for value, code in _counted(metric, stored)
    ]


# A breakdown's hash holds every metric's fields ("<metric>|<value>"); a read wants one
# metric's. An HSCAN matching them, allowed to walk this many entries in one call, returns
# them all at once from any hash the county makes (cursor 0), sending only those.
WHOLE_HASH = 100_000


def _queue_metric_fields(pipe, key, metric):
    """Queue the read of one metric's fields of a breakdown's hash."""
    pipe.hscan(key, 0, match=f"{metric}|*", count=WHOLE_HASH)


def _metric_fields(answer):
    """The fields of a queued metric read, or None if the scan did not reach the end."""
    cursor, fields = answer
    return fields if int(cursor) == 0 else None


def breakdowns(connection, ns, metric, cells, dimension):
    """[its figures by a dimension (unnamed), largest first] of each (period, area) cell
    of `cells`, in their order: one pipelined read each."""
    pipeline = connection.pipeline(transaction=False)
    keys = []
    for period, area in cells:
        refuse_unkept(metric, period, area, dimension)
        keys.append(figures_key(ns, period, area, dimension))
        _queue_metric_fields(pipeline, keys[-1], metric)
    answers = [_metric_fields(answer) for answer in pipeline.execute()]
    # A hash too big for one scan is read whole, in the namespace `ns` the caller read live,
    # as these reads always were.
    return [
        _breakdown(
            metric, period, area, dimension, connection.hgetall(key) if found is None else found
        )
        for (period, area), key, found in zip(cells, keys, answers, strict=True)
    ]


def _named_totals(connection, metrics, period, area):
    """(the live namespace, several metrics' totals of one period and area in it, by
    metric, named): one HMGET."""
    for metric in metrics:
        refuse_unkept(metric, period, area)
    ns, (values,) = read_live(
        connection, lambda pipe, ns: pipe.hmget(figures_key(ns, period, area), metrics)
    )
    rows = name_figures(connection, ns, _totals(metrics, period, area, values))
    return ns, {row["metric"]: row for row in rows}


def figures(connection, metrics, period, area="county"):
    """Several metrics' totals of one period and area, by metric, named."""
    return _named_totals(connection, list(metrics), period, area)[1]


def _stored_breakdown(connection, metric, period, area, dimension):
    """(the live namespace, a metric's fields of a period and area's figures by a
    dimension in it): one read, or the whole hash should that not reach its end."""
    refuse_unkept(metric, period, area, dimension)
    ns, (answer,) = read_live(
        connection,
        lambda pipe, ns: _queue_metric_fields(
            pipe, figures_key(ns, period, area, dimension), metric
        ),
    )
    stored = _metric_fields(answer)
    if stored is None:
        ns, (stored,) = read_live(
            connection, lambda pipe, ns: pipe.hgetall(figures_key(ns, period, area, dimension))
        )
    return ns, stored


def breakdown_of(connection, metric, period, area, dimension):
    """A metric split by one dimension (type, category, township ...), largest first: the
    values that have records."""
    ns, stored = _stored_breakdown(connection, metric, period, area, dimension)
    return name_figures(connection, ns, _breakdown(metric, period, area, dimension, stored))


def township_ranking(connection, metric, period):
    """Townships by a metric over a period, largest first (those with records)."""
    ns, stored = _stored_breakdown(connection, metric, period, "county", "township")
    ranked = [
        figure(metric, period, f"township:{code}", "all", value)
        for value, code in _counted(metric, stored)
    ]
    return name_figures(connection, ns, ranked)


def monthly_trend(connection, metric, year, area="county"):
    """A metric month by month through a year (one HGET a month, in one transaction)."""
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    refuse_unkept(metric, months[0], area)

    def each_month(pipe, ns):
        for month in months:
            pipe.hget(figures_key(ns, month, area), metric)

    ns, values = read_live(connection, each_month)
    rows = [
        figure(metric, month, area, "all", int(value or 0))
        for month, value in zip(months, values, strict=True)
    ]
    return name_figures(connection, ns, rows)


def year_summary(connection, year):
    """The year's headline figures, and the advisors and villages covered in that year:
    by an assignment in force on some day of it (up to today, in the county, while the
    year runs)."""
    last_day = min(date.fromisoformat(f"{year}-12-31"), local_today())
    ns, totals = _named_totals(connection, list(METRICS), year, "county")
    coverage = coverage_between(connection, ns, f"{year}-01-01", last_day.isoformat())
    return {
        "year": year,
        "figures": totals,
        "advisors_active": coverage["advisors"],
        "coverage": coverage,
    }
