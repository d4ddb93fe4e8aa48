"""`make run`: start the whole system under supervisord, wait until it is ready, stop it.

supervisord restarts a process that dies (the others go on serving); its configuration is
written from shared/components.py into var/run/supervisord.conf. Every setting comes from
the environment with `make run` defaults (see shared.config); setting REDIS_URL means "use
that Redis": no embedded Redis is started then. Everything listens on loopback only:
`make run` is not for a public network (see the README).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

from deploy import demo
from shared.components import COMPONENTS
from shared.config import DEFAULT_PORTS, REPO_ROOT, port_of, redis_url, var_dir

READY_TIMEOUT_SECONDS = float(os.environ.get("STACK_READY_TIMEOUT", "60"))
STOP_TIMEOUT_SECONDS = 30
BIN_DIR = Path(sys.executable).parent
# supervisord starts the lower priority first and stops it last: Redis outlives its clients.
REDIS_PRIORITY, SERVERS_PRIORITY = 10, 50


def programs(environ):
    """{name: (command, priority)}: the embedded Redis (unless REDIS_URL names another
    one), every component under gunicorn, and the stats worker."""
    run_dir = var_dir(environ) / "run"
    found = {}
    if not environ.get("REDIS_URL"):
        found["redis"] = (f"{sys.executable} -m deploy.redis_server", REDIS_PRIORITY)
    for component in COMPONENTS:
        command = (
            f"{BIN_DIR / 'gunicorn'} -c deploy/gunicorn.conf.py "
            f"--bind 127.0.0.1:{port_of(component.name, environ)} "
            f"--control-socket {run_dir / component.name}.ctl '{component.app}()'"
        )
        found[component.name] = (command, SERVERS_PRIORITY)
    found["worker"] = (f"{sys.executable} -m services.stats.worker", SERVERS_PRIORITY)
    return found


def supervisord_config(environ):
    """The text of supervisord's configuration: one [program] a process, each restarted
    whenever it exits, its output on supervisord's own."""
    run_dir = var_dir(environ) / "run"
    lines = [
        "[supervisord]",
        "nodaemon=true",
        f"logfile={run_dir / 'supervisord.log'}",
        f"pidfile={run_dir / 'supervisord.pid'}",
        f"childlogdir={run_dir}",
        "loglevel=warn",
        "umask=077",
        "",
        "[unix_http_server]",
        f"file={run_dir / 'supervisor.sock'}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{run_dir / 'supervisor.sock'}",
    ]
    for name, (command, priority) in programs(environ).items():
        lines += [
            "",
            f"[program:{name}]",
            f"command={command}",
            f"directory={REPO_ROOT}",
            f"priority={priority}",
            "autostart=true",
            "autorestart=true",
            "startsecs=1",
            "startretries=10",
            "stopsignal=TERM",
            "stopwaitsecs=10",
            # gunicorn's workers and the embedded redis-server go with their parent.
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            "stdout_logfile=/dev/stdout",
            "stdout_logfile_maxbytes=0",
        ]
    return "\n".join(lines) + "\n"


def stack_environment(environ):
    """The environment every process of the stack runs with: defaults filled in."""
    env = dict(environ)
    env["VAR_DIR"] = str(var_dir(environ))
    for component in DEFAULT_PORTS:
        env[f"{component.upper()}_PORT"] = str(port_of(component, environ))
    env["REDIS_URL"] = redis_url(environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def migrate(env):
    """Bring every database to its schema's head before any server starts."""
    command = [sys.executable, "-m", "deploy.migrate"]
    done = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"migrations failed:\n{done.stderr[-2000:]}")


def wait_until_ready(gateway_url, supervisor, timeout):
    """Poll the gateway's /healthz until every component is ready; return the report."""
    deadline = time.monotonic() + timeout
    report = None
    while time.monotonic() < deadline:
        if supervisor.poll() is not None:
            raise SystemExit(f"the stack stopped while starting (exit {supervisor.returncode})")
        try:
            report = requests.get(f"{gateway_url}/healthz", timeout=(1, 3)).json()
            if report.get("status") == "ready":
                return report
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.5)
    not_ready = sorted(
        name for name, part in (report or {}).get("components", {}).items() if not part["ready"]
    )
    raise TimeoutError(f"not ready after {timeout:.0f}s: {', '.join(not_ready) or 'gateway'}")


def stop(supervisor):
    """Ask supervisord to stop every process (Redis last); kill what lingers."""
    if supervisor.poll() is not None:
        return
    left = psutil.Process(supervisor.pid).children(recursive=True)
    supervisor.send_signal(signal.SIGTERM)
    try:
        supervisor.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        supervisor.kill()
        supervisor.wait()
    _gone, alive = psutil.wait_procs(left, timeout=1)
    for process in alive:
        process.kill()


def keep_private(var):
    """var/ holds the databases, the Redis file and the secrets: its owner's alone."""
    os.umask(0o077)  # every file the stack creates from now on, in every child
    var.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(var, 0o700)


def main():
    """Start, report, and run until Ctrl-C (SIGINT) or SIGTERM."""
    env = stack_environment(os.environ)
    keep_private(Path(env["VAR_DIR"]))
    run_dir = Path(env["VAR_DIR"]) / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "supervisord.conf"
    config.write_text(supervisord_config(os.environ))
    started = time.monotonic()
    try:
        migrate(env)
    except SystemExit as exc:
        print(f"\n  pufa did not start: {exc}", file=sys.stderr, flush=True)
        return 1
    command = [str(BIN_DIR / "supervisord"), "-c", str(config)]
    # Its own session: a Ctrl-C reaches only us, and we stop supervisord exactly once.
    supervisor = subprocess.Popen(command, env=env, cwd=REPO_ROOT, start_new_session=True)
    stopping = []

    def request_stop(signum, _frame):
        stopping.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    gateway_url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    try:
        wait_until_ready(gateway_url, supervisor, READY_TIMEOUT_SECONDS)
        print(
            f"\n  every component is ready after {time.monotonic() - started:.1f}s; loading "
            "what is missing of the demo data ...",
            flush=True,
        )
        loaded = demo.load(env)
        print(
            f"\n  pufa is ready in {time.monotonic() - started:.1f}s\n"
            f"  gateway:  {gateway_url}  (health: {gateway_url}/healthz)\n"
            f"  API docs: {gateway_url}/api/v1/docs\n"
            f"  field app (phones): {gateway_url}/app/\n"
            f"  console (leaders, admins): {gateway_url}/console/\n"
            f"  data:     {env['VAR_DIR']}\n"
            f"{loaded}\n"
            "  loopback only: this is not for a public network (see the README)\n"
            f"  stop:     Ctrl-C\n",
            flush=True,
        )
        return supervisor.wait()
    except KeyboardInterrupt:
        print("\n  stopping every process ...", flush=True)
        return 0
    except (TimeoutError, SystemExit, RuntimeError, requests.RequestException) as exc:
        print(f"\n  pufa did not start: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(supervisor)


if __name__ == "__main__":
    sys.exit(main())
