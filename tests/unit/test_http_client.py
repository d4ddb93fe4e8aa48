"""A kept-alive connection the other side closed as a request went out, unanswered: the
request, a write too, is sent once more on a new connection; a read timeout is never
retried (tests/integration/test_stale_connections.py: through the gateway, what the
upstream took in)."""

import time

import pytest

from shared import http_client
from shared.errors import ApiError
from tests.support.upstream import Upstream


@pytest.fixture
def server():
    http_client._local.session = None  # a pool of its own for the test
    yield Upstream("let go")
    http_client._local.session = None


def test_a_get_on_a_connection_closed_under_it_is_sent_again(server):
    first = http_client.call("GET", server.url, service="registry")
    assert first.json() == {"answered_by_connection": 1}
    again = http_client.call("GET", server.url, service="registry")
    assert again.status_code == 201 and again.json() == {"answered_by_connection": 2}


def test_a_write_on_a_connection_closed_under_it_is_sent_again_on_a_new_one(server):
    assert http_client.call("GET", server.url, service="registry").ok
    again = http_client.call("POST", server.url, service="registry", data=b"{}")
    assert again.status_code == 201 and again.json() == {"answered_by_connection": 2}
    assert server.taken_in == [None, {}] and server.connections == 2


def test_a_read_timeout_is_never_sent_again():
    http_client._local.session = None
    slow = Upstream("let go", stall=3)
    with pytest.raises(ApiError) as timed_out:
        http_client.call("GET", slow.url, service="registry", timeout=(1, 0.5))
    assert timed_out.value.status == 504
    time.sleep(0.2)
    assert slow.connections == 1
    http_client._local.session = None


def test_a_proxy_named_in_the_environment_is_not_used_between_components(server, monkeypatch):
    # Port 9 (discard) on loopback: a request sent by way of this proxy is never answered.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    answer = http_client.call("GET", server.url, service="registry", timeout=(1, 1))
    assert answer.json() == {"answered_by_connection": 1}
