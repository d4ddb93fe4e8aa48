"""The stats API: the year summary, breakdowns, trends, rankings, freshness, rebuilds."""

from flask.views import MethodView

from services.stats import figures, jobs
from services.stats import schemas as s
from services.stats.freshness import freshness_report
from shared.blueprint import Blueprint
from shared.errors import ApiError
from shared.redis_client import get_redis
from shared.scopes import roles_allowed

blp = Blueprint("stats", __name__, description="County-wide figures from the rollups.")
FIGURE_READERS = ("admin", "leader")


@blp.route("/summary")
class Summary(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.YearQuery, location="query")
    @blp.response(200)
    def get(self, query):
        """The year's headline figures for the annual report, each with its records."""
        return figures.year_summary(get_redis(), query["year"])


@blp.route("/figures")
class Figures(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.FigureQuery, location="query")
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
    @blp.arguments(s.TrendQuery, location="query")
    @blp.response(200)
    def get(self, query):
        """A metric month by month through a year."""
        return figures.monthly_trend(get_redis(), query["metric"], query["year"], query["area"])


@blp.route("/ranking")
class Ranking(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.RankingQuery, location="query")
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
        return freshness_report(get_redis())


@blp.route("/rebuild")
class Rebuild(MethodView):
    @roles_allowed("admin")
    @blp.response(202)
    def post(self):
        """Rebuild every figure from zero in the background; poll the job for progress."""
        job = jobs.start_rebuild(get_redis())
        return {"job_id": job.id, "status": f"/api/v1/stats/rebuild/{job.id}"}


@blp.route("/rebuild/<job_id>")
class RebuildStatus(MethodView):
    @roles_allowed("admin")
    @blp.response(200, s.RebuildJobRead)
    def get(self, job_id):
        """A rebuild job's state and progress (source, sequence reached, last sequence)."""
        job = jobs.rebuild_job(get_redis(), job_id)
        if job is None:
            raise ApiError(404, f"There is no job {job_id}.")
        return job
