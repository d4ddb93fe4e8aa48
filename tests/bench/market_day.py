"""A market day's burst without faults, on the production topology (nginx with TLS, 2 of
each, PostgreSQL) against the same burst on `make run`'s topology (one process of each,
SQLite, the bundled Redis), in the same run: uploads per second and p50/p95 of each.

The phones (tests/production/phones.py) start within MARKET_WINDOW seconds (default 10: a
burst that tests what the topology holds; the production test spreads them over a minute).
"""

import json
import os
import sys
import tempfile
from pathlib import Path

from tests.integration.conftest import start_system
from tests.production import phones as market
from tests.production import queues
from tests.production.site import ADMIN, ADMIN_PASSWORD, ProductionSite
from tests.support.accounts import create_admin_by_cli, run_flask_command
from tests.support.processes import ManagedProcess, RedisServer

PHONES = int(os.environ.get("MARKET_PHONES", "300"))
WINDOW = float(os.environ.get("MARKET_WINDOW", "10"))
COMPONENTS = ("registry", "activities", "consultations", "stats", "gateway")
# Every phone has its own address; the limits are those of make run.
SETTINGS = {"HTTP_READ_TIMEOUT": "5", "PROXY_READ_TIMEOUT": "15"}


def burst(url, verify, admin):
    """Prepare the phones, run the burst, return its summary."""
    phones = market.prepare(url, verify, admin, PHONES)
    seconds = market.Burst(url, verify, phones, window=WINDOW).run()
    report = market.summary(phones, seconds)
    report["gave_up"] = sum(len(phone.gave_up) for phone in phones)
    return report


def on_production():
    """The burst on the production topology."""
    site = ProductionSite(Path(tempfile.mkdtemp(prefix="bench-production-")))
    try:
        site.create_admin()
        site.load_registry()
        admin = market.Admin(site.url, site.certificate, ADMIN, ADMIN_PASSWORD)
        return burst(site.url, site.certificate, admin)
    finally:
        site.stop()


def on_make_run():
    """The same burst on make run's topology: one gunicorn of each, SQLite, plain HTTP."""
    var_dir = Path(tempfile.mkdtemp(prefix="bench-make-run-"))
    redis = RedisServer(var_dir / "redis")
    started, env = start_system(var_dir, redis.url, COMPONENTS, **SETTINGS)
    worker = ManagedProcess(
        [sys.executable, "-m", "services.stats.worker"], env=env, log_path=var_dir / "worker.log"
    )
    try:
        run_flask_command(env, "services.registry:create_app", "registry", "load-moyu")
        create_admin_by_cli(env, ADMIN, ADMIN_PASSWORD)
        url = started["gateway"].url
        return burst(url, True, market.Admin(url, True, ADMIN, ADMIN_PASSWORD))
    finally:
        worker.stop()
        for process in started.values():
            process.stop()
        redis.stop()


def run():
    """Print both bursts' figures and their ratios."""
    production, make_run = on_production(), on_make_run()
    for name, report in (("production topology", production), ("make run topology", make_run)):
        print(f"market day, {name}: {json.dumps(report, ensure_ascii=False)}")
    print(
        f"market day ({PHONES} phones x {queues.ITEMS} items within {WINDOW:.0f} s): "
        f"production {production['items_per_second']} items/s, p95 {production['p95_ms']} ms; "
        f"make run {make_run['items_per_second']} items/s, p95 {make_run['p95_ms']} ms; "
        f"ratio {production['items_per_second'] / make_run['items_per_second']:.2f}x"
    )
