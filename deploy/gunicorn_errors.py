"""gunicorn's own error answers (a request it cannot parse: a bad request line, headers
too large, a URI too long) in the shared error shape, as JSON, instead of its HTML page.

gunicorn writes them with `gunicorn.util.write_error` before any app sees the request;
`install()` puts ours in its place (called from deploy/gunicorn.conf.py).
"""

import json

from gunicorn import util

from shared.errors import CODES, STATUS_MESSAGES
from shared.messages import localise

CODES_OF_GUNICORN = {414: "uri_too_long", 417: "expectation_failed", 431: "headers_too_large"}
MESSAGES_OF_GUNICORN = {
    414: "The address is too long.",
    417: "The request is not valid.",
    431: "The request headers are too large.",
    501: "The request is not valid.",
}


def json_error(status, reason):
    """The bytes of a closing HTTP answer in the shared shape, for `status`."""
    message = MESSAGES_OF_GUNICORN.get(status) or STATUS_MESSAGES.get(status)
    message = message or "An unexpected error occurred; it has been logged."
    body = json.dumps(
        {
            "error": {
                "status": status,
                "code": CODES_OF_GUNICORN.get(status) or CODES.get(status, "error"),
                "message": localise(message, english=False),
                "request_id": None,
            }
        },
        ensure_ascii=False,
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_json_error(sock, status_int, reason, _mesg):
    """gunicorn's write_error, answering in the shared shape (its detail is only logged)."""
    util.write_nonblock(sock, json_error(status_int, reason))


def install():
    """Have gunicorn write its own errors as JSON."""
    util.write_error = write_json_error
