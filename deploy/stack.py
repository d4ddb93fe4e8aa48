"""`make run`: start the whole system under honcho, wait until it is ready, stop it cleanly.

Every setting comes from the environment with `make run` defaults (see shared.config);
setting REDIS_URL means "use that Redis": no embedded Redis is started then.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from deploy import demo_year
from shared.components import COMPONENTS
from shared.config import DEFAULT_PORTS, REPO_ROOT, port_of, redis_url, var_dir

READY_TIMEOUT_SECONDS = float(os.environ.get("STACK_READY_TIMEOUT", "60"))
STOP_TIMEOUT_SECONDS = 20
GUNICORN = (
    "exec gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:${port} "
    "--control-socket $VAR_DIR/run/{name}.ctl '{app}()'"
)


def procfile_lines(environ):
    """The Procfile of the stack: the embedded Redis (unless REDIS_URL names another one),
    every component under gunicorn, and the stats worker."""
    lines = [] if environ.get("REDIS_URL") else ["redis: exec python -m deploy.redis_server"]
    for component in COMPONENTS:
        port = f"{component.name.upper()}_PORT"
        command = GUNICORN.format(port=port, name=component.name, app=component.app)
        lines.append(f"{component.name}: {command}")
    lines.append("worker: exec python -m services.stats.worker")
    return lines


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


def wait_until_ready(gateway_url, honcho, timeout):
    """Poll the gateway's /healthz until every component is ready; return the report."""
    deadline = time.monotonic() + timeout
    report = None
    while time.monotonic() < deadline:
        if honcho.poll() is not None:
            raise SystemExit(f"the stack stopped while starting (exit {honcho.returncode})")
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


# What `make run` loads once everything is up: the Moyu registry, then the demo logins.
DEMO_SETUP = (
    ("services.registry:create_app", ("registry", "load-moyu")),
    ("gateway:create_app", ("accounts", "seed-demo")),
)


def load_demo_data(env):
    """Load the demo registry and logins (never in production); return what they printed."""
    if env.get("ENV") == "production":
        return "  (production: no demo data; create an admin with `accounts create-admin`)"
    printed = []
    for app, arguments in DEMO_SETUP:
        command = [sys.executable, "-m", "flask", "--app", app, *arguments]
        done = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(arguments)} failed:\n{done.stderr[-2000:]}")
        printed.append(done.stdout.rstrip())
    if env.get("DEMO_YEAR", "1") != "0":
        gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
        totals, admin = demo_year.load(gateway)
        shown = demo_year.wait_for_figures(admin, totals)
        printed.append(
            f"  demo year {demo_year.YEAR} loaded through the API; the stats show: "
            + ", ".join(f"{name} {value:,}" for name, value in shown.items())
        )
    return "\n".join(printed)


def stop(honcho):
    """Ask honcho to stop every process; kill its whole group if it lingers."""
    if honcho.poll() is None:
        honcho.send_signal(signal.SIGTERM)
        try:
            honcho.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()


def main():
    """Start, report, and run until Ctrl-C (SIGINT) or SIGTERM."""
    env = stack_environment(os.environ)
    run_dir = Path(env["VAR_DIR"]) / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    procfile = run_dir / "Procfile"
    procfile.write_text("\n".join(procfile_lines(os.environ)) + "\n")
    started = time.monotonic()
    try:
        migrate(env)
    except SystemExit as exc:
        print(f"\n  pufa did not start: {exc}", file=sys.stderr, flush=True)
        return 1
    command = [sys.executable, "-m", "honcho", "-f", str(procfile), "-d", str(REPO_ROOT), "start"]
    # Its own session: a Ctrl-C reaches only us, and we stop honcho exactly once.
    honcho = subprocess.Popen(command, env=env, cwd=REPO_ROOT, start_new_session=True)
    stopping = []

    def request_stop(signum, _frame):
        stopping.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    gateway_url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    try:
        wait_until_ready(gateway_url, honcho, READY_TIMEOUT_SECONDS)
        print(
            f"\n  every component is ready after {time.monotonic() - started:.1f}s; loading the "
            "Moyu registry, the demo logins and the demo year through the API ...",
            flush=True,
        )
        loaded = load_demo_data(env)
        print(
            f"\n  pufa is ready (demo data loaded) in {time.monotonic() - started:.1f}s\n"
            f"  gateway:  {gateway_url}  (health: {gateway_url}/healthz)\n"
            f"  API docs: {gateway_url}/api/v1/docs\n"
            f"  field app (phones): {gateway_url}/app/\n"
            f"  console (leaders, admins): {gateway_url}/console/\n"
            f"  data:     {env['VAR_DIR']}\n"
            f"  demo data and logins (demo only, never in production):\n{loaded}\n"
            f"  stop:     Ctrl-C\n",
            flush=True,
        )
        return honcho.wait()
    except KeyboardInterrupt:
        print("\n  stopping every process ...", flush=True)
        return 0
    except (TimeoutError, SystemExit, RuntimeError, requests.RequestException) as exc:
        print(f"\n  pufa did not start: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(honcho)


if __name__ == "__main__":
    sys.exit(main())
