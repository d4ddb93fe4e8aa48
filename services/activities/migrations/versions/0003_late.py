"""Activities say whether they were late: recorded while their month was closed.

Revision ID: activities_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "activities_0003"
down_revision = "activities_0002"


def upgrade():
    op.add_column(
        "activities",
        sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column("activities", "late")
