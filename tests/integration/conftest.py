"""Real processes: every service and the gateway under gunicorn, on free ports."""

import pytest

from tests.support.processes import component_env, free_port, start_components


def start_system(var_dir, redis_url, names):
    """Start the named components, wired to each other and to Redis; short HTTP timeouts."""
    ports = {name: free_port() for name in names}
    extra = {f"{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()}
    extra.update(HTTP_CONNECT_TIMEOUT="1", HTTP_READ_TIMEOUT="2")
    env = component_env(var_dir, redis_url, extra)
    return start_components(ports, env=env, var_dir=var_dir)


@pytest.fixture(scope="module")
def system(tmp_path_factory, redis_server):
    """The four services and the gateway as real processes (no worker), torn down after."""
    names = ("registry", "activities", "consultations", "stats", "gateway")
    started = start_system(tmp_path_factory.mktemp("system"), redis_server.url, names)
    yield started
    for process in started.values():
        process.stop()
