"""Reading and correcting activities: update with a version, void with a reason, history."""

from datetime import date

import sqlalchemy as sa

from services.activities import recording
from services.activities.models import ACTIVE, Activity, CheckIn
from shared.errors import ApiError
from shared.records import decode_cursor, encode_cursor


def get_activity(session, principal, activity_id):
    """One activity the caller may see, or 404."""
    activity = session.get(Activity, activity_id)
    if activity is None or not _visible(principal, activity):
        raise ApiError(404, f"There is no activity {activity_id}.")
    return activity


def _visible(principal, activity):
    if principal.role == "staff":
        return principal.scope.get("township") == activity.township_code
    return True


def update_activity(session, principal, activity_id, content):
    """Correct an activity; `version` must be the current one (stale → 409)."""
    activity = get_activity(session, principal, activity_id)
    return recording.recorder(session, principal).revise(recording.ACTIVITY, activity, content)


def void_activity(session, principal, activity_id, *, version, reason):
    """Void an activity with a reason: it stays on record but adds nothing to the figures."""
    activity = get_activity(session, principal, activity_id)
    return recording.recorder(session, principal).void(
        recording.ACTIVITY, activity, version=version, reason=reason
    )


def list_activities(session, principal, query):
    """Activities matching the filters, newest day first, a page at a time."""
    statement = sa.select(Activity).order_by(Activity.day.desc(), Activity.id.desc())
    township = query.get("township")
    if principal.role == "staff":
        township = principal.scope.get("township")
    filters = {
        "township_code": township,
        "village_code": query.get("village"),
        "type": query.get("type"),
        "organiser": query.get("organiser"),
        "audience": query.get("audience"),
    }
    for column, value in filters.items():
        if value is not None:
            statement = statement.where(getattr(Activity, column) == value)
    if query.get("date_from"):
        statement = statement.where(Activity.day >= query["date_from"])
    if query.get("date_to"):
        statement = statement.where(Activity.day <= query["date_to"])
    if not query.get("include_void"):
        statement = statement.where(Activity.status == ACTIVE)
    if query.get("cursor"):
        day, last_id = _cursor_values(query["cursor"])
        statement = statement.where(
            sa.or_(Activity.day < day, sa.and_(Activity.day == day, Activity.id < last_id))
        )
    rows = session.scalars(statement.limit(query["limit"] + 1)).all()
    page = rows[: query["limit"]]
    more = len(rows) > query["limit"]
    cursor = encode_cursor(page[-1].day.isoformat(), page[-1].id) if more else None
    return {"items": page, "next_cursor": cursor}


def _cursor_values(cursor):
    values = decode_cursor(cursor)
    try:
        return date.fromisoformat(values[0]), str(values[1])
    except (ValueError, IndexError, TypeError):
        raise ApiError(422, "The cursor is not valid.", fields={"cursor": ["Not valid."]}) from None


def checkins_of(session, principal, activity_id):
    """The check-ins of an activity the caller may see."""
    get_activity(session, principal, activity_id)
    return session.scalars(
        sa.select(CheckIn).where(CheckIn.activity_id == activity_id).order_by(CheckIn.checked_in_at)
    ).all()
