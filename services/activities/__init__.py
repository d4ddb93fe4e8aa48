"""Activities service: 普法 sessions and attendance, logged from township phones."""

from pathlib import Path

from shared.app import create_recording_service

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config=None):
    """Build the activities service app."""
    from services.activities.aggregate import SPEC
    from services.activities.period_views import periods_blp
    from services.activities.views import blp

    app, api = create_recording_service(
        "activities",
        __name__,
        config=config,
        migrations_dir=MIGRATIONS,
        aggregate=SPEC,
        personal_data=True,  # attendees: answers are never cached
    )
    api.register_blueprint(blp)
    api.register_blueprint(periods_blp)
    return app
