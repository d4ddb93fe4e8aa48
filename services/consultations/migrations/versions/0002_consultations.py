"""Consultations (the resident's data encrypted in one column) and record history.

Revision ID: consultations_0002
"""

import sqlalchemy as sa
from alembic import op

from shared.recording.records import create_record_history_v1

revision = "consultations_0002"
down_revision = "consultations_0001"


def upgrade():
    op.create_table(
        "consultations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("advisor_id", sa.String(20), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("township_code", sa.String(9), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("advice", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("follow_up_on", sa.Date),
        sa.Column("mediation_result", sa.String(10)),
        sa.Column("resident_enc", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_consultations_day", "consultations", ["day", "id"])
    op.create_index("ix_consultations_advisor", "consultations", ["advisor_id", "day"])
    create_record_history_v1(op)
