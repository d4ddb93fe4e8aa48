"""Consultations service: the legal advice village advisors give residents."""

from pathlib import Path

from shared.app import create_recording_service

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config=None):
    """Build the consultations service app."""
    from services.consultations.aggregate import SPEC
    from services.consultations.views import blp

    app, api = create_recording_service(
        "consultations",
        __name__,
        config=config,
        migrations_dir=MIGRATIONS,
        aggregate=SPEC,
        personal_data=True,  # residents: answers are never cached
    )
    api.register_blueprint(blp)
    return app
