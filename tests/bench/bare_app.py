"""The baseline: bare Flask endpoints that insert JSON rows into SQLite (WAL): one row a
request, or a batch's items in one transaction; and one that answers a small JSON."""

import json
import os
import sqlite3
import threading

from flask import Flask, request

_local = threading.local()


def _connection(path):
    if getattr(_local, "connection", None) is None:
        connection = sqlite3.connect(path, timeout=15, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS rows (id TEXT PRIMARY KEY, body TEXT)")
        _local.connection = connection
    return _local.connection


def create_app():
    """A Flask app with POST /insert (one row a request) and POST /insert-many (a batch
    request's items, one transaction) and GET /answer (a small JSON): nothing else."""
    app = Flask(__name__)
    path = os.environ.get("BARE_DB", ":memory:")

    @app.get("/answer")
    def answer():
        return {"year": "2024", "value": 4500, "records": "/api/v1/activities/activities"}

    @app.post("/insert")
    def insert():
        body = request.get_json()
        connection = _connection(path)
        connection.execute("INSERT INTO rows VALUES (?, ?)", (body["id"], json.dumps(body)))
        return {"id": body["id"]}, 201

    @app.post("/insert-many")
    def insert_many():
        records = [item["data"] for item in request.get_json()["items"]]
        connection = _connection(path)
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO rows VALUES (?, ?)", [(row["id"], json.dumps(row)) for row in records]
        )
        connection.execute("COMMIT")
        return {"inserted": len(records)}

    return app
