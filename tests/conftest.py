"""Fixtures: a real Redis for the session, tokens, and apps on the Flask test client."""

import os

import pytest

from shared import registry_client
from shared.auth import issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY
from tests.support.accounts import run_flask_command
from tests.support.apps import migrated
from tests.support.processes import RedisServer, ServiceProcess, component_env, migrate

# The production topology (nginx, replicas, PostgreSQL, Redis) has its own target,
# `make test-production`, which sets this; `make test` leaves it out.
collect_ignore = [] if os.environ.get("PUFA_TEST_PRODUCTION") == "1" else ["production"]

SIGNING_KEY = DEMO_TOKEN_SIGNING_KEY


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """The bundled redis-server, started once for the session on a free port."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """A Redis URL on an empty database, flushed before and after the test."""
    redis_server.client.flushall()
    yield redis_server.url
    redis_server.client.flushall()


@pytest.fixture
def make_token():
    """Mint an access token signed with the key the apps under test use."""

    def mint(role="admin", subject="tester", scope=None, **kwargs):
        return issue_token(SIGNING_KEY, subject=subject, role=role, scope=scope, **kwargs)

    return mint


@pytest.fixture
def auth_header(make_token):
    """Build an Authorization header for a role."""

    def header(role="admin", **kwargs):
        return {"Authorization": f"Bearer {make_token(role, **kwargs)}"}

    return header


@pytest.fixture(scope="session")
def registry_service(tmp_path_factory, redis_server):
    """A real registry process loaded with the Moyu registry, for services that ask it."""
    var_dir = tmp_path_factory.mktemp("registry-service")
    env = component_env(var_dir, redis_server.url)
    migrate("registry", env)
    run_flask_command(env, "services.registry:create_app", "registry", "load-moyu")
    process = ServiceProcess("registry", env=env, var_dir=var_dir).wait_ready()
    registry_client.forget_cache()
    yield process
    process.stop()


@pytest.fixture
def app_asking_registry(tmp_path, redis_url, registry_service):
    """Build a recording service's app on a fresh SQLite file that asks the real registry
    (or, given `registry_url`, another address: a dead one to test outages)."""

    def build(create_app, name, registry_url=None):
        registry_client.forget_cache()
        return migrated(
            create_app(
                {
                    "DATABASE_URL": f"sqlite:///{tmp_path / name}.db",
                    "REDIS_URL": redis_url,
                    "SERVICE_URLS": {"registry": registry_url or registry_service.url},
                }
            )
        )

    yield build
    registry_client.forget_cache()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when an answer carried a message with no Chinese (shared/messages.py):
    every message a client may show must be in the caller's language."""
    from shared.messages import UNTRANSLATED

    if UNTRANSLATED:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"{len(UNTRANSLATED)} message(s) answered with no Chinese:", red=True)
        for text in sorted(UNTRANSLATED):
            reporter.write_line(f"  {text}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
