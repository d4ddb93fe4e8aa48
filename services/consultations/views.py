"""The consultations routes: record (one or a batch), correct, void, mark mediation, read."""

from flask import request
from flask.views import MethodView

from services.consultations import schemas as s
from services.consultations.kinds import CONSULTATION
from services.consultations.models import Consultation
from shared.auth import current_principal
from shared.blueprint import Blueprint
from shared.db import get_db, get_or_404
from shared.errors import ApiError
from shared.grouped_writes import record_batch
from shared.record_schemas import BatchAnswer, HistoryEntry, VoidRequest, batch_request_schema
from shared.recording import Recorder
from shared.records import read_history, record_page
from shared.scopes import roles_allowed

blp = Blueprint("consultations", __name__, description="Legal consultations by village advisors.")
READERS = ("admin", "leader", "advisor", "service")
BATCH_REQUEST = batch_request_schema(["consultation"])


def _recorder():
    return Recorder(get_db().session, current_principal(), [CONSULTATION])


def _visible(principal, consultation):
    if principal.role == "advisor":
        return str(principal.scope.get("advisor_id")) == consultation.advisor_id
    return True


def get_consultation(consultation_id):
    """One consultation the caller may see, or 404."""
    return get_or_404(
        get_db().session,
        Consultation,
        consultation_id,
        "consultation",
        lambda consultation: _visible(current_principal(), consultation),
    )


@blp.route("/consultations")
class Consultations(MethodView):
    @roles_allowed(*READERS)
    @blp.arguments(s.ConsultationQuery, location="query")
    @blp.response(200, s.ConsultationPage)
    def get(self, query):
        """Consultations by village, township, advisor, category, channel, outcome, dates."""
        principal = current_principal()
        advisor = query.get("advisor")
        if principal.role == "advisor":
            advisor = str(principal.scope.get("advisor_id"))
        equal = {
            "village_code": query.get("village"),
            "township_code": query.get("township"),
            "advisor_id": advisor,
            "category": query.get("category"),
            "channel": query.get("channel"),
            "outcome": query.get("outcome"),
            "mediation_result": query.get("mediation_result"),
        }
        return record_page(get_db().session, Consultation, query, equal)

    @roles_allowed("advisor")
    @blp.response(201, s.ConsultationRead)
    @blp.alt_response(200, schema=s.ConsultationRead, description="A duplicate: already recorded.")
    @blp.doc(requestBody={"content": {"application/json": {"schema": s.ConsultationCreate}}})
    def post(self):
        """Record a consultation under its client-generated id (safe to retry)."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "Send a JSON object.")
        return _recorder().record_one("consultation", body)


@blp.route("/consultations/batch")
class Batch(MethodView):
    @roles_allowed("advisor")
    @blp.arguments(BATCH_REQUEST)
    @blp.response(200, BatchAnswer)
    def post(self, body):
        """Sync up to 500 queued consultations; each item answers for itself."""
        return record_batch(_recorder(), body)


@blp.route("/consultations/<uuid:consultation_id>")
class ConsultationById(MethodView):
    @roles_allowed(*READERS)
    @blp.response(200, s.ConsultationRead)
    def get(self, consultation_id):
        """One consultation (the resident masked but for its advisor and admins)."""
        return get_consultation(str(consultation_id))

    @roles_allowed("advisor", "admin")
    @blp.arguments(s.ConsultationUpdate)
    @blp.response(200, s.ConsultationRead)
    def put(self, body, consultation_id):
        """Correct a consultation: all its content and the version you read."""
        consultation = _recorder().revise(
            CONSULTATION, lambda: get_consultation(str(consultation_id)), body
        )
        get_db().session.commit()
        return consultation


@blp.route("/consultations/<uuid:consultation_id>/void")
class VoidConsultation(MethodView):
    @roles_allowed("advisor", "admin")
    @blp.arguments(VoidRequest)
    @blp.response(200, s.ConsultationRead)
    def post(self, body, consultation_id):
        """Void a consultation with a reason (never deleted; withdrawn from the figures)."""
        consultation = get_consultation(str(consultation_id))
        _recorder().void(CONSULTATION, consultation, **body)
        get_db().session.commit()
        return consultation


@blp.route("/consultations/<uuid:consultation_id>/mediation")
class Mediation(MethodView):
    @roles_allowed("advisor", "admin")
    @blp.arguments(s.MediationResult)
    @blp.response(200, s.ConsultationRead)
    def post(self, body, consultation_id):
        """Mark a referral to people's mediation as mediated: success or failure."""
        consultation = get_consultation(str(consultation_id))
        if consultation.outcome != s.REFERRED_TO_MEDIATION:
            raise ApiError(409, "Only a consultation referred to mediation can be mediated.")
        _recorder().amend(
            CONSULTATION,
            consultation,
            version=body["version"],
            changes={"mediation_result": body["result"]},
            action="mediation",
            reason=body["note"] or None,
        )
        get_db().session.commit()
        return consultation


@blp.route("/consultations/<uuid:consultation_id>/history")
class History(MethodView):
    @roles_allowed("advisor", "admin")
    @blp.response(200, HistoryEntry(many=True))
    def get(self, consultation_id):
        """Every version of a consultation (the resident stays encrypted in it)."""
        get_consultation(str(consultation_id))
        return read_history(
            get_db().session, entity=CONSULTATION.name, record_id=str(consultation_id)
        )
