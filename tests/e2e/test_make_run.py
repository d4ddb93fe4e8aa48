"""`make run` as a user runs it: everything comes up ready, Ctrl-C leaves nothing behind."""

import contextlib
import os
import signal
import subprocess
import sys

import psutil
import pytest
import requests

from gateway.accounts.cli import DEMO_ACCOUNTS
from shared.config import DEFAULT_PORTS, REPO_ROOT
from tests.integration.rollup_support import activity_body
from tests.support.accounts import bearer, log_in
from tests.support.processes import free_port, port_is_free, wait_for

pytestmark = pytest.mark.e2e
# A first start loads the demo year through the API: about a minute on a quiet machine.
READY_WITHIN = 420


@contextlib.contextmanager
def launched_stack(tmp_path, **settings):
    """Run `python -m deploy.stack` (what `make run` calls) on free ports and its own data."""
    ports = {component: free_port() for component in DEFAULT_PORTS}
    # Bounds, not timings: a machine shared with other test runs may take minutes.
    env = dict(
        os.environ, VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1", STACK_READY_TIMEOUT="150"
    )
    env.pop("REDIS_URL", None)
    env.update({f"{name.upper()}_PORT": str(port) for name, port in ports.items()})
    env.update(settings)
    log_path = tmp_path / "stack.log"
    with log_path.open("wb") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "deploy.stack"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(
                lambda: b"pufa is ready" in log_path.read_bytes(), READY_WITHIN, "the stack ready"
            )
            yield launcher, ports
        finally:
            if launcher.poll() is None:
                # Ctrl-C, as a user stops it: the supervisor has a session of its own, and a
                # killed launcher would leave it running.
                launcher.send_signal(signal.SIGINT)
                try:
                    launcher.wait(60)
                except subprocess.TimeoutExpired:
                    os.killpg(launcher.pid, signal.SIGKILL)
                    launcher.wait()


def _process_running(launcher, needle):
    """The supervisor's child whose command line holds `needle` (a gunicorn master, not
    one of its workers)."""
    for process in psutil.Process(launcher.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            supervised = "supervisord" in " ".join(process.parent().cmdline())
            if supervised and needle in " ".join(process.cmdline()):
                return process
    return None


def _connections(process):
    with contextlib.suppress(psutil.Error):
        return process.net_connections(kind="inet")
    return []


def _ready(gateway):
    try:
        return requests.get(f"{gateway}/healthz", timeout=5).json()["status"] == "ready"
    except (requests.RequestException, ValueError):
        return False


def test_make_run_comes_up_ready_and_ctrl_c_leaves_nothing(tmp_path):
    with launched_stack(tmp_path) as (launcher, ports):
        report = requests.get(f"http://127.0.0.1:{ports['gateway']}/healthz", timeout=10).json()
        assert report["status"] == "ready"
        expected = {"registry", "activities", "consultations", "stats", "redis", "worker"}
        assert set(report["components"]) == expected
        assert all(part["ready"] for part in report["components"].values())

        # The demo logins it printed work through the gateway.
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        for username, password, role, _scope, _name in DEMO_ACCOUNTS:
            answer = log_in(gateway, username, password)
            assert answer.status_code == 200, username
            me = requests.get(
                f"{gateway}/api/v1/me", headers=bearer(answer.json()["access_token"]), timeout=5
            )
            assert me.json()["role"] == role

        # The Moyu registry is loaded: 16 townships, 324 villages, every one covered.
        leader = bearer(log_in(gateway, "leader", "pufa-demo-figures").json()["access_token"])
        townships = requests.get(f"{gateway}/api/v1/registry/townships", headers=leader).json()
        assert len(townships) == 16 and sum(t["villages"] for t in townships) == 324
        coverage = requests.get(f"{gateway}/api/v1/registry/coverage", headers=leader).json()
        assert (coverage["villages"], coverage["covered"], coverage["ratio"]) == (324, 324, 1.0)
        advisors = requests.get(f"{gateway}/api/v1/registry/advisor-load", headers=leader).json()
        assert len(advisors) == 324 and {a["villages"] for a in advisors} == {1}

        # The demo year went in through the API and the figures are exactly its totals.
        printed = (tmp_path / "stack.log").read_text()
        assert "sessions 4,500" in printed and "consultations 1,230" in printed
        assert "cadre_sessions 17" in printed

        # A write through the gateway reaches the figures through the real worker.
        staff = bearer(log_in(gateway, "staff", "pufa-demo-village").json()["access_token"])
        summary_url = f"{gateway}/api/v1/stats/summary?year=2024"

        def attendances():
            answer = requests.get(summary_url, headers=leader, timeout=5)
            return answer.json()["figures"]["attendances"]["value"] if answer.ok else None

        wait_for(lambda: attendances() is not None, 30, "the figures built")
        before = attendances()
        # in December: the demo year closed January to November
        december = {
            "starts_at": "2024-12-20T10:00:00+08:00",
            "ends_at": "2024-12-20T12:00:00+08:00",
        }
        written = requests.post(
            f"{gateway}/api/v1/activities/activities",
            json=activity_body(5, township_code="653222100", headcount=61) | december,
            headers=staff,
            timeout=10,
        )
        assert written.status_code == 201, written.text
        wait_for(lambda: attendances() == before + 61, 30, "the new attendances counted")

        # A process that dies is started again by the supervisor; the others go on serving.
        for name in ("services.stats.worker", "services.registry:create_app()"):
            crashed = _process_running(launcher, name)
            crashed.kill()
            crashed.wait(10)
            assert requests.get(f"{gateway}/api/v1/me", headers=staff, timeout=5).ok
            wait_for(
                lambda n=name, old=crashed.pid: (
                    getattr(_process_running(launcher, n), "pid", old) != old
                ),
                30,
                f"{name} restarted",
            )
        wait_for(lambda: _ready(gateway), 60, "every component ready again")
        assert requests.get(f"{gateway}/api/v1/registry/townships", headers=leader).ok

        processes = psutil.Process(launcher.pid).children(recursive=True)
        # Loopback only: `make run` is not for a public network (README).
        listening = [
            connection.laddr
            for process in processes
            for connection in _connections(process)
            if connection.status == psutil.CONN_LISTEN
        ]
        assert len(listening) >= len(ports)
        assert {address.ip for address in listening} == {"127.0.0.1"}, listening
        assert len(processes) >= 7  # supervisord, redis, 4 services, worker, gateway (+ workers)

        launcher.send_signal(signal.SIGINT)  # what Ctrl-C delivers to the foreground launcher
        assert launcher.wait(timeout=40) == 0
        _gone, alive = psutil.wait_procs(processes, timeout=5)
        assert alive == [], f"left behind: {[p.pid for p in alive]}"
        for component, port in ports.items():
            assert port_is_free(port), f"{component} still holds port {port}"


def test_an_external_redis_url_starts_no_embedded_redis(tmp_path, redis_server):
    with launched_stack(tmp_path, REDIS_URL=redis_server.url, DEMO_YEAR="0") as (launcher, ports):
        names = [p.name() for p in psutil.Process(launcher.pid).children(recursive=True)]
        assert "redis-server" not in names
        assert port_is_free(ports["redis"])
        report = requests.get(f"http://127.0.0.1:{ports['gateway']}/healthz", timeout=10).json()
        assert report["status"] == "ready"
        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=40) == 0
