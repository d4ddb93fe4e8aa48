"""Published figures: a year's summary frozen at a moment, each publication a version.

Revision ID: stats_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "stats_0001"
down_revision = None


def upgrade():
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.String(4), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("published_at", sa.DateTime, nullable=False),
        sa.Column("published_by", sa.String(64), nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
        sa.Column("as_of", sa.JSON, nullable=False),
        sa.UniqueConstraint("year", "version", name="uq_publication_version"),
    )


def downgrade():
    op.drop_table("publications")
