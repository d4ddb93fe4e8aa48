"""The stats API: the year summary, breakdowns, trends, rankings, freshness, rebuilds."""

import re
import time
from datetime import date

import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job

from services.stats import QUEUE_NAME, figures
from services.stats.catalogue import DIMENSIONS, FEEDS, METRICS
from services.stats.coverage import coverage_on
from services.stats.jobs import FRESHNESS
from shared.blueprint import Blueprint
from shared.clock import local_today
from shared.errors import ApiError
from shared.input_schema import plausible_day
from shared.redis_client import get_redis
from shared.scopes import roles_allowed

blp = Blueprint("stats", __name__, description="County-wide figures from the rollups.")
FIGURE_READERS = ("admin", "leader")


_PERIOD_SHAPE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_PLAUSIBLE_DAY = plausible_day()


def existing_period(value):
    """A year, month or day (YYYY, YYYY-MM, YYYY-MM-DD) that exists, in the plausible years."""
    try:
        if not _PERIOD_SHAPE.fullmatch(value):
            raise ValueError(value)
        first_day = date.fromisoformat(value + {4: "-01-01", 7: "-01", 10: ""}[len(value)])
    except ValueError:
        raise ma.ValidationError("Use YYYY, YYYY-MM or YYYY-MM-DD, a date that exists.") from None
    _PLAUSIBLE_DAY(first_day)  # its first day in the years every request's dates keep to


AREA = validate.Regexp(r"^(county|township:\d{9}|village:\d{12})$")
METRIC = validate.OneOf(METRICS)


class YearQuery(ma.Schema):
    year = ma.fields.String(
        required=True, validate=[validate.Regexp(r"^\d{4}$", error="Use YYYY."), existing_period]
    )


class FigureQuery(ma.Schema):
    metric = ma.fields.String(required=True, validate=METRIC)
    period = ma.fields.String(required=True, validate=existing_period)
    area = ma.fields.String(load_default="county", validate=AREA)
    by = ma.fields.String(load_default=None, validate=validate.OneOf(DIMENSIONS))


class TrendQuery(YearQuery):
    metric = ma.fields.String(required=True, validate=METRIC)
    area = ma.fields.String(load_default="county", validate=AREA)


class RankingQuery(ma.Schema):
    metric = ma.fields.String(required=True, validate=METRIC)
    period = ma.fields.String(required=True, validate=existing_period)


@blp.route("/summary")
class Summary(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(YearQuery, location="query")
    @blp.response(200)
    def get(self, query):
        """The year's headline figures for the annual report, each with its records."""
        year = query["year"]
        connection = get_redis()
        numbers = figures.figures(connection, list(METRICS), year)
        last_day = min(date.fromisoformat(f"{year}-12-31"), local_today())
        return {
            "year": year,
            "figures": numbers,
            "advisors_active": figures.active_advisors(connection),
            "coverage": coverage_on(connection, last_day.isoformat()),
        }


@blp.route("/figures")
class Figures(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(FigureQuery, location="query")
    @blp.response(200)
    def get(self, query):
        """One metric for a period and area, whole or broken down by a dimension."""
        connection = get_redis()
        if query["by"]:
            return figures.breakdown_of(
                connection, query["metric"], query["period"], query["area"], query["by"]
            )
        return [
            figures.figures(connection, [query["metric"]], query["period"], query["area"])[
                query["metric"]
            ]
        ]


@blp.route("/trend")
class Trend(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(TrendQuery, location="query")
    @blp.response(200)
    def get(self, query):
        """A metric month by month through a year."""
        return figures.monthly_trend(get_redis(), query["metric"], query["year"], query["area"])


@blp.route("/ranking")
class Ranking(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(RankingQuery, location="query")
    @blp.response(200)
    def get(self, query):
        """Townships ranked by a metric over a period."""
        return figures.township_ranking(get_redis(), query["metric"], query["period"])


@blp.route("/freshness")
class Freshness(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.response(200)
    def get(self):
        """Per source: entries not yet in the figures and seconds since it was caught up."""
        state = {k.decode(): float(v) for k, v in get_redis().hgetall(FRESHNESS).items()}
        now = time.time()
        report = {}
        for source in FEEDS:
            cursor, last = state.get(f"{source}:cursor", 0), state.get(f"{source}:last_seq", 0)
            caught_up = state.get(f"{source}:caught_up_at")
            report[source] = {
                "applied_seq": int(cursor),
                "entries_behind": int(max(0, last - cursor)),
                "seconds_behind": 0.0 if cursor >= last else round(now - (caught_up or now), 1),
                "last_sync_seconds_ago": round(now - state[f"{source}:synced_at"], 1)
                if f"{source}:synced_at" in state
                else None,
            }
        return report


@blp.route("/rebuild")
class Rebuild(MethodView):
    @roles_allowed("admin")
    @blp.response(202)
    def post(self):
        """Rebuild every figure from zero in the background; poll the job for progress."""
        job = Queue(QUEUE_NAME, connection=get_redis()).enqueue(
            "services.stats.jobs.rebuild", job_timeout=3600
        )
        return {"job_id": job.id, "status": f"/api/v1/stats/rebuild/{job.id}"}


@blp.route("/rebuild/<job_id>")
class RebuildStatus(MethodView):
    @roles_allowed("admin")
    @blp.response(200)
    def get(self, job_id):
        """A rebuild job's state and progress (source, sequence reached, last sequence)."""
        try:
            job = Job.fetch(job_id, connection=get_redis())
        except NoSuchJobError:
            raise ApiError(404, f"There is no job {job_id}.") from None
        return {"job_id": job.id, "state": job.get_status(), "progress": job.meta.get("progress")}
