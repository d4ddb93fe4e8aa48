"""The baseline's first hop: a bare Flask app that forwards every GET and POST with
`requests` to BARE_UPSTREAM and relays the answer, as the gateway does (nothing else)."""

import os
import threading

import requests
from flask import Flask, Response, request

_local = threading.local()


def create_app():
    """A Flask app forwarding GET and POST /<path> to the same path of BARE_UPSTREAM."""
    app = Flask(__name__)
    upstream = os.environ["BARE_UPSTREAM"]

    @app.route("/<path:path>", methods=["GET", "POST"])
    def forward(path):
        if getattr(_local, "session", None) is None:
            _local.session = requests.Session()
        answer = _local.session.request(
            request.method,
            f"{upstream}/{path}",
            params=request.args,
            data=request.get_data(),
            headers={"Content-Type": request.content_type or "application/json"},
            timeout=60,
        )
        kind = answer.headers.get("Content-Type")
        return Response(answer.content, status=answer.status_code, content_type=kind)

    return app
