"""Activities service: 普法 sessions and attendance, logged from township phones."""

from pathlib import Path

from shared.app import create_recording_service

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config=None):
    """Build the activities service app."""
    app, _api = create_recording_service(
        "activities", __name__, config=config, migrations_dir=MIGRATIONS
    )
    return app
