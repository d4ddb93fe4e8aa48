"""Reads as a leader meets them: the year summary and a figure by township through the
gateway, with the demo year loaded, against a bare two-hop GET (tests/bench/bare_proxy.py
forwarding to tests/bench/bare_app.py) in the same run; then again with a second year of
the same size loaded (the cost must not grow). 16 connections (rate, ratio; target
>= 0.5x) and one connection (p99; < 20 ms).
"""

import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from deploy import demo_year
from shared.config import REPO_ROOT
from tests.bench import moyu_registry
from tests.support.accounts import run_flask_command
from tests.support.processes import (
    BIN_DIR,
    ManagedProcess,
    ServiceProcess,
    free_port,
    wait_for,
)

CONNECTIONS = 16
ROUNDS = 3  # the median round is printed
REQUESTS = 800  # a side, a round, over the 16 connections
SEQUENTIAL = 400  # on one connection, for the p99
SECOND_YEAR = 2025
READS = {
    "year summary": "/api/v1/stats/summary?year={year}",
    "by township": "/api/v1/stats/ranking?metric=attendances&period={year}",
}


def _start_bare(var_dir, env):
    """The bare backend and the bare proxy in front of it; (processes, the proxy's URL)."""
    processes, urls = [], {}
    for name, target in (("backend", "bare_app"), ("proxy", "bare_proxy")):
        port = free_port()
        extra = {"BARE_UPSTREAM": urls["backend"]} if name == "proxy" else {}
        command = [
            str(BIN_DIR / "gunicorn"),
            "-c",
            str(REPO_ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--control-socket",
            str(var_dir / f"bare-{name}.ctl"),
            f"tests.bench.{target}:create_app()",
        ]
        processes.append(
            ManagedProcess(command, env=env | extra, log_path=var_dir / f"bare-{name}.log")
        )
        urls[name] = f"http://127.0.0.1:{port}"
    answer_url = f"{urls['proxy']}/answer"
    wait_for(lambda: _answers(answer_url), 30, "the bare two-hop pair")
    return processes, answer_url


def _answers(url):
    try:
        return requests.get(url, timeout=1).ok
    except requests.RequestException:
        return False


def _rate(url, headers, count=REQUESTS):
    """Requests per second from CONNECTIONS threads, each on a connection of its own."""
    own = threading.local()

    def get(_):
        if not hasattr(own, "session"):
            own.session = requests.Session()
        answer = own.session.get(url, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text[:300]

    started = time.perf_counter()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        list(pool.map(get, range(count)))
    return count / (time.perf_counter() - started)


def _latencies(url, headers, count=SEQUENTIAL):
    """(p50, p99) in ms of `count` requests one after another on one connection."""
    session, took = requests.Session(), []
    for _ in range(count):
        started = time.perf_counter()
        answer = session.get(url, headers=headers, timeout=30)
        took.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text[:300]
    took.sort()
    return statistics.median(took), took[int(0.99 * (len(took) - 1))]


def _measure(label, bare_url, our_url, headers):
    """Alternate the bare pair and ours for ROUNDS rounds; print the median round."""
    rounds = []
    for _ in range(ROUNDS):
        bare = _rate(bare_url, {})
        ours = _rate(our_url, headers)
        rounds.append((bare, ours))
    bare, ours = sorted(rounds, key=lambda pair: pair[1] / pair[0])[ROUNDS // 2]
    bare_p50, bare_p99 = _latencies(bare_url, {})
    p50, p99 = _latencies(our_url, headers)
    print(
        f"{label:<28} {CONNECTIONS} connections: {ours:6.0f}/s against bare {bare:6.0f}/s, "
        f"ratio {ours / bare:.2f}x (target 0.5x); one connection: p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms (target < 20 ms; bare p50 {bare_p50:.1f}, p99 {bare_p99:.1f})"
    )


def run():
    """Start the stack, load the demo year, measure; load a second year, measure again."""
    with moyu_registry("pufa-bench-reads-") as (var_dir, env, processes):
        names = ("activities", "consultations", "stats", "gateway")
        ports = {name: free_port() for name in names}
        env = env | {f"{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in ports.items()}
        # One leader sends thousands a minute here: the limits are checked, never reached;
        # and one token lasts the run.
        env |= {
            "ACCESS_TOKEN_TTL": "3600",
            "RATE_LIMIT_PER_CALLER": "1000000 per minute",
            "RATE_LIMIT_PER_ADDRESS": "1000000 per minute",
        }
        for name, port in ports.items():
            processes.append(ServiceProcess(name, env=env, var_dir=var_dir, port=port))
        for process in processes[2:]:
            process.wait_ready()
        processes.append(
            ManagedProcess(
                [sys.executable, "-m", "services.stats.worker"],
                env=env,
                log_path=var_dir / "worker.log",
            )
        )
        bare, bare_url = _start_bare(var_dir, env)
        processes += bare
        run_flask_command(env, "gateway:create_app", "accounts", "seed-demo")
        gateway = env["GATEWAY_URL"]
        years = []
        for year in (demo_year.YEAR, SECOND_YEAR):
            totals, admin = demo_year.load(gateway, year=year)
            demo_year.wait_for_figures(admin, totals, timeout=300, year=year)
            years.append(year)
            leader = demo_year.Api(gateway, "leader", "pufa-demo-figures").headers
            print(f"with {len(years)} year(s) loaded ({', '.join(map(str, years))}):")
            for label, path in READS.items():
                url = gateway + path.format(year=demo_year.YEAR)
                _rate(url, leader, 50)  # warm: connections, caches
                _measure(label, bare_url, url, leader)
