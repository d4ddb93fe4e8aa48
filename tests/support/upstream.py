"""An upstream on a real socket that keeps connections alive and lets them go, or drops
what it took in: what a component's HTTP client meets when a server closes under it."""

import json
import socket
import threading
import time

ANSWER = b"HTTP/1.1 201 CREATED\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"


class Upstream:
    """An HTTP/1.1 server on loopback standing where a component is. It takes
    in (records) and answers each connection's first request, keeps the connection alive,
    and then treats the next request on it as `then` says: `"let go"` closes the
    connection as its bytes arrive, never reading it; `"drop mid-answer"` takes it in and
    closes after the first bytes of an answer; `"drop unanswered"` (on every connection,
    its first request too) takes it in and closes without a byte; `"cut body"` (on every
    connection) takes it in, sends a whole head and a part of the body it announced, and
    closes. `stall` seconds pass before each first answer."""

    def __init__(self, then, stall=0.0):
        self.then, self.stall = then, stall
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.taken_in, self.connections = [], 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            connection, _ = self.listener.accept()
            self.connections += 1
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection):
        with connection:
            if self.then == "drop unanswered":
                self._take_in(connection)
                return
            if self.then == "cut body":
                if self._take_in(connection):
                    connection.sendall(ANSWER % (1000, b'{"items": ['))
                return
            if not self._take_in(connection):
                return
            time.sleep(self.stall)
            body = json.dumps({"answered_by_connection": self.connections}).encode()
            connection.sendall(ANSWER % (len(body), body))
            if self.then == "let go":
                connection.recv(1)  # the next request has begun to arrive: let it go
            elif self._take_in(connection):
                connection.sendall(b"HTTP/1.1 20")

    def _take_in(self, connection):
        received = b""
        while b"\r\n\r\n" not in received:
            part = connection.recv(65536)
            if not part:
                return False
            received += part
        head, _, body = received.partition(b"\r\n\r\n")
        fields = dict(line.lower().split(b":", 1) for line in head.split(b"\r\n")[1:])
        length = int(fields.get(b"content-length", b"0"))
        while len(body) < length:
            body += connection.recv(65536)
        self.taken_in.append(json.loads(body) if body else None)
        return True
