"""The gateway lets writes through side by side: it holds no database lock while a
service answers, so a slow write keeps no other caller waiting."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.support.accounts import bearer, create_admin_by_cli, log_in
from tests.support.processes import ServiceProcess, component_env

UPSTREAM_SECONDS = 0.5
CALLERS = 4


@pytest.fixture
def slow_upstream():
    """A real HTTP server that takes UPSTREAM_SECONDS over every POST and notes when each
    began and ended (its own clock)."""
    seen, lock = [], threading.Lock()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):
            began = time.monotonic()
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(UPSTREAM_SECONDS)
            body = b'{"id": "x"}'
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with lock:
                seen.append((began, time.monotonic()))

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_concurrent_posts_through_the_gateway_reach_the_service_together(
    tmp_path, redis_server, slow_upstream
):
    upstream, seen = slow_upstream
    env = component_env(tmp_path, redis_server.url, {"ACTIVITIES_URL": upstream})
    gateway = ServiceProcess("gateway", env=env, var_dir=tmp_path).wait_ready()
    try:
        # A real account: the gateway reads it from its database on every call.
        create_admin_by_cli(env, "root-admin")
        headers = bearer(log_in(gateway.url, "root-admin").json()["access_token"])

        def post(number):
            return requests.post(
                f"{gateway.url}/api/v1/activities/activities",
                json={"n": number},
                headers=headers,
                timeout=10,
            ).status_code

        with ThreadPoolExecutor(CALLERS) as pool:
            statuses = list(pool.map(post, range(CALLERS)))
    finally:
        gateway.stop()
    assert statuses == [201] * CALLERS
    assert len(seen) == CALLERS
    # Every call reached the service before the first one was answered: they overlapped.
    assert max(began for began, _ in seen) < min(ended for _, ended in seen)
