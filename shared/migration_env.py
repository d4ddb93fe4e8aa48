"""The body of every service's Alembic env.py: run migrations on the connection given."""

from alembic import context


def run_migrations(target_metadata=None):
    """Run the migrations online, on the connection the caller put in the config."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrations run only through shared.db.upgrade_schema")
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
