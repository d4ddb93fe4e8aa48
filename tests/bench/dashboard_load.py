"""The dashboard in chromium against the real gateway holding the demo year: from the
navigation's start until every figure is read and every chart has finished drawing, with
an empty cache (cold) and then a warm one (its hashed assets cached, and the scripts V8
compiled, in the browser's profile on disk, as a leader's browser keeps them), a
desk-sized window;
beside the bare baseline in the same run: the same API reads the page made, fetched from
Python over 6 connections (as many as the browser opens to one host) with no page at all.
Then the year's figures API under 16 leaders at once, each reading what the page reads,
against one leader alone.
"""

import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

from deploy import demo_year
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.console import DESK
from tests.integration.conftest import start_system
from tests.support.accounts import run_flask_command
from tests.support.processes import ManagedProcess, RedisServer

COMPONENTS = ("registry", "activities", "consultations", "stats", "gateway")
WARM_LOADS = 5  # the median is printed
LEADERS = 16  # reading the year's figures at once
BROWSER_CONNECTIONS = 6
SESSION = """([key, stored]) => {
    if (!localStorage.getItem(key)) localStorage.setItem(key, stored);
}"""
DRAWN = """() => document.querySelector('[data-testid=dashboard][data-loaded=yes]')
    && [...document.querySelectorAll('[data-chart]')].every((c) => c.dataset.drawn === 'yes')"""
TIMES = """() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const resources = performance.getEntriesByType('resource');
    const api = resources.filter((r) => r.name.includes('/api/v1/'));
    return {drawn: performance.now(), loaded: navigation.loadEventEnd,
            first_api: Math.min(...api.map((r) => r.startTime)),
            api_done: Math.max(...api.map((r) => r.responseEnd)),
            transferred: resources.reduce((sum, r) => sum + r.transferSize,
                                          navigation.transferSize)};
}"""


def signed_in(playwright, profile, tokens, account):
    """A browser on a new profile of its own (empty caches), kept on disk as a leader's
    browser keeps it: the HTTP cache and the compiled scripts V8 caches beside it, which a
    warm load finds as a leader's second visit does (an off-the-record context keeps no
    compiled code). Its console is signed in as the leader before any of its scripts run,
    as a reload after a login finds it."""
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        viewport=DESK,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    stored = json.dumps(
        {
            "account": account,
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
        }
    )
    context.add_init_script(f"({SESSION})({json.dumps(['pufa-console-session', stored])})")
    return context


def load(context, url):
    """Open the dashboard; return its times and the API requests it made."""
    page = context.new_page()
    asked = []
    page.on("request", lambda r: "/api/v1/" in r.url and asked.append(r.url))
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=60_000, polling=10)
    times = page.evaluate(TIMES)
    page.close()
    return times, asked


def bare_reads(urls, headers):
    """Seconds to fetch the page's API reads from Python over BROWSER_CONNECTIONS."""
    sessions = [requests.Session() for _ in range(BROWSER_CONNECTIONS)]

    def fetch(numbered):
        number, url = numbered
        answer = sessions[number % BROWSER_CONNECTIONS].get(url, headers=headers, timeout=30)
        assert answer.status_code in (200, 404), f"{url}: {answer.status_code}"

    started = time.perf_counter()
    with ThreadPoolExecutor(BROWSER_CONNECTIONS) as pool:
        list(pool.map(fetch, enumerate(urls)))
    return time.perf_counter() - started


def leaders_at_once(urls, headers, leaders):
    """Seconds each of `leaders` takes to read the page's API reads, one connection each,
    all starting together (a Monday morning: every leader opens the dashboard)."""
    barrier = threading.Barrier(leaders)

    def one_leader(_):
        session = requests.Session()
        barrier.wait()
        started = time.perf_counter()
        for url in urls:
            answer = session.get(url, headers=headers, timeout=60)
            assert answer.status_code in (200, 404), f"{url}: {answer.status_code}"
        return time.perf_counter() - started

    with ThreadPoolExecutor(leaders) as pool:
        return sorted(pool.map(one_leader, range(leaders)))


def run():
    """Print the dashboard's cold and warm times and the bare reads'."""
    var_dir = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    redis = RedisServer(var_dir / "redis")
    settings = {
        "RATE_LIMIT_PER_ADDRESS": "1000000 per minute",
        "RATE_LIMIT_PER_CALLER": "1000000 per minute",
        "ACCESS_TOKEN_TTL": "3600",
        "STATS_SYNC_INTERVAL": "1",
        "HTTP_READ_TIMEOUT": "30",  # the demo year's 500-item batches, on a shared machine
        "PROXY_READ_TIMEOUT": "40",  # the gateway outwaits them
    }
    started, env = start_system(var_dir, redis.url, COMPONENTS, **settings)
    worker = ManagedProcess(
        [sys.executable, "-m", "services.stats.worker"], env=env, log_path=var_dir / "worker.log"
    )
    try:
        gateway = started["gateway"].url
        run_flask_command(env, "services.registry:create_app", "registry", "load-moyu")
        run_flask_command(env, "gateway:create_app", "accounts", "seed-demo")
        totals, admin = demo_year.load(gateway)
        demo_year.wait_for_figures(admin, totals, timeout=300)
        tokens = requests.post(
            f"{gateway}/api/v1/auth/token",
            json={"grant_type": "password", "username": "leader", "password": "pufa-demo-figures"},
            timeout=10,
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        account = requests.get(f"{gateway}/api/v1/me", headers=headers, timeout=10).json()
        url = f"{gateway}/console/dashboard?year={demo_year.YEAR}"
        with sync_playwright() as playwright:
            context = signed_in(playwright, var_dir / "browser-profile", tokens, account)
            cold, asked = load(context, url)
            warm = [load(context, url)[0] for _ in range(WARM_LOADS)]
            context.close()
        bare_reads(asked, headers)  # warm: connections, kept names and coverage
        bare = statistics.median(bare_reads(asked, headers) for _ in range(WARM_LOADS))
        alone = statistics.median(leaders_at_once(asked, headers, 1)[0] for _ in range(3))
        crowd = leaders_at_once(asked, headers, LEADERS)
    finally:
        worker.stop()
        for process in started.values():
            process.stop()
        redis.stop()
    drawn = statistics.median(times["drawn"] for times in warm)
    print(
        f"dashboard, empty cache: {cold['drawn']:.0f} ms from navigation to every chart drawn"
        f" ({cold['transferred']:,} B over the network)"
    )
    print(
        f"dashboard, warm: {drawn:.0f} ms (median of {WARM_LOADS}; target < 1000 ms),"
        f" {statistics.median(t['transferred'] for t in warm):,.0f} B over the network;"
        f" its first API read sent at {statistics.median(t['first_api'] for t in warm):.0f} ms,"
        f" the last answered at {statistics.median(t['api_done'] for t in warm):.0f} ms"
        f" (each: {', '.join(str(round(t['drawn'])) for t in warm)} ms)"
    )
    print(
        f"bare: the page's {len(asked)} API reads from Python over {BROWSER_CONNECTIONS}"
        f" connections: {bare * 1000:.0f} ms; warm page / bare reads {drawn / (bare * 1000):.1f}x"
    )
    print(
        f"the year's figures API, {LEADERS} leaders at once, each the page's {len(asked)} reads"
        f" on one connection: median {statistics.median(crowd) * 1000:.0f} ms,"
        f" slowest {crowd[-1] * 1000:.0f} ms; one leader alone {alone * 1000:.0f} ms"
        f" ({statistics.median(crowd) / alone:.1f}x alone for each of {LEADERS})"
    )
