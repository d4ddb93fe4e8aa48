"""The stats API: the year summary, breakdowns, trends, rankings, the report paragraph,
freshness, rebuilds."""

from flask import Response
from flask.views import MethodView

from services.stats import exports, figures, jobs, publications, quiet, report, suppression
from services.stats import schemas as s
from services.stats.freshness import freshness_report
from shared.auth import current_principal
from shared.blueprint import Blueprint
from shared.db import get_db
from shared.errors import ApiError
from shared.redis_client import get_redis
from shared.scopes import roles_allowed
from shared.sheets import attachment, json_or_xlsx

blp = Blueprint("stats", __name__, description="County-wide figures from the rollups.")
FIGURE_READERS = ("admin", "leader")
BINARY = {"type": "string", "format": "binary"}

FIGURES_OR_SHEET = "The figures, or (format=xlsx) the same rows as a spreadsheet."
AS_XLSX = json_or_xlsx(FIGURES_OR_SHEET, {"type": "array", "items": {"type": "object"}})
SUMMARY_AS_XLSX = json_or_xlsx(FIGURES_OR_SHEET, {"type": "object"})


def _answered(query, rows, filename, title):
    """The rows as JSON, or (format=xlsx) the same rows as a spreadsheet."""
    if query["format"] == "xlsx":
        return exports.figures_sheet(rows, filename, title)
    return rows


@blp.route("/summary")
class Summary(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.SummaryQuery, location="query")
    @blp.response(200)
    @blp.doc(responses=SUMMARY_AS_XLSX)
    def get(self, query):
        """The year's headline figures for the annual report, each with its records."""
        summary = figures.year_summary(get_redis(), query["year"])
        return exports.summary_sheet(summary) if query["format"] == "xlsx" else summary


@blp.route("/figures")
class Figures(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.FigureQuery, location="query")
    @blp.response(200)
    @blp.doc(responses=AS_XLSX)
    def get(self, query):
        """One metric for a period and area, whole or broken down by a dimension (for
        leaders, a village's small counts of sensitive consultations shown as "<5")."""
        connection = get_redis()
        metric, period, area, by = query["metric"], query["period"], query["area"], query["by"]
        if by:
            rows = figures.breakdown_of(connection, metric, period, area, by)
        else:
            rows = [figures.figures(connection, [metric], period, area)[metric]]
        principal = current_principal()
        rows = suppression.as_seen_by(principal, connection, metric, period, area, by, rows)
        name = f"{metric}-{period}-{area.replace(':', '-')}" + (f"-{by}" if by else "")
        return _answered(query, rows, f"{name}.xlsx", f"{period} {metric}")


@blp.route("/trend")
class Trend(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.TrendQuery, location="query")
    @blp.response(200)
    @blp.doc(responses=AS_XLSX)
    def get(self, query):
        """A metric month by month through a year (for leaders, a village's months that
        would show a small count of sensitive consultations as "<5")."""
        metric, year, area = query["metric"], query["year"], query["area"]
        connection, principal = get_redis(), current_principal()
        rows = figures.monthly_trend(connection, metric, year, area)
        rows = suppression.trend_as_seen_by(principal, connection, metric, year, area, rows)
        name = f"trend-{metric}-{year}-{area.replace(':', '-')}"
        return _answered(query, rows, f"{name}.xlsx", f"{year} {metric}")


@blp.route("/ranking")
class Ranking(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.RankingQuery, location="query")
    @blp.response(200)
    @blp.doc(responses=AS_XLSX)
    def get(self, query):
        """Townships ranked by a metric over a period."""
        metric, period = query["metric"], query["period"]
        connection, principal = get_redis(), current_principal()
        rows = figures.township_ranking(connection, metric, period)
        rows = suppression.as_seen_by(
            principal, connection, metric, period, "county", "township", rows
        )
        return _answered(query, rows, f"ranking-{metric}-{period}.xlsx", f"{period} {metric}")


@blp.route("/quiet-villages")
class QuietVillages(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.QuietQuery, location="query")
    @blp.response(200)
    @blp.doc(responses=json_or_xlsx("The villages, or (format=xlsx) a sheet of them.", s.QuietRead))
    def get(self, query):
        """Villages with no consultation recorded in the year's last `months` months
        (up to this month while the year runs), flagged for the advisors' work."""
        year, months = query["year"], query["months"]
        answer = quiet.quiet_villages(get_redis(), year, months)
        if query["format"] == "xlsx":
            return exports.quiet_sheet(answer)
        return answer


@blp.route("/report")
class Report(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.YearQuery, location="query")
    @blp.response(200, s.ReportRead)
    def get(self, query):
        """The year's paragraph for the annual report, in the county's style, and the exact
        numbers it states: those of the year's latest publication, or the live ones while
        the year is unpublished (`published` null)."""
        return publications.cited_report(get_db().session, get_redis(), query["year"])


@blp.route("/report.docx")
class ReportDocument(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.YearQuery, location="query")
    @blp.response(200, description="The paragraph as a Word document (仿宋).")
    @blp.doc(
        responses={
            "200": {
                "description": "The paragraph as a Word document (仿宋).",
                "content": {report.DOCX_TYPE: {"schema": BINARY}},
            }
        }
    )
    def get(self, query):
        """The year's report paragraph as a .docx, its text equal to /report's paragraph."""
        made = publications.cited_report(get_db().session, get_redis(), query["year"])
        return Response(
            report.report_docx(made),
            mimetype=report.DOCX_TYPE,
            headers={"Content-Disposition": attachment(f"report-{query['year']}.docx")},
        )


@blp.route("/publications")
class Publications(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.YearQuery, location="query")
    @blp.response(200, s.PublicationRead(many=True))
    def get(self, query):
        """Every publication of a year's figures, newest first."""
        return publications.list_publications(get_db().session, query["year"])

    @roles_allowed("admin")
    @blp.arguments(s.PublicationCreate)
    @blp.response(201, s.PublicationRead)
    def post(self, body):
        """Publish a year's figures as of now (frozen; publishing again adds a version)."""
        session, principal = get_db().session, current_principal()
        return publications.publish(session, get_redis(), principal, body["year"])


@blp.route("/publications/latest")
class LatestPublication(MethodView):
    @roles_allowed(*FIGURE_READERS)
    @blp.arguments(s.YearQuery, location="query")
    @blp.response(200, s.LatestPublicationRead)
    def get(self, query):
        """The year's latest publication, and per figure the difference since, with the
        records written after it that made it."""
        return publications.latest_publication(get_db().session, get_redis(), query["year"])


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
