"""Benchmarks (`make bench`): each compares against a bare baseline in the same run."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from tests.support.accounts import run_flask_command
from tests.support.processes import RedisServer, ServiceProcess, component_env, migrate


@contextmanager
def moyu_registry(prefix):
    """(folder, env, processes): a new folder, the bundled Redis and a registry holding
    Moyu's villages, its URL in `env`; every process in `processes` (add yours) stops after."""
    var_dir = Path(tempfile.mkdtemp(prefix=prefix))
    processes = [RedisServer(var_dir / "redis")]
    try:
        env = component_env(var_dir, processes[0].url)
        migrate("registry", env)
        run_flask_command(env, "services.registry:create_app", "registry", "load-moyu")
        processes.append(ServiceProcess("registry", env=env, var_dir=var_dir).wait_ready())
        yield var_dir, env | {"REGISTRY_URL": processes[-1].url}, processes
    finally:
        for process in reversed(processes):
            process.stop()
