"""The consultations table. The resident's data lives only encrypted, in `resident_enc`."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.pii import decrypt_json, encrypt_json


class Base(DeclarativeBase):
    pass


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    digest: Mapped[str]
    version: Mapped[int]
    status: Mapped[str]
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
    recorded_by: Mapped[str]
    recorded_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def resident(self):
        """The resident's data, decrypted (only ever shown to those allowed to see it)."""
        return decrypt_json(self.resident_enc)

    @resident.setter
    def resident(self, data):
        self.resident_enc = encrypt_json(data)
