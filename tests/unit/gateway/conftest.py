"""The gateway on the Flask test client, with its own database and the real Redis."""

import pytest

from gateway import create_app
from gateway.accounts import service
from shared.db import get_db
from tests.support.apps import close_redis, migrated

PASSWORD = "correct-horse-battery"


@pytest.fixture
def gateway_app(tmp_path, redis_url):
    """A gateway on a fresh database; services are not running (none is needed here)."""
    config = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "REDIS_URL": redis_url,
        "ACCESS_TOKEN_TTL": 60,
    }
    app = migrated(create_app(config))
    yield app
    close_redis(app)


@pytest.fixture
def gw(gateway_app):
    """The gateway's test client."""
    return gateway_app.test_client()


@pytest.fixture
def make_account(gateway_app):
    """Create an account directly through the service layer; return its id."""

    def create(username, role="staff", scope=None, password=PASSWORD):
        if scope is None:
            scope = {"township": "653222100"} if role == "staff" else {}
        with gateway_app.app_context():
            session = get_db().session
            account = service.create_account(
                session, username=username, password=password, role=role, scope=scope
            )
            session.commit()
            return account.id

    return create


@pytest.fixture
def login(gw):
    """Log in with the password grant through the test client."""

    def post(username, password=PASSWORD, **extra):
        body = {"grant_type": "password", "username": username, "password": password}
        return gw.post("/api/v1/auth/token", json=body, **extra)

    return post
