"""An account's token generation and its last login.

Revision ID: gateway_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "gateway_0002"
down_revision = "gateway_0001"


def upgrade():
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("token_generation", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_login_at", sa.DateTime, nullable=True))


def downgrade():
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("last_login_at")
        batch.drop_column("token_generation")
