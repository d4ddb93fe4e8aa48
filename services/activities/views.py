"""The activities routes: record (one or a batch), correct, void, read, check in."""

from flask.views import MethodView

from services.activities import schemas as s
from services.activities import service
from services.activities.vocabularies import AUDIENCES, LANGUAGES, ORGANISERS, TYPES
from shared.auth import current_principal
from shared.blueprint import Blueprint, json_object_body
from shared.db import get_db
from shared.recording.schemas import BatchAnswer, HistoryEntry, VoidRequest, batch_request_schema
from shared.scopes import roles_allowed
from shared.sheets import json_or_xlsx, record_sheet

blp = Blueprint("activities", __name__, description="普法 activities and their attendance.")
WRITERS = ("admin", "staff")
READERS = ("admin", "leader", "staff", "service")
BATCH_REQUEST = batch_request_schema(["activity", "checkin"])
LIST_OR_SHEET = "A page, or (format=xlsx) every matching record, masked as the list is."
READ = s.ActivityRead()


@blp.route("/activities")
class Activities(MethodView):
    @roles_allowed(*READERS)
    @blp.arguments(s.ActivityQuery, location="query")
    @blp.response(200, s.ActivityPage)
    @blp.doc(responses=json_or_xlsx(LIST_OR_SHEET, s.ActivityPage))
    def get(self, query):
        """Activities by township, village, type, organiser, audience, dates and changes;
        paged, or every one as xlsx."""
        session, principal = get_db().session, current_principal()
        if query["format"] == "xlsx":
            records = service.every_activity(session, principal, query)
            return record_sheet("activities.xlsx", "普法活动", s.ACTIVITY_COLUMNS, READ, records)
        return service.list_activities(session, principal, query)

    @roles_allowed(*WRITERS)
    @blp.response(201, s.ActivityRead)
    @blp.alt_response(200, schema=s.ActivityRead, description="A duplicate: already recorded.")
    @blp.doc(requestBody={"content": {"application/json": {"schema": s.ActivityCreate}}})
    def post(self):
        """Record an activity under its client-generated id (safe to retry)."""
        body = json_object_body()
        return service.record_one(get_db().session, current_principal(), "activity", body)


@blp.route("/activities/batch")
class Batch(MethodView):
    @roles_allowed(*WRITERS)
    @blp.arguments(BATCH_REQUEST)
    @blp.response(200, BatchAnswer)
    def post(self, body):
        """Sync up to 500 queued activities and check-ins; each item answers for itself."""
        return service.record_batch(get_db().session, current_principal(), body)


@blp.route("/activities/<uuid:activity_id>")
class ActivityById(MethodView):
    @roles_allowed(*READERS)
    @blp.response(200, s.ActivityRead)
    def get(self, activity_id):
        """One activity."""
        return service.get_activity(get_db().session, current_principal(), str(activity_id))

    @roles_allowed(*WRITERS)
    @blp.arguments(s.ActivityUpdate)
    @blp.response(200, s.ActivityRead)
    def put(self, body, activity_id):
        """Correct an activity: send all its content and the version you read."""
        return service.update_activity(
            get_db().session, current_principal(), str(activity_id), body
        )


@blp.route("/activities/<uuid:activity_id>/void")
class VoidActivity(MethodView):
    @roles_allowed(*WRITERS)
    @blp.arguments(VoidRequest)
    @blp.response(200, s.ActivityRead)
    def post(self, body, activity_id):
        """Void an activity with a reason (never deleted; its figures are withdrawn)."""
        principal = current_principal()
        return service.void_activity(get_db().session, principal, str(activity_id), **body)


@blp.route("/activities/<uuid:activity_id>/history")
class ActivityHistory(MethodView):
    @roles_allowed(*READERS)
    @blp.response(200, HistoryEntry(many=True))
    def get(self, activity_id):
        """Every version of an activity: who changed what, when and why."""
        return service.history_of(get_db().session, current_principal(), str(activity_id))


@blp.route("/activities/<uuid:activity_id>/checkins")
class CheckIns(MethodView):
    @roles_allowed(*READERS)
    @blp.response(200, s.CheckInRead(many=True))
    def get(self, activity_id):
        """The check-ins of an activity (names masked but for the recorder and admins)."""
        return service.checkins_of(get_db().session, current_principal(), str(activity_id))

    @roles_allowed(*WRITERS)
    @blp.response(201, s.CheckInRead)
    @blp.alt_response(200, schema=s.CheckInRead, description="A duplicate nonce or person.")
    @blp.doc(requestBody={"content": {"application/json": {"schema": s.CheckInCreate}}})
    def post(self, activity_id):
        """Check a person in (safe to retry; the same person twice counts once)."""
        raw = json_object_body() | {"activity_id": str(activity_id)}
        return service.record_one(get_db().session, current_principal(), "checkin", raw)


@blp.route("/reach")
class Reach(MethodView):
    @roles_allowed(*READERS)
    @blp.arguments(s.ReachQuery, location="query")
    @blp.response(200, s.ReachRead)
    def get(self, query):
        """Unique reach (人数) of a year, in a township or the county: the different people
        among the check-ins made with a reference, beside all check-ins (人次)."""
        principal = current_principal()
        year, township = query["year"], query.get("township_code")
        return service.reach_of(get_db().session, principal, year, township)


@blp.route("/vocabularies")
class Vocabularies(MethodView):
    @roles_allowed(*READERS, "advisor")
    @blp.response(200, s.VocabularyRead)
    def get(self):
        """The managed lists: activity types, organisers, audiences, languages."""
        return {
            "types": TYPES,
            "organisers": ORGANISERS,
            "audiences": AUDIENCES,
            "languages": LANGUAGES,
        }
