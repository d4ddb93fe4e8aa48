"""Check-in attendees' names are stored encrypted (as consultations keep residents), and
check-ins are fingerprinted with the key, so neither names anyone.

Revision ID: activities_0004
"""

import sqlalchemy as sa
from alembic import op

from shared.pii import encrypt_json, keyed_digest

revision = "activities_0004"
down_revision = "activities_0003"

CHECKINS = sa.table(
    "checkins",
    sa.column("id", sa.String),
    sa.column("activity_id", sa.String),
    sa.column("attendee_key", sa.String),
    sa.column("attendee_name", sa.String),
    sa.column("attendee_name_enc", sa.Text),
    sa.column("checked_in_at", sa.DateTime),
    sa.column("digest", sa.String),
)


def upgrade():
    op.add_column("checkins", sa.Column("attendee_name_enc", sa.Text, nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            CHECKINS.c.id,
            CHECKINS.c.activity_id,
            CHECKINS.c.attendee_key,
            CHECKINS.c.attendee_name,
            CHECKINS.c.checked_in_at,
        )
    ).all()
    for row in rows:
        # The values a check-in's fingerprint is made of (CheckInKind.values), now keyed.
        values = {
            "activity_id": row.activity_id,
            "attendee_name": row.attendee_name,
            "attendee_key": row.attendee_key,
            "checked_in_at": row.checked_in_at,
        }
        connection.execute(
            sa.update(CHECKINS)
            .where(CHECKINS.c.id == row.id)
            .values(attendee_name_enc=encrypt_json(row.attendee_name), digest=keyed_digest(values))
        )
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("attendee_name")
        batch.alter_column("attendee_name_enc", existing_type=sa.Text, nullable=False)


def downgrade():
    raise NotImplementedError("the names stay encrypted: restore a backup to go back")
