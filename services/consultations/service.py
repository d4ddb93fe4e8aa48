"""The consultations rules: who sees which, recording, correcting, voiding, mediation."""

from services.consultations.kinds import CONSULTATION
from services.consultations.models import Consultation
from services.consultations.schemas import REFERRED_TO_MEDIATION
from shared.db import get_or_404, writing
from shared.errors import ApiError
from shared.recording import recorder as shared_recorder
from shared.recording.records import every_record, read_history, record_page
from shared.scopes import scoped_filter


def _recorder(session, principal):
    return shared_recorder.Recorder(session, principal, [CONSULTATION])


def _visible(principal, consultation):
    if principal.role == "advisor":
        return str(principal.scope.get("advisor_id")) == consultation.advisor_id
    return True


def get_consultation(session, principal, consultation_id):
    """One consultation the caller may see, or 404."""
    return get_or_404(
        session,
        Consultation,
        consultation_id,
        "consultation",
        lambda consultation: _visible(principal, consultation),
    )


def list_consultations(session, principal, query):
    """Consultations matching the filters (an advisor: only their own), newest day first."""
    return record_page(session, Consultation, query, _list_filter(principal, query))


def every_consultation(session, principal, query):
    """Every consultation matching the filters (all pages), read a page at a time."""
    return every_record(session, Consultation, query, _list_filter(principal, query))


def _list_filter(principal, query):
    """The list's {column: value} filter; an advisor only ever lists their own."""
    advisor = query.get("advisor")
    if principal.role == "advisor":
        advisor = scoped_filter(principal, "advisor_id", advisor)
    return {
        "village_code": query.get("village"),
        "township_code": query.get("township"),
        "advisor_id": advisor,
        "category": query.get("category"),
        "channel": query.get("channel"),
        "outcome": query.get("outcome"),
        "mediation_result": query.get("mediation_result"),
    }


@writing
def record_one(session, principal, raw):
    """Record one consultation under its client id: (record, 201) new, (record, 200) a
    duplicate, or the error its outcome stands for."""
    return _recorder(session, principal).record_one(CONSULTATION.name, raw)


@writing
def record_batch(session, principal, body):
    """Record a batch of consultations; each item answers for itself."""
    return shared_recorder.record_batch(_recorder(session, principal), body)


@writing
def update_consultation(session, principal, consultation_id, content):
    """Correct a consultation; `version` must be the current one (stale → 409)."""
    return _recorder(session, principal).revise(
        CONSULTATION, lambda: get_consultation(session, principal, consultation_id), content
    )


@writing
def void_consultation(session, principal, consultation_id, *, version, reason):
    """Void a consultation with a reason: kept on record, withdrawn from the figures."""
    consultation = get_consultation(session, principal, consultation_id)
    return _recorder(session, principal).void(
        CONSULTATION, consultation, version=version, reason=reason
    )


@writing
def record_mediation(session, principal, consultation_id, *, version, result, note):
    """Mark a consultation referred to people's mediation as mediated (success, failure)."""
    consultation = get_consultation(session, principal, consultation_id)
    if consultation.outcome != REFERRED_TO_MEDIATION:
        raise ApiError(409, "Only a consultation referred to mediation can be mediated.")
    return _recorder(session, principal).amend(
        CONSULTATION,
        consultation,
        version=version,
        changes={"mediation_result": result},
        action="mediation",
        reason=note or None,
    )


def history_of(session, principal, consultation_id):
    """Every version of a consultation the caller may see (the resident stays encrypted)."""
    get_consultation(session, principal, consultation_id)
    return read_history(session, entity=CONSULTATION.name, record_id=consultation_id)
