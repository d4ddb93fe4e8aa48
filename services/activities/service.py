"""The activities rules: reading, recording and correcting activities and check-ins."""

import sqlalchemy as sa

from services.activities import reach, recording
from services.activities.models import Activity, CheckIn
from services.activities.schemas import may_see_personal
from shared import registry_client
from shared.db import get_or_404, writing
from shared.masking import mask_text
from shared.recording import recorder as shared_recorder
from shared.recording.records import every_record, read_history, record_page
from shared.scopes import scoped_filter

COUNTY_NAME = "全县"


def get_activity(session, principal, activity_id):
    """One activity the caller may see, or 404."""
    return get_or_404(
        session, Activity, activity_id, "activity", lambda activity: _visible(principal, activity)
    )


def _visible(principal, activity):
    if principal.role == "staff":
        return principal.scope.get("township") == activity.township_code
    return True


@writing
def record_one(session, principal, kind_name, raw):
    """Record one activity or check-in under its client id: (record, 201) new, (record,
    200) a duplicate, or the error its outcome stands for."""
    return recording.recorder(session, principal).record_one(kind_name, raw)


@writing
def record_batch(session, principal, body):
    """Record a batch of activities and check-ins; each item answers for itself."""
    return shared_recorder.record_batch(recording.recorder(session, principal), body)


@writing
def update_activity(session, principal, activity_id, content):
    """Correct an activity; `version` must be the current one (stale → 409)."""
    return recording.recorder(session, principal).revise(
        recording.ACTIVITY, lambda: get_activity(session, principal, activity_id), content
    )


@writing
def void_activity(session, principal, activity_id, *, version, reason):
    """Void an activity with a reason: it stays on record but adds nothing to the figures."""
    activity = get_activity(session, principal, activity_id)
    return recording.recorder(session, principal).void(
        recording.ACTIVITY, activity, version=version, reason=reason
    )


def list_activities(session, principal, query):
    """Activities matching the filters, newest day first, a page at a time."""
    return record_page(session, Activity, query, _list_filter(principal, query))


def every_activity(session, principal, query):
    """Every activity matching the filters (all pages), newest day first, read a page at
    a time."""
    return every_record(session, Activity, query, _list_filter(principal, query))


def _list_filter(principal, query):
    """The list's {column: value} filter; staff only ever list their own township."""
    township = query.get("township")
    if principal.role == "staff":
        township = scoped_filter(principal, "township", township)
    return {
        "township_code": township,
        "village_code": query.get("village"),
        "type": query.get("type"),
        "organiser": query.get("organiser"),
        "audience": query.get("audience"),
        "late": query.get("late"),
    }


def reach_of(session, principal, year, township_code=None):
    """Unique reach (人数) of a year's activities in a township or the county, beside the
    check-ins it is counted from; staff only of their own township."""
    if principal.role == "staff":
        township_code = scoped_filter(principal, "township", township_code)
    counted = reach.reach(session, year, township_code)
    name = registry_client.name_of("township", township_code) if township_code else COUNTY_NAME
    return {
        "year": year,
        "township_code": township_code,
        "township_name": name,
        **counted,
        "counts": reach.COUNTS,
    }


def checkins_of(session, principal, activity_id):
    """The check-ins of an activity the caller may see."""
    get_activity(session, principal, activity_id)
    return session.scalars(
        sa.select(CheckIn).where(CheckIn.activity_id == activity_id).order_by(CheckIn.checked_in_at)
    ).all()


def history_of(session, principal, activity_id):
    """Every version of an activity the caller may see, oldest first (its notes masked for
    those who may not see personal data)."""
    activity = get_activity(session, principal, activity_id)
    history = read_history(session, entity=recording.ACTIVITY.name, record_id=activity_id)
    if not may_see_personal(principal, activity):
        for entry in history:
            entry["data"]["notes"] = mask_text(entry["data"].get("notes"))
    return history
