"""The gateway forwards to the services and turns a dead or slow one into 503/504."""

import http.client
import io
import socket
import threading
import time

import pytest
import requests
from openpyxl import load_workbook

from tests.integration.conftest import start_system
from tests.integration.rollup_support import activity_body
from tests.support.processes import ServiceProcess, component_env


def test_gateway_forwards_to_the_service_and_back(system, logins):
    gateway = system["gateway"].url
    response = requests.get(
        f"{gateway}/api/v1/activities/whoami",
        headers={**logins.header("staff"), "X-Request-ID": "through-gw"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json()["component"] == "activities"
    assert response.json()["subject"] == str(logins.ids["staff"])
    assert response.json()["scope"] == {"township": "653222100"}
    assert response.headers["X-Request-ID"] == "through-gw"
    # The id travelled on: the service logged its side of the request under it.
    service_log = system["activities"].log_text()
    assert '"request_id": "through-gw"' in service_log


def test_a_download_passes_through_the_gateway_as_it_arrives(system, logins):
    gateway, admin = system["gateway"].url, logins.header("admin")
    batch = [
        {"kind": "activity", "data": activity_body(number, title=f"=普法{number}")}
        for number in range(300)
    ]
    answer = requests.post(
        f"{gateway}/api/v1/activities/activities/batch",
        json={"items": batch},
        headers=admin,
        timeout=30,
    )
    assert answer.json()["summary"]["created"] == 300, answer.text[:300]
    with requests.get(
        f"{gateway}/api/v1/activities/activities?format=xlsx&from=2024-01-01&to=2024-12-31",
        headers=admin,
        stream=True,
        timeout=30,
    ) as download:
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers.get("Transfer-Encoding") == "chunked"  # relayed, not held
        sheet = load_workbook(io.BytesIO(download.raw.read())).active
    titles = {row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {f"=普法{number}" for number in range(300)} <= titles


def test_gateway_relays_service_errors_unchanged(system):
    response = requests.get(f"{system['gateway'].url}/api/v1/registry/feed", timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_missing"


def _sent_as_is(port, path, headers):
    """GET a path exactly as written (requests would resolve its dot segments first)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read().decode(errors="replace")
    finally:
        connection.close()


def test_gateway_does_not_expose_internal_or_unknown_paths(system, logins):
    gateway = system["gateway"].url
    admin = logins.header("admin")
    for path in ("metrics", "healthz", "readyz"):
        response = requests.get(f"{gateway}/api/v1/registry/{path}", headers=admin, timeout=5)
        assert response.status_code == 404, path
    # However the path is spelled, an operational endpoint stays inside.
    for path in ("./metrics", "x/../metrics", "%2e/metrics", "%2E%2E/registry/metrics",
                 "feed%3F/../../metrics", "metrics%3Fx", "/metrics", "townships/../healthz",
                 "%2fmetrics", ".%2fmetrics", "x/%2e%2e/metrics", "openapi.json"):  # fmt: skip
        status, text = _sent_as_is(system["gateway"].port, f"/api/v1/registry/{path}", admin)
        assert status == 404, path
        assert "python_gc" not in text and "process_" not in text, path
    assert requests.get(f"{gateway}/api/v1/registry/townships", headers=admin, timeout=5).ok
    unknown = requests.get(f"{gateway}/api/v1/nowhere/feed", headers=admin, timeout=5)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


def test_the_gateways_own_metrics_need_an_operator(system, logins):
    metrics = f"{system['gateway'].url}/metrics"
    assert requests.get(metrics, timeout=5).status_code == 401
    assert requests.get(metrics, headers=logins.header("staff"), timeout=5).status_code == 403
    shown = requests.get(metrics, headers=logins.header("admin"), timeout=5)
    assert shown.status_code == 200 and "http_requests_total" in shown.text


def test_gateway_health_reports_each_component(system):
    report = requests.get(f"{system['gateway'].url}/healthz", timeout=10).json()
    for name in ("registry", "activities", "consultations", "stats", "redis"):
        assert report["components"][name]["ready"] is True, name
    # No worker runs in this fixture, so the system is honestly not all ready.
    assert report["components"]["worker"]["ready"] is False
    assert report["status"] == "degraded"


def test_a_stopped_service_is_503_while_others_still_answer(tmp_path, redis_server, auth_header):
    """Stop the activities service; the gateway answers 503 in time, the registry still 200."""
    procs, _env = start_system(tmp_path, redis_server.url, ("registry", "activities", "gateway"))
    try:
        gateway = procs["gateway"].url
        headers = auth_header("service")
        assert requests.get(f"{gateway}/api/v1/activities/feed", headers=headers, timeout=5).ok
        procs["activities"].stop()

        started = time.monotonic()
        down = requests.get(f"{gateway}/api/v1/activities/feed", headers=headers, timeout=10)
        elapsed = time.monotonic() - started
        assert down.status_code == 503
        assert down.json()["error"]["code"] == "upstream_unavailable"
        assert "activities" in down.json()["error"]["message"]
        assert elapsed < 3, "the gateway must answer within its connect timeout"

        still = requests.get(f"{gateway}/api/v1/registry/feed", headers=headers, timeout=5)
        assert still.status_code == 200
    finally:
        for process in procs.values():
            process.stop()


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers (a hung service)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_hung_service_is_504_within_the_proxy_timeout(
    tmp_path, redis_server, silent_server, auth_header
):
    env = component_env(
        tmp_path,
        redis_server.url,
        {
            "STATS_URL": silent_server,
            "HTTP_CONNECT_TIMEOUT": "0.5",
            "HTTP_READ_TIMEOUT": "0.5",
            "PROXY_READ_TIMEOUT": "1.5",
        },
    )
    gateway = ServiceProcess("gateway", env=env, var_dir=tmp_path).wait_ready()
    try:
        started = time.monotonic()
        response = requests.get(
            f"{gateway.url}/api/v1/stats/whoami", headers=auth_header("service"), timeout=10
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 504
        assert response.json()["error"]["code"] == "upstream_timeout"
        assert 1.4 < elapsed < 4
    finally:
        gateway.stop()
