"""Activities, check-ins, closed reporting periods and their exceptions, record history.

Revision ID: activities_0002
"""

import sqlalchemy as sa
from alembic import op

from shared.recording.records import create_record_history_v1

revision = "activities_0002"
down_revision = "activities_0001"


def upgrade():
    op.create_table(
        "activities",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("organiser", sa.String(20), nullable=False),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.Column("township_code", sa.String(9), nullable=False),
        sa.Column("village_code", sa.String(12)),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("ends_at", sa.DateTime, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("headcount", sa.Integer, nullable=False),
        sa.Column("online_reach", sa.Integer, nullable=False),
        sa.Column("checkins", sa.Integer, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("client_recorded_at", sa.DateTime),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_activities_day", "activities", ["day", "id"])
    op.create_index("ix_activities_township", "activities", ["township_code", "day"])
    op.create_table(
        "checkins",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("activity_id", sa.String(36), sa.ForeignKey("activities.id"), nullable=False),
        sa.Column("attendee_key", sa.String(64), nullable=False),
        sa.Column("attendee_name", sa.String(100), nullable=False),
        sa.Column("checked_in_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("activity_id", "attendee_key", name="uq_checkin_person"),
    )
    op.create_table(
        "closed_periods",
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("closed_by", sa.String(64), nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "period_exceptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("township_code", sa.String(9), nullable=False),
        sa.Column("until", sa.DateTime, nullable=False),
        sa.Column("granted_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    create_record_history_v1(op)
