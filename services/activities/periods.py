"""Reporting periods (calendar months, county time): open ones accept late records; a
closed one refuses them unless an admin granted the township an exception."""

from datetime import UTC

import sqlalchemy as sa

from services.activities.models import ClosedPeriod, PeriodException
from shared import registry_client
from shared.clock import utcnow
from shared.db import writing
from shared.errors import ApiError


def period_of(day):
    """The reporting period (YYYY-MM) a day belongs to."""
    return f"{day.year:04d}-{day.month:02d}"


class PeriodGate:
    """Which periods are closed, read once per request; exceptions only when one is."""

    def __init__(self, session):
        self.session = session
        self.closed = set(session.scalars(sa.select(ClosedPeriod.period)))
        self._exceptions = None

    def _excepted(self, period, township_code):
        if self._exceptions is None:
            rows = self.session.execute(
                sa.select(PeriodException.period, PeriodException.township_code).where(
                    PeriodException.until > utcnow()
                )
            )
            self._exceptions = set(rows.all())
        return (period, township_code) in self._exceptions

    def refusal(self, principal, township_code, day):
        """Why a record for this township and day may not be written now, or None."""
        period = period_of(day)
        if period not in self.closed or principal.role == "admin":
            return None
        if self._excepted(period, township_code):
            return None
        return (
            f"The reporting period {period} is closed; records dated in it need an "
            "exception granted by an admin."
        )


@writing
def close_period(session, principal, period):
    """Close a reporting period (idempotent)."""
    if session.get(ClosedPeriod, period) is None:
        session.add(ClosedPeriod(period=period, closed_by=principal.subject, closed_at=utcnow()))
    return {"period": period, "closed": True}


@writing
def reopen_period(session, period):
    """Open a closed period again."""
    session.execute(sa.delete(ClosedPeriod).where(ClosedPeriod.period == period))
    return {"period": period, "closed": False}


def list_periods(session):
    """The closed periods, newest first, and the exceptions still open (until later than
    now), soonest to end first."""
    closed = session.scalars(sa.select(ClosedPeriod).order_by(ClosedPeriod.period.desc())).all()
    exceptions = session.scalars(
        sa.select(PeriodException)
        .where(PeriodException.until > utcnow())
        .order_by(PeriodException.until, PeriodException.id)
    ).all()
    return {"closed": closed, "exceptions": exceptions}


def grant_exception(session, principal, *, period, township_code, until, reason):
    """Let one township's staff write records dated in a closed period until a time: the
    township must be in the registry (asked before the write begins) and the time ahead."""
    if township_code not in set(registry_client.village_townships().values()):
        raise ApiError(
            422,
            "No such township in the registry.",
            fields={"township_code": ["No such township in the registry."]},
        )
    if until.astimezone(UTC).replace(tzinfo=None) <= utcnow():
        raise ApiError(422, "The exception would end before it begins.",
                       fields={"until": ["Must be later than now."]})  # fmt: skip
    return _store_exception(session, principal, period, township_code, until, reason)


@writing
def _store_exception(session, principal, period, township_code, until, reason):
    grant = PeriodException(
        period=period,
        township_code=township_code,
        reason=reason,
        until=until.astimezone(UTC).replace(tzinfo=None),
        granted_by=principal.subject,
    )
    session.add(grant)
    return grant
