"""The registry's routes: the tree, advisors, assignments and the questions others ask."""

from flask import request
from flask.views import MethodView

from services.registry import queries, service
from services.registry import schemas as s
from shared.auth import current_principal
from shared.blueprint import Blueprint
from shared.clock import local_today
from shared.db import get_db
from shared.feed import last_seq
from shared.scopes import READERS, roles_allowed

blp = Blueprint("registry", __name__, description="Townships, villages, advisors, assignments.")
READ = (*READERS, "service")


def _session():
    return get_db().session


def _day(query):
    return query.get("date") or local_today()


@blp.route("/townships")
class Townships(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.TownshipQuery, location="query")
    @blp.response(200, s.TownshipRead(many=True))
    def get(self, query):
        """The county's townships (or those matching `q`), each with its number of villages."""
        return queries.get_townships(_session(), text=query.get("text"))


@blp.route("/villages")
class Villages(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.VillageQuery, location="query")
    @blp.response(200, s.VillageRead(many=True))
    def get(self, query):
        """Villages and communities, optionally of one township and/or matching `q`."""
        return queries.get_villages(
            _session(), township_code=query.get("township"), text=query.get("text")
        )


@blp.route("/villages/<code>/advisor")
class AdvisorOfVillage(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.DateQuery, location="query")
    @blp.response(200, s.AdvisorOfVillage)
    def get(self, query, code):
        """The advisor serving a village on a date (null when none)."""
        day = _day(query)
        queries.get_village(_session(), code=code)
        advisor = queries.advisor_on(_session(), village_code=code, day=day)
        return {"village_code": code, "date": day, "advisor": advisor}


@blp.route("/villages/<code>/timeline")
class TimelineOfVillage(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.DateQuery, location="query")
    @blp.response(200, s.VillageTimeline)
    def get(self, query, code):
        """A village's advisors over time, oldest first, with the one in force on `date`."""
        day = _day(query)
        village = queries.get_village(_session(), code=code)
        entries = queries.timeline(_session(), village_code=code, day=day)
        return {"village": village, "date": day, "assignments": entries}


@blp.route("/advisors")
class Advisors(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.AdvisorQuery, location="query")
    @blp.response(200, s.AdvisorRead(many=True))
    def get(self, query):
        """Advisors, optionally matching `q` (phones masked for everyone but admins)."""
        return queries.get_advisors(
            _session(),
            active=query.get("active"),
            text=query.get("text"),
            phones_searched=current_principal().role == "admin",
        )

    @roles_allowed("admin")
    @blp.arguments(s.AdvisorCreate)
    @blp.response(201, s.AdvisorRead)
    def post(self, body):
        """Register an advisor (admins)."""
        advisor = service.create_advisor(_session(), **body)
        return advisor


@blp.route("/advisors/<int:advisor_id>")
class AdvisorById(MethodView):
    @roles_allowed(*READ)
    @blp.response(200, s.AdvisorRead)
    def get(self, advisor_id):
        """One advisor."""
        return queries.get_advisor(_session(), advisor_id=advisor_id)

    @roles_allowed("admin")
    @blp.arguments(s.AdvisorUpdate(partial=s.ADVISOR_FIELDS))
    @blp.response(200, s.AdvisorRead)
    @blp.alt_response(409, description="Stale version: `current` holds the advisor as it is now.")
    def patch(self, body, advisor_id):
        """Change an advisor; send the version you read (stale → 409)."""
        advisor = service.update_advisor(_session(), advisor_id=advisor_id, **body)
        return advisor


@blp.route("/advisors/<int:advisor_id>/villages")
class VillagesOfAdvisor(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.DateQuery, location="query")
    @blp.response(200, s.VillagesOfAdvisor)
    def get(self, query, advisor_id):
        """The villages an advisor serves on a date (cacheable: ETag follows the feed)."""
        session = _session()
        day = _day(query)
        etag = f'"registry-{last_seq(session)}-{advisor_id}-{day.isoformat()}"'
        if request.if_none_match.contains_weak(etag.strip('"')):
            return "", 304, {"ETag": etag}
        villages = queries.villages_of(session, advisor_id=advisor_id, day=day)
        body = {"advisor_id": advisor_id, "date": day, "villages": villages}
        return body, 200, {"ETag": etag, "Cache-Control": "private, max-age=60"}


@blp.route("/assignments")
class Assignments(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.AssignmentQuery, location="query")
    @blp.response(200, s.AssignmentRead(many=True))
    def get(self, query):
        """The assignment history of a village and/or an advisor, oldest first."""
        return queries.assignment_history(
            _session(), village_code=query.get("village"), advisor_id=query.get("advisor")
        )

    @roles_allowed("admin")
    @blp.arguments(s.AssignmentCreate)
    @blp.response(201, s.AssignmentMade)
    def post(self, body):
        """Assign an advisor to a village from a date; closes the previous open assignment."""
        made, closed = service.assign(_session(), **body)
        return {"assignment": made, "closed": closed}


@blp.route("/assignments/<int:assignment_id>/end")
class EndAssignment(MethodView):
    @roles_allowed("admin")
    @blp.arguments(s.AssignmentEnd)
    @blp.response(200, s.AssignmentRead)
    def post(self, body, assignment_id):
        """End an open-ended assignment on a date (inclusive)."""
        ended = service.end_assignment(_session(), assignment_id=assignment_id, **body)
        return ended


@blp.route("/coverage")
class Coverage(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.CoverageQuery, location="query")
    @blp.response(200, s.CoverageRead)
    def get(self, query):
        """Villages without an advisor on a date (or on any day since `since`), per
        township, with the coverage ratio and the advisors serving them."""
        return queries.coverage(_session(), day=_day(query), since=query.get("since"))


@blp.route("/advisor-load")
class AdvisorLoad(MethodView):
    @roles_allowed(*READ)
    @blp.arguments(s.DateQuery, location="query")
    @blp.response(200, s.AdvisorLoadRead(many=True))
    def get(self, query):
        """How many villages each active advisor serves on a date."""
        return queries.advisor_load(_session(), day=_day(query))
