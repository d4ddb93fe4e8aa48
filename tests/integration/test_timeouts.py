"""Inner calls time out before outer ones: a hanging registry gives the service's own 503
through the gateway, not the gateway's 504."""

import os
import signal
import time

import requests

from tests.integration.conftest import start_system
from tests.integration.rollup_support import consultation_body
from tests.support.accounts import Logins


def test_a_hanging_registry_gives_the_services_503_through_the_gateway(tmp_path, redis_server):
    names = ("registry", "consultations", "gateway")
    settings = {"HTTP_READ_TIMEOUT": "1", "PROXY_READ_TIMEOUT": "8"}
    processes, env = start_system(tmp_path, redis_server.url, names, **settings)
    try:
        logins = Logins(processes["gateway"].url, env)
        registry = processes["registry"].popen.pid
        os.killpg(registry, signal.SIGSTOP)  # it takes connections and answers nothing
        try:
            started = time.monotonic()
            answer = requests.post(
                f"{logins.url}/api/v1/consultations/consultations",
                json=consultation_body(1),
                headers=logins.header("advisor"),
                timeout=20,
            )
            waited = time.monotonic() - started
        finally:
            os.killpg(registry, signal.SIGCONT)
        assert answer.status_code == 503, answer.text
        error = answer.json()["error"]
        assert error["code"] == "upstream_unavailable" and "registry" in error["message"]
        assert waited < 8  # the service's answer, well before the gateway would give up
    finally:
        for process in processes.values():
            process.stop()
