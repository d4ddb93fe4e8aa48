"""The production topology brought up on this machine, on loopback, from deploy/production:
nginx with TLS in front, 2 replicas of the gateway and of each service under supervisord,
2 stats workers, PostgreSQL with a role per service, Redis with a user per component.

Everything is configured by the operator's own tools (`python -m deploy.production secrets`
and `render`) from a site.env, then started from the files they wrote; only the engines'
own processes (nginx, redis-server, PostgreSQL) are started by this harness, as the host's
init system would start them.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
import requests

from deploy.production import topology
from deploy.production.secrets import read_env_file
from shared.config import REPO_ROOT
from tests.support.postgres import PostgresCluster
from tests.support.processes import ManagedProcess, free_ports, port_is_free, wait_for

BIN_DIR = Path(sys.executable).parent
WITH_ENV = REPO_ROOT / "deploy" / "production" / "with-env"
# supervisord stops its programs one after another, each within gunicorn's graceful 5 s
SUPERVISOR_STOP_SECONDS = 90
ADMIN, ADMIN_PASSWORD = "county-admin", "Moyu-bureau-2026-keys"


def _certificate(folder):
    """A self-signed certificate for 127.0.0.1 (the operator's would come from a CA)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class ProductionSite:
    """Bring the topology up in `root`; `stop()` takes it down."""

    def __init__(self, root, replicas=2, workers=2, settings=None):
        self.root = Path(root)
        self.etc, self.state = self.root / "etc", self.root / "state"
        self.logs = self.root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.redis = self.nginx = self.supervisor = None
        self.postgres = PostgresCluster(host_auth="scram-sha-256")
        try:
            self._bring_up(replicas, workers, settings)
        except BaseException:
            self.stop()  # nothing of a failed start is left running
            raise

    def _bring_up(self, replicas, workers, settings):
        cert, key = _certificate(self.etc / "tls")
        base = free_ports(60)
        values = {
            "PUFA_ETC": str(self.etc),
            "PUFA_STATE": str(self.state),
            "SERVER_NAME": "127.0.0.1",
            "HTTPS_PORT": str(base),
            "HTTP_PORT": str(base + 1),
            "TLS_CERTIFICATE": str(cert),
            "TLS_CERTIFICATE_KEY": str(key),
            "REPLICAS": str(replicas),
            "WORKERS": str(workers),
            "PORT_BASE": str(base + 10),
            "INTERNAL_PORT_BASE": str(base + 2),
            "POSTGRES_PORT": str(self.postgres.port),
            "REDIS_PORT": str(base + 8),
            # one process per replica on this 2-core machine; a server would keep the default
            "GUNICORN_WORKERS": "1",
            "RUN_AS_USERS": "0",  # everything is root's here; a server runs each as its own
            **(settings or {}),
        }
        self.site_file = self.root / "site.env"
        self.site_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        self.site = topology.site(topology.read_site_file(self.site_file))
        self.url = f"https://127.0.0.1:{self.site.https_port}"
        self.certificate = str(cert)
        self._operator("secrets")
        self._operator("render", "--nginx-user", "root")
        self.postgres.psql_file(self.etc / "postgresql-roles.sql")
        self.start_redis()
        for component in topology.databases():
            self.with_env(component, sys.executable, "-m", "deploy.migrate", component)
        (self.state / "nginx").mkdir(parents=True, exist_ok=True)
        self.nginx = ManagedProcess(
            ["nginx", "-c", str(self.generated / "nginx" / "nginx.conf"), "-g", "daemon off;"],
            env=os.environ.copy(),
            log_path=self.logs / "nginx.log",
        )
        (self.state / "supervisord").mkdir(parents=True, exist_ok=True)
        self.supervisor = ManagedProcess(
            [str(BIN_DIR / "supervisord"), "-c", str(self.generated / "supervisord.conf")],
            env=self._env(),
            log_path=self.logs / "supervisord.log",
        )
        wait_for(self._ready, 90, "every replica ready behind nginx")

    @property
    def generated(self):
        return self.etc / "generated"

    def _env(self):
        env = os.environ.copy()
        env["PATH"] = f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}"
        return env

    def _operator(self, *arguments):
        """One of the operator's commands, on this site."""
        command = [sys.executable, "-m", "deploy.production", *arguments]
        subprocess.run(
            [*command, "--site", str(self.site_file)],
            check=True,
            cwd=REPO_ROOT,
            env=self._env(),
            capture_output=True,
        )

    def with_env(self, identity, *command, extra=None):
        """Run a command with a component's environment file, as an operator would."""
        env = {**self._env(), **(extra or {})}
        done = subprocess.run(
            [str(WITH_ENV), str(self.etc / f"{identity}.env"), *command],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start_redis(self):
        """Debian's redis-server on the generated configuration."""
        (self.state / "redis").mkdir(parents=True, exist_ok=True)
        self.redis = ManagedProcess(
            ["redis-server", str(self.generated / "redis.conf")],
            env=os.environ.copy(),
            log_path=self.logs / "redis.log",
        )
        wait_for(lambda: not port_is_free(self.site.redis_port), 20, "Redis")

    def restart_redis(self):
        """Stop Redis (it writes its append-only file) and start it again."""
        self.redis.stop()
        self.start_redis()

    def flush_redis(self):
        """Empty Redis as the operator: every figure, queue and standing gone at once."""
        password = read_env_file(self.etc / "operator.env")["PUFA_REDIS_OPERATOR_PASSWORD"]
        client = redis.Redis(
            port=self.site.redis_port, username="operator", password=password, socket_timeout=5
        )
        client.flushall()
        client.close()

    def _ready(self):
        try:
            answer = requests.get(f"{self.url}/healthz", verify=self.certificate, timeout=3)
        except requests.RequestException:
            return False
        return answer.status_code == 200 and answer.json().get("status") == "ready"

    def supervised_pid(self, program):
        """The pid supervisord runs a program as (its process group's leader)."""
        out = subprocess.run(
            [BIN_DIR / "supervisorctl", "-c", self.generated / "supervisord.conf", "pid", program],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return int(out)

    def kill(self, program):
        """SIGKILL a program and every process of its group, as a crash would."""
        pid = self.supervised_pid(program)
        os.killpg(pid, signal.SIGKILL)
        return pid

    def wait_restarted(self, program, old_pid, timeout=30):
        """Wait until supervisord runs the program again, under a new pid."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.supervised_pid(program) not in (0, old_pid):
                    return
            except (subprocess.CalledProcessError, ValueError):
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{program} was not restarted")

    def create_admin(self):
        """The first admin, by the gateway's command (docs/operations.md)."""
        self.with_env(
            "gateway",
            sys.executable,
            "-m",
            "flask",
            "--app",
            "gateway:create_app",
            "accounts",
            "create-admin",
            "--username",
            ADMIN,
            extra={"ADMIN_PASSWORD": ADMIN_PASSWORD},
        )

    def load_registry(self):
        """The Moyu registry (16 townships, 324 villages and advisors)."""
        self.with_env(
            "registry",
            sys.executable,
            "-m",
            "flask",
            "--app",
            "services.registry:create_app",
            "registry",
            "load-moyu",
        )

    def stop(self):
        """Stop nginx, supervisord (every replica and worker), Redis, PostgreSQL; then
        kill whatever supervisord left running (it stops its programs one by one)."""
        programs = self._running_programs()
        if self.nginx is not None:
            self.nginx.stop()
        if self.supervisor is not None:
            self.supervisor.stop(timeout=SUPERVISOR_STOP_SECONDS)
        for pid in programs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        if self.redis is not None:
            self.redis.stop()
        self.postgres.stop()

    def _running_programs(self):
        """The process group of every program supervisord runs now."""
        if self.supervisor is None or not self.supervisor.alive():
            return []
        pids = []
        for program in topology.programs(self.site):
            with contextlib.suppress(subprocess.CalledProcessError, ValueError):
                pid = self.supervised_pid(program.name)
                if pid:
                    pids.append(pid)
        return pids
