"""The field app in a real browser (Debian's chromium under Playwright) against the real
stack: the Moyu registry, both recording services, stats with its worker, the gateway."""

import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

from deploy import demo_year
from shared.config import REPO_ROOT
from tests.integration.conftest import start_system
from tests.support.accounts import Logins, bearer, run_flask_command
from tests.support.processes import ManagedProcess, RedisServer, ServiceProcess, wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # the UI language: date and time inputs show in Chinese order
]
# A phone in China: date and time inputs in Chinese order (2026/12/02 08:22, 年/月/日),
# which chromium takes from LANGUAGE (and its zh-CN pak, chromium-l10n). LANG names a
# locale this machine has: under one it lacks (zh_CN.UTF-8) a download's Chinese file
# name became "download".
CHINESE_BROWSER_ENV = dict(os.environ, LANG="C.UTF-8", LANGUAGE="zh_CN:zh")
PHONE = {"width": 360, "height": 640}
ARTIFACTS = REPO_ROOT / "var" / "artifacts" / "browser"
COMPONENTS = ("registry", "activities", "consultations", "stats", "gateway")


class Stack:
    """The running processes, their environment, and one logged-in account per role."""

    def __init__(self, started, env, logins):
        self.started, self.env, self.logins = started, env, logins
        self.url = started["gateway"].url

    def api(self, method, path, role="admin", **kwargs):
        """Call the public API as one of the accounts."""
        answer = requests.request(
            method,
            f"{self.url}/api/v1{path}",
            headers=self.logins.header(role),
            timeout=30,
            **kwargs,
        )
        return answer

    def activities(self, title_prefix):
        """The township's activities whose titles start with the prefix, as the server holds."""
        township = self.logins.scopes["staff"]["township"]
        page = self.api("GET", f"/activities/activities?township={township}&limit=500").json()
        return [item for item in page["items"] if item["title"].startswith(title_prefix)]

    def summary(self, year):
        """The year's figures as leaders read them: {metric: value}."""
        answer = self.api("GET", f"/stats/summary?year={year}", role="leader")
        assert answer.status_code == 200, answer.text
        return {name: figure["value"] for name, figure in answer.json()["figures"].items()}

    def settled_summary(self, year, expect=None, timeout=60):
        """The figures once the worker has applied every change (equal to `expect` if given,
        else the same on two reads a sync apart)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            now = self.summary(year)
            if (expect is None and now == last) or (expect is not None and _holds(now, expect)):
                return now
            last = now
            time.sleep(1.5)
        raise AssertionError(f"figures did not settle: {last} (expected {expect})")


def _holds(figures, expect):
    return all(figures[name] == value for name, value in expect.items())


@contextmanager
def running_stack(var_dir, redis_url):
    """The whole system as real processes on `redis_url`, the stats worker included, with
    the Moyu registry and one login per role."""
    settings = {
        "HTTP_CONNECT_TIMEOUT": "2",
        "HTTP_READ_TIMEOUT": "10",
        "PROXY_READ_TIMEOUT": "20",  # the gateway outwaits the services' own calls
        "STATS_SYNC_INTERVAL": "1",
        "RATE_LIMIT_PER_ADDRESS": "100000 per minute",
        "RATE_LIMIT_PER_CALLER": "100000 per minute",
    }
    started, env = start_system(var_dir, redis_url, COMPONENTS, **settings)
    worker = ManagedProcess(
        [sys.executable, "-m", "services.stats.worker"], env=env, log_path=var_dir / "worker.log"
    )
    try:
        run_flask_command(env, "services.registry:create_app", "registry", "load-moyu")
        logins = Logins(started["gateway"].url, env)
        logins.scopes = {"staff": {"township": "653222100"}, "advisor": {"advisor_id": "1"}}
        yield Stack(started, env, logins)
    finally:
        worker.stop()
        for process in started.values():
            process.stop()


@contextmanager
def stack_on_its_own_redis(var_dir):
    """`running_stack` on a Redis of its own, stopped with it: its worker outlives the
    tests that use it, and must not rebuild figures in the Redis that later tests flush
    and fill."""
    redis = RedisServer(var_dir / "redis")
    try:
        with running_stack(var_dir, redis.url) as running:
            yield running
    finally:
        redis.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The whole system as real processes, the stats worker included."""
    with stack_on_its_own_redis(tmp_path_factory.mktemp("browser-stack")) as running:
        yield running


@pytest.fixture(scope="session")
def demo_stack(tmp_path_factory):
    """Another whole system, on a Redis of its own, holding the demo year as `make run`
    loads it (deploy/demo_year.py, through the API, its figures settled): what the
    dashboard is looked at with. Its own, so the field app's tests see none of it."""
    with stack_on_its_own_redis(tmp_path_factory.mktemp("demo-stack")) as running:
        run_flask_command(running.env, "gateway:create_app", "accounts", "seed-demo")
        totals, admin = demo_year.load(running.url)
        demo_year.wait_for_figures(admin, totals, timeout=300)
        running.year = str(demo_year.YEAR)
        yield running


@pytest.fixture(scope="session")
def short_token_gateway(stack, tmp_path_factory):
    """A second gateway on the same accounts and services whose access tokens live 3 s."""
    env = stack.env | {"ACCESS_TOKEN_TTL": "3"}
    process = ServiceProcess("gateway", env=env, var_dir=tmp_path_factory.mktemp("short-ttl"))
    yield process.wait_ready()
    process.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, on a fresh profile (Playwright cannot download one here)."""
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: `make test` installs it (deploy/ensure-packages.sh)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=CHINESE_BROWSER_ENV
        )
        yield launched
        launched.close()


@pytest.fixture
def phone(browser):
    """A new browser context the size of a small phone (360×640), with its own storage."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        service_workers="allow",
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture(scope="session")
def shots():
    """Where screenshots go: var/artifacts/browser/<name>.png (the path is printed), this
    run's only."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)

    def shoot(page, name, whole=False):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=whole)
        print(f"screenshot: {path}")
        return path

    return shoot


def staff_headers(stack):
    """The staff account's Authorization header."""
    return bearer(stack.logins.tokens["staff"])


def wait_until(predicate, timeout, what):
    """Poll a predicate (see tests.support.processes.wait_for)."""
    wait_for(predicate, timeout, what)
