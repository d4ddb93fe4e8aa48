"""Request ids: taken from X-Request-ID or generated, returned on every answer."""

import re
import uuid

from flask import g, request

HEADER = "X-Request-ID"
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def current_request_id():
    """The id of the request being served (to pass on to outgoing calls)."""
    return g.get("request_id")


def install_request_ids(app):
    """Adopt or mint a request id before each request and echo it on the answer."""

    @app.before_request
    def adopt_request_id():
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _ACCEPTABLE.fullmatch(incoming) else uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        if g.get("request_id"):
            response.headers[HEADER] = g.request_id
        return response
