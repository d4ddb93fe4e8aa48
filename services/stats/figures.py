"""Reading figures out of the rollups, each with the filter that lists its records."""

from datetime import date, timedelta
from urllib.parse import urlencode

from services.stats.rollup import (
    current_namespace,
    keys,
    stored_metric,
    total_dimension,
    unpack,
)
from shared.errors import ApiError

ACTIVITY_METRICS = (
    "sessions",
    "attendances",
    "online_reach",
    "checkins",
    "cadre_sessions",
    "cadre_attendances",
)
METRICS = (*ACTIVITY_METRICS, "consultations")
RECORD_LISTS = {
    "activities": "/api/v1/activities/activities",
    "consultations": "/api/v1/consultations/consultations",
}
CADRE_STUDY = "法治讲堂·逢九必讲"


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


def period_range(period):
    """The first and last day of a year (YYYY), month (YYYY-MM) or day."""
    if len(period) == 4:
        return f"{period}-01-01", f"{period}-12-31"
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:])
        following = f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
        return period + "-01", (date.fromisoformat(following) - timedelta(days=1)).isoformat()
    return period, period


def drilldown(metric, period, area, breakdown="all"):
    """The list request, in the recording service, of the records behind a figure."""
    source = "consultations" if metric == "consultations" else "activities"
    start, end = period_range(period)
    query = {"from": start, "to": end}
    kind, _, code = area.partition(":")
    if kind in ("township", "village"):
        query[kind] = code
    name, _, value = breakdown.partition(":")
    if breakdown != "all":
        query["advisor" if name == "advisor_id" else name] = value
    if metric.startswith("cadre_"):
        query["type"] = CADRE_STUDY
    return f"{RECORD_LISTS[source]}?{urlencode(query)}"


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


def _glob(text):
    """`text` matched literally in a Redis glob pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def sums(connection, ns, metric, period, area, breakdown, bucket):
    """Totals of the stored fields that make up a figure, grouped by `bucket(parts)` of
    each field ("metric|period|area|breakdown" split in four).

    The rollups keep townships by day and villages by month (services/stats/rollup.py), so
    a month or a year is the sum of its days (or months), the county the sum of its
    townships. `metric` and `breakdown` are glob patterns; one HSCAN reads them all.
    """
    village = area.startswith("village:")
    stored = 7 if village else 10  # YYYY-MM or YYYY-MM-DD
    if len(period) > stored:
        return {}  # villages are not kept by day
    periods = _glob(period) + ("-*" if len(period) < stored else "")
    places = "township:*" if area == "county" else _glob(area)
    totals = {}
    pattern = f"{metric}|{periods}|{places}|{breakdown}"
    for name, value in connection.hscan_iter(keys(ns)["figures"], match=pattern, count=5000):
        key = bucket(name.decode().split("|", 3))
        totals[key] = totals.get(key, 0) + int(value)
    return totals


def _breakdown_glob(metric, area, breakdown):
    """The stored breakdowns that add up to `breakdown`: a township's (or the county's)
    total is the sum over the metric's total dimension (rollup.total_dimension)."""
    if breakdown != "all" or area.startswith("village:"):
        return _glob(breakdown)
    return f"{total_dimension(metric)}:*"


def figures(connection, metrics, period, area="county", breakdown="all"):
    """Several metrics for one period, area and breakdown (one HSCAN per kind of total)."""
    ns, totals = live_namespace(connection), {}  # one namespace for every scan
    for pattern in sorted({_breakdown_glob(m, area, breakdown) for m in metrics}):
        totals |= sums(connection, ns, "*", period, area, pattern, lambda parts: parts[0])
    return {
        m: figure(m, period, area, breakdown, unpack(m, totals.get(stored_metric(m), 0)))
        for m in metrics
    }


def _sums_of(connection, metric, period, area, breakdown, bucket):
    """One metric's totals by bucket (see sums), unpacked from its stored pair."""
    stored = _glob(stored_metric(metric))
    totals = sums(connection, live_namespace(connection), stored, period, area, breakdown, bucket)
    return {key: unpack(metric, value) for key, value in totals.items()}


def breakdown_of(connection, metric, period, area, dimension):
    """A metric split by one dimension (type, organiser, audience, category ...)."""
    totals = _sums_of(
        connection, metric, period, area, f"{_glob(dimension)}:*", lambda parts: parts[3]
    )
    rows = [figure(metric, period, area, name, value) for name, value in totals.items() if value]
    return sorted(rows, key=lambda row: -row["value"])


def township_ranking(connection, metric, period):
    """Townships by a metric, largest first."""
    pattern = _breakdown_glob(metric, "county", "all")
    totals = _sums_of(connection, metric, period, "county", pattern, lambda parts: parts[2])
    rows = [figure(metric, period, township, "all", value) for township, value in totals.items()]
    return sorted(rows, key=lambda row: (-row["value"], row["area"]))


def monthly_trend(connection, metric, year, area="county"):
    """A metric month by month through a year."""
    pattern = _breakdown_glob(metric, area, "all")
    totals = _sums_of(connection, metric, year, area, pattern, lambda parts: parts[1][:7])
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    return [figure(metric, month, area, "all", totals.get(month, 0)) for month in months]


def active_advisors(connection):
    """How many advisors are active, per the registry's feed."""
    return connection.scard(keys(live_namespace(connection))["advisors"])
