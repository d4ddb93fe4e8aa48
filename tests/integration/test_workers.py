"""A component runs one gunicorn worker per core; its /metrics count every worker's work."""

import re
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.support.processes import ServiceProcess, component_env

REQUESTS = 40


def _healthz_count(metrics_text):
    found = re.search(
        r'http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)', metrics_text
    )
    return float(found.group(1)) if found else 0.0


def test_metrics_add_up_the_requests_of_every_worker(tmp_path, redis_server):
    env = component_env(tmp_path, redis_server.url) | {"WEB_CONCURRENCY": "2"}
    registry = ServiceProcess("registry", env=env, var_dir=tmp_path).wait_ready()
    try:
        before = _healthz_count(requests.get(f"{registry.url}/metrics", timeout=5).text)

        def ask(_):  # a new connection each time, taken by whichever worker is free
            return requests.get(f"{registry.url}/healthz", timeout=5).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(ask, range(REQUESTS))) == {200}
        # Whichever worker answers /metrics, it reports the work of both.
        for _ in range(6):
            text = requests.get(f"{registry.url}/metrics", timeout=5).text
            assert _healthz_count(text) - before == REQUESTS
    finally:
        registry.stop()
