"""Who serves which village, and since when: at most one advisor per village on any day.

Assigning a new advisor closes the village's open-ended assignment the day before the new
one starts. Any other overlap is a 409 that names the clash: history is never rewritten
silently. Every change is appended to the change feed in the same transaction.
"""

from datetime import timedelta

import sqlalchemy as sa

from services.registry.models import Advisor, Assignment, Village
from services.registry.writes import registry_write
from shared.db import get_or_404
from shared.errors import ApiError
from shared.feed import append_change


def record_change(session, assignment, action, township_code):
    """Append an assignment's change to the feed: what coverage rollups need, no contacts."""
    append_change(
        session,
        entity="assignment",
        entity_id=assignment.id,
        action=action,
        payload={
            "assignment_id": assignment.id,
            "village_code": assignment.village_code,
            "township_code": township_code,
            "advisor_id": assignment.advisor_id,
            "valid_from": assignment.valid_from.isoformat(),
            "valid_to": assignment.valid_to.isoformat() if assignment.valid_to else None,
        },
    )


def _overlaps(assignment, valid_from, valid_to):
    ends_before = valid_to is not None and valid_to < assignment.valid_from
    starts_after = assignment.valid_to is not None and valid_from > assignment.valid_to
    return not (ends_before or starts_after)


def _describe(session, assignment, village):
    end = assignment.valid_to.isoformat() if assignment.valid_to else "open-ended"
    advisor = session.get(Advisor, assignment.advisor_id)
    return (
        f"village {village.code} ({village.name}) is served by advisor {advisor.id} "
        f"({advisor.name}) from {assignment.valid_from.isoformat()} to {end} "
        f"(assignment {assignment.id})"
    )


def _referenced(session, village_code, advisor_id):
    village = session.get(Village, village_code)
    advisor = session.get(Advisor, advisor_id)
    fields = {}
    if village is None:
        fields["village_code"] = [f"There is no village {village_code}."]
    if advisor is None:
        fields["advisor_id"] = [f"There is no advisor {advisor_id}."]
    elif not advisor.active:
        fields["advisor_id"] = [f"Advisor {advisor_id} is not active."]
    if fields:
        raise ApiError(422, "The assignment names something that does not exist.", fields=fields)
    return village


@registry_write
def assign(session, *, village_code, advisor_id, valid_from, valid_to=None):
    """Assign an advisor to a village from a date; return (new assignment, closed or None)."""
    village = _referenced(session, village_code, advisor_id)
    if valid_to is not None and valid_to < valid_from:
        raise ApiError(
            422, "The end is before the start.", fields={"valid_to": ["Before valid_from."]}
        )
    history = session.scalars(
        sa.select(Assignment).where(Assignment.village_code == village_code)
    ).all()
    clashes = [a for a in history if _overlaps(a, valid_from, valid_to)]
    closable = [a for a in clashes if a.valid_to is None and a.valid_from < valid_from]
    refused = [a for a in clashes if a not in closable]
    if closable and closable[0].advisor_id == advisor_id:
        refused = closable
    if refused:
        clashes = "; ".join(_describe(session, a, village) for a in refused)
        raise ApiError(409, f"The assignment clashes: {clashes}.")
    closed = None
    if closable:
        closed = closable[0]
        closed.valid_to = valid_from - timedelta(days=1)
        record_change(session, closed, "end", village.township_code)
    assignment = Assignment(
        village_code=village_code, advisor_id=advisor_id, valid_from=valid_from, valid_to=valid_to
    )
    session.add(assignment)
    session.flush()
    record_change(session, assignment, "create", village.township_code)
    return assignment, closed


@registry_write
def end(session, *, assignment_id, valid_to):
    """End an open-ended assignment on a date (inclusive)."""
    assignment = get_or_404(session, Assignment, assignment_id, "assignment")
    if assignment.valid_to is not None:
        raise ApiError(409, f"Assignment {assignment_id} already ended on {assignment.valid_to}.")
    if valid_to < assignment.valid_from:
        raise ApiError(
            422, "The end is before the start.", fields={"valid_to": ["Before valid_from."]}
        )
    assignment.valid_to = valid_to
    village = session.get(Village, assignment.village_code)
    record_change(session, assignment, "end", village.township_code)
    return assignment


def history(session, *, village_code=None, advisor_id=None):
    """Assignments, oldest first, of a village and/or an advisor."""
    query = sa.select(Assignment).order_by(Assignment.valid_from, Assignment.id)
    if village_code is not None:
        query = query.where(Assignment.village_code == village_code)
    if advisor_id is not None:
        query = query.where(Assignment.advisor_id == advisor_id)
    return session.scalars(query).all()
