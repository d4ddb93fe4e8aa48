"""Apps under the Flask test client, each on its own SQLite file and the real Redis."""

import pytest

from services.registry import create_app as create_registry
from tests.support.apps import migrated


@pytest.fixture
def app(tmp_path, redis_url):
    """A recording service (the registry) on a fresh database."""
    return migrated(
        create_registry(
            {"DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}", "REDIS_URL": redis_url}
        )
    )


@pytest.fixture
def client(app):
    """The test client of that app."""
    return app.test_client()
