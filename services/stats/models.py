"""The stats service's one table of its own: published figures (the schema itself is made
by migrations/). Everything else it holds is in Redis and can be rebuilt from the feeds; a
publication cannot, so it lives in a database."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Publication(Base):
    """A year's summary as it stood when an admin published it: frozen, never changed; a
    new publication of the year is a new version beside it."""

    __tablename__ = "publications"
    __table_args__ = (sa.UniqueConstraint("year", "version", name="uq_publication_version"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    year: Mapped[str] = mapped_column(sa.String(4))
    version: Mapped[int]
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(sa.String(64))
    figures: Mapped[dict] = mapped_column(sa.JSON)  # the year summary, as answered then
    as_of: Mapped[dict] = mapped_column(sa.JSON)  # each feed's sequence applied then
