"""Registry service: townships, villages, advisors, and who serves which village."""

from pathlib import Path

from shared.app import create_recording_service

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config=None):
    """Build the registry service app."""
    from services.registry.cli import registry_cli
    from services.registry.transfer_views import transfer_blp
    from services.registry.views import blp

    app, api = create_recording_service(
        "registry", __name__, config=config, migrations_dir=MIGRATIONS
    )
    api.register_blueprint(blp)
    api.register_blueprint(transfer_blp)
    app.cli.add_command(registry_cli)
    return app
