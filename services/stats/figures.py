"""Reading figures out of the rollups, each with the link that lists its records.

Every figure is stored at the grain it is read (services/stats/rollup.py), so a figure is
one hash field and a breakdown one hash: a few Redis reads for any period, in any year.
"""

from datetime import date
from urllib.parse import urlencode

from services.stats.catalogue import METRICS, records_query, refuse_unkept
from services.stats.coverage import coverage_between
from services.stats.names import name_figures
from services.stats.rollup import current_namespace, figures_key
from shared.clock import local_today
from shared.errors import ApiError


def live_namespace(connection):
    """The live namespace; 503 while the figures are being rebuilt from zero."""
    ns = current_namespace(connection)
    if ns is None:
        raise ApiError(
            503,
            "The figures are being rebuilt; try again shortly.",
            code="rebuilding",
            headers={"Retry-After": "5"},
        )
    return ns


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


def _totals(connection, ns, metrics, period, area):
    """Several metrics' totals of one period and area: one HMGET."""
    for metric in metrics:
        refuse_unkept(metric, period, area)
    values = connection.hmget(figures_key(ns, period, area), list(metrics))
    return [
        figure(metric, period, area, "all", int(value or 0))
        for metric, value in zip(metrics, values, strict=True)
    ]


def _breakdown(connection, ns, metric, period, area, dimension, stored=None):
    """A metric's figures by one dimension's values that have records, largest first
    (from the hash `stored` when it was read already)."""
    refuse_unkept(metric, period, area, dimension)
    if stored is None:
        stored = connection.hgetall(figures_key(ns, period, area, dimension))
    prefix = f"{metric}|".encode()
    rows = [
        figure(metric, period, area, f"{dimension}:{name[len(prefix) :].decode()}", int(value))
        for name, value in stored.items()
        if name.startswith(prefix) and int(value)
    ]
    return sorted(rows, key=lambda row: (-row["value"], row["breakdown"]))


def village_breakdowns(connection, ns, metric, period, villages, dimension):
    """{village: its figures by a dimension it keeps (unnamed), largest first} of several
    villages ("village:<code>"): one pipelined HGETALL each."""
    pipeline = connection.pipeline(transaction=False)
    for village in villages:
        pipeline.hgetall(figures_key(ns, period, village, dimension))
    return {
        village: _breakdown(connection, ns, metric, period, village, dimension, stored)
        for village, stored in zip(villages, pipeline.execute(), strict=True)
    }


def period_breakdowns(connection, ns, metric, periods, area, dimension):
    """{period: its figures by a dimension (unnamed), largest first} of several periods of
    one area: one pipelined HGETALL each."""
    pipeline = connection.pipeline(transaction=False)
    for period in periods:
        pipeline.hgetall(figures_key(ns, period, area, dimension))
    return {
        period: _breakdown(connection, ns, metric, period, area, dimension, stored)
        for period, stored in zip(periods, pipeline.execute(), strict=True)
    }


def figures(connection, metrics, period, area="county"):
    """Several metrics' totals of one period and area, by metric, named."""
    ns = live_namespace(connection)
    rows = name_figures(connection, ns, _totals(connection, ns, metrics, period, area))
    return {row["metric"]: row for row in rows}


def breakdown_of(connection, metric, period, area, dimension):
    """A metric split by one dimension (type, category, township ...), largest first: the
    values that have records (one HGETALL of the period and area's hash of the dimension)."""
    ns = live_namespace(connection)
    return name_figures(connection, ns, _breakdown(connection, ns, metric, period, area, dimension))


def township_ranking(connection, metric, period):
    """Townships by a metric over a period, largest first (those with records)."""
    ns = live_namespace(connection)
    rows = _breakdown(connection, ns, metric, period, "county", "township")
    ranked = [figure(metric, period, row["breakdown"], "all", row["value"]) for row in rows]
    return name_figures(connection, ns, ranked)


def monthly_trend(connection, metric, year, area="county"):
    """A metric month by month through a year (one HGET a month, pipelined)."""
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    refuse_unkept(metric, months[0], area)
    ns = live_namespace(connection)
    pipeline = connection.pipeline(transaction=False)
    for month in months:
        pipeline.hget(figures_key(ns, month, area), metric)
    values = pipeline.execute()
    rows = [
        figure(metric, month, area, "all", int(value or 0))
        for month, value in zip(months, values, strict=True)
    ]
    return name_figures(connection, ns, rows)


def year_summary(connection, year):
    """The year's headline figures, and the advisors and villages covered in that year:
    by an assignment in force on some day of it (up to today, in the county, while the
    year runs)."""
    ns = live_namespace(connection)
    last_day = min(date.fromisoformat(f"{year}-12-31"), local_today())
    rows = name_figures(connection, ns, _totals(connection, ns, list(METRICS), year, "county"))
    coverage = coverage_between(connection, ns, f"{year}-01-01", last_day.isoformat())
    return {
        "year": year,
        "figures": {row["metric"]: row for row in rows},
        "advisors_active": coverage["advisors"],
        "coverage": coverage,
    }
