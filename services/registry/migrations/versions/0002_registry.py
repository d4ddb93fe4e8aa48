"""Townships, villages, advisors and effective-dated assignments.

Revision ID: registry_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0002"
down_revision = "registry_0001"


def upgrade():
    op.create_table(
        "townships",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
        sa.Column("kind", sa.String(10), nullable=False),
    )
    op.create_table(
        "villages",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("township_code", sa.String(12), sa.ForeignKey("townships.code"), nullable=False),
        sa.Column("placeholder_name", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_villages_township", "villages", ["township_code"])
    op.create_table(
        "advisors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("law_firm", sa.String(100), nullable=False),
        sa.Column("licence_no", sa.String(17), nullable=False, unique=True),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("village_code", sa.String(12), sa.ForeignKey("villages.code"), nullable=False),
        sa.Column("advisor_id", sa.Integer, sa.ForeignKey("advisors.id"), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_assignments_village", "assignments", ["village_code", "valid_from"])
    op.create_index("ix_assignments_advisor", "assignments", ["advisor_id", "valid_from"])
