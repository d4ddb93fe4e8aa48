"""The consultations routes: record (one or a batch), correct, void, mark mediation, read."""

from flask.views import MethodView

from services.consultations import schemas as s
from services.consultations import service
from shared.auth import current_principal
from shared.blueprint import Blueprint, json_object_body
from shared.db import get_db
from shared.recording.schemas import BatchAnswer, HistoryEntry, VoidRequest, batch_request_schema
from shared.scopes import roles_allowed
from shared.sheets import json_or_xlsx, record_sheet

blp = Blueprint("consultations", __name__, description="Legal consultations by village advisors.")
READERS = ("admin", "leader", "advisor", "service")
BATCH_REQUEST = batch_request_schema(["consultation"])
LIST_OR_SHEET = "A page, or (format=xlsx) every matching record, masked as the list is."
READ = s.ConsultationRead()


@blp.route("/consultations")
class Consultations(MethodView):
    @roles_allowed(*READERS)
    @blp.arguments(s.ConsultationQuery, location="query")
    @blp.response(200, s.ConsultationPage)
    @blp.doc(responses=json_or_xlsx(LIST_OR_SHEET, s.ConsultationPage))
    def get(self, query):
        """Consultations by village, township, advisor, category, channel, outcome, dates
        and changes; paged, or every one as xlsx (residents masked as in the list)."""
        session, principal = get_db().session, current_principal()
        if query["format"] == "xlsx":
            records = service.every_consultation(session, principal, query)
            columns = s.CONSULTATION_COLUMNS
            return record_sheet("consultations.xlsx", "法律咨询", columns, READ, records)
        return service.list_consultations(session, principal, query)

    @roles_allowed("advisor")
    @blp.response(201, s.ConsultationRead)
    @blp.alt_response(200, schema=s.ConsultationRead, description="A duplicate: already recorded.")
    @blp.doc(requestBody={"content": {"application/json": {"schema": s.ConsultationCreate}}})
    def post(self):
        """Record a consultation under its client-generated id (safe to retry)."""
        return service.record_one(get_db().session, current_principal(), json_object_body())


@blp.route("/consultations/batch")
class Batch(MethodView):
    @roles_allowed("advisor")
    @blp.arguments(BATCH_REQUEST)
    @blp.response(200, BatchAnswer)
    def post(self, body):
        """Sync up to 500 queued consultations; each item answers for itself."""
        return service.record_batch(get_db().session, current_principal(), body)


@blp.route("/consultations/<uuid:consultation_id>")
class ConsultationById(MethodView):
    @roles_allowed(*READERS)
    @blp.response(200, s.ConsultationRead)
    def get(self, consultation_id):
        """One consultation (the resident masked but for its advisor and admins)."""
        return service.get_consultation(get_db().session, current_principal(), str(consultation_id))

    @roles_allowed("advisor", "admin")
    @blp.arguments(s.ConsultationUpdate)
    @blp.response(200, s.ConsultationRead)
    def put(self, body, consultation_id):
        """Correct a consultation: all its content and the version you read."""
        return service.update_consultation(
            get_db().session, current_principal(), str(consultation_id), body
        )


@blp.route("/consultations/<uuid:consultation_id>/void")
class VoidConsultation(MethodView):
    @roles_allowed("advisor", "admin")
    @blp.arguments(VoidRequest)
    @blp.response(200, s.ConsultationRead)
    def post(self, body, consultation_id):
        """Void a consultation with a reason (never deleted; withdrawn from the figures)."""
        return service.void_consultation(
            get_db().session, current_principal(), str(consultation_id), **body
        )


@blp.route("/consultations/<uuid:consultation_id>/mediation")
class Mediation(MethodView):
    @roles_allowed("advisor", "admin")
    @blp.arguments(s.MediationResult)
    @blp.response(200, s.ConsultationRead)
    def post(self, body, consultation_id):
        """Mark a referral to people's mediation as mediated: success or failure."""
        return service.record_mediation(
            get_db().session, current_principal(), str(consultation_id), **body
        )


@blp.route("/consultations/<uuid:consultation_id>/history")
class History(MethodView):
    @roles_allowed("advisor", "admin")
    @blp.response(200, HistoryEntry(many=True))
    def get(self, consultation_id):
        """Every version of a consultation (the resident stays encrypted in it)."""
        return service.history_of(get_db().session, current_principal(), str(consultation_id))
