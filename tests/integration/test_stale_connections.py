"""A write the upstream never took in is sent again, once; one it took in is never sent
twice. The real gateway forwards to an upstream on a real socket that keeps connections
alive and lets them go as the next request arrives (as a gunicorn or an nginx does with an
idle connection whose keep-alive time is up), or takes a write in and drops it."""

import pytest
import requests

from tests.support.accounts import bearer, create_admin_by_cli, log_in
from tests.support.processes import start_components, wire
from tests.support.upstream import Upstream

WRITE = "/api/v1/activities/activities/batch"


def gateway_in_front_of(upstream, tmp_path, redis_url):
    """The real gateway (one worker, one thread: one pool of kept-alive connections) with
    the activities service at `upstream`, and an admin's Authorization header on it."""
    ports, env = wire(("gateway",), tmp_path, redis_url, WEB_CONCURRENCY="1", GUNICORN_THREADS="1")
    env["ACTIVITIES_URL"] = upstream.url
    gateway = start_components(ports, env=env, var_dir=tmp_path)["gateway"]
    create_admin_by_cli(env, "root-admin")
    token = log_in(gateway.url, "root-admin").json()["access_token"]
    return gateway, bearer(token)


def write(gateway, headers, number):
    """POST one batch through the gateway, as a phone does."""
    return requests.post(
        f"{gateway.url}{WRITE}", json={"items": [{"n": number}]}, headers=headers, timeout=20
    )


@pytest.fixture
def through_gateway(tmp_path, redis_server):
    """Start the gateway in front of an Upstream(then); stop it after the test."""
    started = []

    def start(then):
        upstream = Upstream(then)
        gateway, headers = gateway_in_front_of(upstream, tmp_path, redis_server.url)
        started.append(gateway)
        return upstream, gateway, headers

    yield start
    for gateway in started:
        gateway.stop()


def test_a_write_on_a_kept_alive_connection_let_go_arrives_once_and_is_answered(through_gateway):
    upstream, gateway, headers = through_gateway("let go")
    assert write(gateway, headers, 1).status_code == 201

    answer = write(gateway, headers, 2)

    assert answer.status_code == 201, answer.text
    assert answer.json() == {"answered_by_connection": 2}
    assert upstream.taken_in == [{"items": [{"n": 1}]}, {"items": [{"n": 2}]}]


def test_a_write_taken_in_and_dropped_mid_answer_is_not_sent_twice(through_gateway):
    upstream, gateway, headers = through_gateway("drop mid-answer")
    assert write(gateway, headers, 1).status_code == 201

    answer = write(gateway, headers, 2)

    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "upstream_unavailable"
    assert upstream.taken_in == [{"items": [{"n": 1}]}, {"items": [{"n": 2}]}]
    assert upstream.connections == 1


def test_a_write_taken_in_on_a_new_connection_and_dropped_is_not_sent_twice(through_gateway):
    upstream, gateway, headers = through_gateway("drop unanswered")

    answer = write(gateway, headers, 1)

    assert answer.status_code == 503
    assert answer.json()["error"]["message"] == "activities 服务暂时无法访问,请稍后再试。"
    assert upstream.taken_in == [{"items": [{"n": 1}]}]
    assert upstream.connections == 1


def test_an_answer_cut_off_mid_body_is_a_503_in_the_shared_shape(through_gateway):
    upstream, gateway, headers = through_gateway("cut body")

    answer = write(gateway, headers, 1)

    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "upstream_unavailable"
    assert upstream.taken_in == [{"items": [{"n": 1}]}]
