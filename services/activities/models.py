"""The activities service's tables (the schema itself is made by migrations/)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.pii import encrypted
from shared.recording.records import VersionedRecord


class Base(DeclarativeBase):
    pass


class Activity(VersionedRecord, Base):
    __tablename__ = "activities"

    type: Mapped[str]
    title: Mapped[str]
    organiser: Mapped[str]
    audience: Mapped[str]
    township_code: Mapped[str]
    village_code: Mapped[str | None]
    venue: Mapped[str]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    day: Mapped[date]
    headcount: Mapped[int]
    online_reach: Mapped[int]
    checkins: Mapped[int]
    languages: Mapped[list] = mapped_column(sa.JSON)
    notes: Mapped[str]
    client_recorded_at: Mapped[datetime | None]
    # Recorded while its month was closed (by an exception, or by an admin): it arrived
    # after the month's figures may have been reported.
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class CheckIn(Base):
    __tablename__ = "checkins"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    digest: Mapped[str]
    activity_id: Mapped[str] = mapped_column(sa.ForeignKey("activities.id"))
    attendee_key: Mapped[str]
    # The same person across activities (unique reach, 人数): a keyed fingerprint of the
    # attendee's reference; None for a check-in made without one. Never leaves the service.
    person_key: Mapped[str | None]
    attendee_name_enc: Mapped[str]  # the attendee's name, only ever stored encrypted
    checked_in_at: Mapped[datetime]
    recorded_by: Mapped[str]
    recorded_at: Mapped[datetime]

    attendee_name = encrypted(
        "attendee_name_enc", "The attendee's name (shown masked to those who may not see it)."
    )


class ClosedPeriod(Base):
    __tablename__ = "closed_periods"

    period: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    closed_by: Mapped[str]
    closed_at: Mapped[datetime]


class PeriodException(Base):
    __tablename__ = "period_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str]
    township_code: Mapped[str]
    until: Mapped[datetime]
    granted_by: Mapped[str]
    reason: Mapped[str]
