"""The registry's tables (the schema itself is made by migrations/)."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

VILLAGE_KINDS = ("village", "community")
TOWNSHIP_KINDS = ("town", "township")


class Base(DeclarativeBase):
    pass


class Township(Base):
    __tablename__ = "townships"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))


class Village(Base):
    __tablename__ = "villages"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(10))
    township_code: Mapped[str] = mapped_column(sa.ForeignKey("townships.code"))
    placeholder_name: Mapped[bool] = mapped_column(default=False)
    township: Mapped[Township] = relationship(lazy="joined")


class Advisor(Base):
    __tablename__ = "advisors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str] = mapped_column(sa.String(20))
    law_firm: Mapped[str] = mapped_column(sa.String(100))
    licence_no: Mapped[str] = mapped_column(sa.String(17), unique=True)
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_code: Mapped[str] = mapped_column(sa.ForeignKey("villages.code"))
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisors.id"))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(
        default=lambda: datetime.now(UTC).replace(tzinfo=None)
    )

    def covers(self, day):
        """Whether the assignment is in force on `day` (both ends inclusive)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def in_force_on(day):
    """SQL condition: an assignment in force on `day`."""
    return in_force_between(day, day)


def in_force_between(first_day, last_day):
    """SQL condition: an assignment in force on some day from `first_day` to `last_day`."""
    return sa.and_(
        Assignment.valid_from <= last_day,
        sa.or_(Assignment.valid_to.is_(None), Assignment.valid_to >= first_day),
    )
