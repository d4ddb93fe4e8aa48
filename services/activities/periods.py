"""Reporting periods (calendar months, county time): open ones accept late records; a
closed one refuses them unless an admin granted the township an exception."""

from datetime import UTC

import sqlalchemy as sa

from services.activities.models import ClosedPeriod, PeriodException
from shared.clock import utcnow
from shared.db import writing


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


@writing
def grant_exception(session, principal, *, period, township_code, until, reason):
    """Let one township's staff write records dated in a closed period until a time."""
    grant = PeriodException(
        period=period,
        township_code=township_code,
        reason=reason,
        until=until.astimezone(UTC).replace(tzinfo=None),
        granted_by=principal.subject,
    )
    session.add(grant)
    return grant
