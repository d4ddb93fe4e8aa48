"""Real processes: every service and the gateway under gunicorn, on free ports."""

import pytest

from tests.support.accounts import Logins, run_flask_command
from tests.support.processes import start_components, wire


def start_system(var_dir, redis_url, names, **settings):
    """Start the named components, wired to each other and to Redis; short HTTP timeouts.

    Returns (processes by name, the environment they run with).
    """
    settings = {
        "HTTP_CONNECT_TIMEOUT": "1",
        "HTTP_READ_TIMEOUT": "2",
        "PROXY_READ_TIMEOUT": "4",  # longer than the services' own calls, as by default
    } | settings
    ports, env = wire(names, var_dir, redis_url, **settings)
    return start_components(ports, env=env, var_dir=var_dir), env


@pytest.fixture(scope="module")
def system_with_env(tmp_path_factory, redis_server):
    """The four services and the gateway as real processes (no worker), torn down after."""
    names = ("registry", "activities", "consultations", "stats", "gateway")
    started, env = start_system(tmp_path_factory.mktemp("system"), redis_server.url, names)
    run_flask_command(env, "services.registry:create_app", "registry", "load-moyu")
    yield started, env
    for process in started.values():
        process.stop()


@pytest.fixture(scope="module")
def system(system_with_env):
    """The running processes by name."""
    return system_with_env[0]


@pytest.fixture(scope="module")
def logins(system_with_env):
    """A logged-in account per role, and a disabled one, on the system's gateway."""
    started, env = system_with_env
    return Logins(started["gateway"].url, env)
