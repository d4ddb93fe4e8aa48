"""The baseline of a read as users meet it: a bare Flask proxy that forwards each request
with `requests` to a bare Flask app answering a small JSON (two hops, as gateway -> stats).
Both run under the project's gunicorn settings."""

import os
import threading

import requests
from flask import Flask, Response, request

_local = threading.local()


def create_backend():
    """GET /answer: a small JSON, nothing else."""
    app = Flask(__name__)

    @app.get("/answer")
    def answer():
        return {"year": "2024", "value": 4500, "records": "/api/v1/activities/activities"}

    return app


def create_proxy():
    """Forwards every GET to BARE_UPSTREAM on a kept-alive session of its thread."""
    app = Flask(__name__)
    upstream = os.environ["BARE_UPSTREAM"]

    @app.get("/<path:path>")
    def forward(path):
        if getattr(_local, "session", None) is None:
            _local.session = requests.Session()
        answer = _local.session.get(f"{upstream}/{path}", params=request.args, timeout=10)
        return Response(answer.content, answer.status_code, content_type="application/json")

    return app
