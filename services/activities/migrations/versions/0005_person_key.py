"""Check-ins keep a keyed fingerprint of the person's reference across activities, for
unique reach (人数); none for a check-in made without a reference.

Revision ID: activities_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "activities_0005"
down_revision = "activities_0004"


def upgrade():
    op.add_column("checkins", sa.Column("person_key", sa.String(64), nullable=True))


def downgrade():
    op.drop_column("checkins", "person_key")
