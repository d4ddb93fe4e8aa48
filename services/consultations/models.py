"""The consultations table. The resident's data lives only encrypted, in `resident_enc`."""

from datetime import date, datetime

from sqlalchemy.orm import DeclarativeBase, Mapped

from services.consultations.pii import decrypt_json, encrypt_json
from shared.records import VersionedRecord


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

    @property
    def resident(self):
        """The resident's data, decrypted (only ever shown to those allowed to see it)."""
        return decrypt_json(self.resident_enc)

    @resident.setter
    def resident(self, data):
        self.resident_enc = encrypt_json(data)
