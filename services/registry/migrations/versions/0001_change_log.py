"""The change log that feeds the rollups.

Revision ID: registry_0001
"""

from alembic import op

from shared.feed import create_change_log_v1

revision = "registry_0001"
down_revision = None


def upgrade():
    create_change_log_v1(op)
