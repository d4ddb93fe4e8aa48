"""Reading figures out of the rollups, each with the filter that lists its records."""

from datetime import date, timedelta
from urllib.parse import urlencode

from services.stats.rollup import current_namespace, field, keys, read_figures
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


def figure(values, metric, period, area, breakdown="all"):
    """One figure with its value and its drill-down."""
    return {
        "metric": metric,
        "period": period,
        "area": area,
        "breakdown": breakdown,
        "value": values.get(field(metric, period, area, breakdown), 0),
        "records": drilldown(metric, period, area, breakdown),
    }


def figures(connection, metrics, period, area="county", breakdown="all"):
    """Several metrics for one period, area and breakdown."""
    ns = live_namespace(connection)
    names = [field(m, period, area, breakdown) for m in metrics]
    values = read_figures(connection, ns, names)
    return {m: figure(values, m, period, area, breakdown) for m in metrics}


def scan(connection, pattern):
    """Every (field, value) of the live figures matching a glob pattern."""
    ns = live_namespace(connection)
    return {
        name.decode(): int(value)
        for name, value in connection.hscan_iter(keys(ns)["figures"], match=pattern, count=1000)
    }


def breakdown_of(connection, metric, period, area, dimension):
    """A metric split by one dimension (type, organiser, audience, category ...)."""
    found = scan(connection, f"{metric}|{period}|{area}|{dimension}:*")
    rows = [
        figure({name: value}, metric, period, area, name.split("|", 3)[3])
        for name, value in found.items()
        if value
    ]
    return sorted(rows, key=lambda row: -row["value"])


def township_ranking(connection, metric, period):
    """Townships by a metric, largest first."""
    found = scan(connection, f"{metric}|{period}|township:*|all")
    rows = [
        figure({name: value}, metric, period, name.split("|")[2]) for name, value in found.items()
    ]
    return sorted(rows, key=lambda row: (-row["value"], row["area"]))


def monthly_trend(connection, metric, year, area="county"):
    """A metric month by month through a year."""
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    ns = live_namespace(connection)
    values = read_figures(connection, ns, [field(metric, m, area) for m in months])
    return [figure(values, metric, m, area) for m in months]


def active_advisors(connection):
    """How many advisors are active, per the registry's feed."""
    return connection.scard(keys(live_namespace(connection))["advisors"])
