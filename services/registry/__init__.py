"""Registry service: townships, villages, advisors, and who serves which village."""

from pathlib import Path

from shared.app import create_recording_service

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config=None):
    """Build the registry service app."""
    app, _api = create_recording_service(
        "registry", __name__, config=config, migrations_dir=MIGRATIONS
    )
    return app
