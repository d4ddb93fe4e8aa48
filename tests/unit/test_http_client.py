"""A kept-alive connection the other side closed as a request went out: a GET is sent
once more on a new connection; a write is not (it may have been done); a read timeout is
never retried."""

import socket
import threading
import time

import pytest

from shared import http_client
from shared.errors import ApiError

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"


class ClosingAsTheSecondRequestArrives:
    """An HTTP/1.1 server on loopback: on each connection it answers the first request,
    keeps the connection alive, and closes it, unanswered, when the next one arrives."""

    def __init__(self, stall=0.0):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections, self.stall = 0, stall
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            connection, _ = self.listener.accept()
            self.connections += 1
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection):
        with connection:
            if not self._request(connection):
                return
            time.sleep(self.stall)
            body = b"connection %d" % self.connections
            connection.sendall(ANSWER % (len(body), body))
            self._request(connection)  # the next request: closed without an answer

    @staticmethod
    def _request(connection):
        received = b""
        while b"\r\n\r\n" not in received:
            part = connection.recv(65536)
            if not part:
                return False
            received += part
        return True


@pytest.fixture
def server():
    http_client._local.session = None  # a pool of its own for the test
    yield ClosingAsTheSecondRequestArrives()
    http_client._local.session = None


def test_a_get_on_a_connection_closed_under_it_is_sent_again(server):
    first = http_client.call("GET", server.url, service="registry")
    assert first.text == "connection 1"
    again = http_client.call("GET", server.url, service="registry")
    assert again.status_code == 200 and again.text == "connection 2"


def test_a_write_on_a_connection_closed_under_it_is_not_sent_again(server):
    assert http_client.call("GET", server.url, service="registry").ok
    with pytest.raises(ApiError) as refused:
        http_client.call("POST", server.url, service="registry", data=b"{}")
    assert refused.value.status == 503
    assert server.connections == 1


def test_a_read_timeout_is_never_sent_again():
    http_client._local.session = None
    slow = ClosingAsTheSecondRequestArrives(stall=3)
    with pytest.raises(ApiError) as timed_out:
        http_client.call("GET", slow.url, service="registry", timeout=(1, 0.5))
    assert timed_out.value.status == 504
    time.sleep(0.2)
    assert slow.connections == 1
    http_client._local.session = None
