"""The activities rules: reading, recording and correcting activities and check-ins."""

import sqlalchemy as sa

from services.activities import recording
from services.activities.models import Activity, CheckIn
from shared.db import get_or_404
from shared.records import record_page


def get_activity(session, principal, activity_id):
    """One activity the caller may see, or 404."""
    return get_or_404(
        session, Activity, activity_id, "activity", lambda activity: _visible(principal, activity)
    )


def _visible(principal, activity):
    if principal.role == "staff":
        return principal.scope.get("township") == activity.township_code
    return True


def update_activity(session, principal, activity_id, content):
    """Correct an activity; `version` must be the current one (stale → 409)."""
    return recording.recorder(session, principal).revise(
        recording.ACTIVITY, lambda: get_activity(session, principal, activity_id), content
    )


def void_activity(session, principal, activity_id, *, version, reason):
    """Void an activity with a reason: it stays on record but adds nothing to the figures."""
    activity = get_activity(session, principal, activity_id)
    return recording.recorder(session, principal).void(
        recording.ACTIVITY, activity, version=version, reason=reason
    )


def list_activities(session, principal, query):
    """Activities matching the filters, newest day first, a page at a time."""
    township = query.get("township")
    if principal.role == "staff":
        township = principal.scope.get("township")
    equal = {
        "township_code": township,
        "village_code": query.get("village"),
        "type": query.get("type"),
        "organiser": query.get("organiser"),
        "audience": query.get("audience"),
    }
    return record_page(session, Activity, query, equal)


def checkins_of(session, principal, activity_id):
    """The check-ins of an activity the caller may see."""
    get_activity(session, principal, activity_id)
    return session.scalars(
        sa.select(CheckIn).where(CheckIn.activity_id == activity_id).order_by(CheckIn.checked_in_at)
    ).all()
