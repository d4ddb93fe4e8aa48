"""The consultations table. The resident's data lives only encrypted, in `resident_enc`."""

from datetime import date, datetime

from sqlalchemy.orm import DeclarativeBase, Mapped

from shared.pii import encrypted
from shared.recording.records import VersionedRecord


class Base(DeclarativeBase):
    pass


class Consultation(VersionedRecord, Base):
    __tablename__ = "consultations"

    advisor_id: Mapped[str]
    village_code: Mapped[str]
    township_code: Mapped[str]
    occurred_at: Mapped[datetime]
    day: Mapped[date]
    channel: Mapped[str]
    category: Mapped[str]
    question: Mapped[str]
    advice: Mapped[str]
    outcome: Mapped[str]
    follow_up_on: Mapped[date | None]
    mediation_result: Mapped[str | None]
    resident_enc: Mapped[str]

    resident = encrypted(
        "resident_enc", "The resident's data (only ever shown to those allowed to see it)."
    )
