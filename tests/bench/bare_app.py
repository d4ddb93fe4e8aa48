"""The baseline: bare Flask endpoints that insert JSON rows into SQLite (WAL): one row a
request, or a batch's items in one transaction (as they came, or each first loaded by the
activities service's own marshmallow schema: what validating alone costs); and one that
answers a small JSON."""

import json
import os
import sqlite3
import threading

from flask import Flask, request

from services.activities.schemas import ActivityCreate

_local = threading.local()


def _connection(path):
    if getattr(_local, "connection", None) is None:
        connection = sqlite3.connect(path, timeout=15, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        for table in ("rows", "validated_rows"):  # the second: the same bodies, checked
            connection.execute(f"CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, body)")
        _local.connection = connection
    return _local.connection


def create_app():
    """A Flask app with POST /insert (one row a request), POST /insert-many (a batch
    request's items, one transaction), POST /insert-many-validated (the same, each item
    loaded by ActivityCreate first) and GET /answer (a small JSON): nothing else."""
    app = Flask(__name__)
    activity_schema = ActivityCreate()
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

    def _insert_all(records, table="rows"):
        connection = _connection(path)
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            f"INSERT INTO {table} VALUES (?, ?)",
            [(row["id"], json.dumps(row)) for row in records],
        )
        connection.execute("COMMIT")
        return {"inserted": len(records)}

    @app.post("/insert-many")
    def insert_many():
        return _insert_all([item["data"] for item in request.get_json()["items"]])

    @app.post("/insert-many-validated")
    def insert_many_validated():
        items = request.get_json()["items"]
        for item in items:
            activity_schema.load(item["data"])  # the checks only: the row is stored as sent
        return _insert_all([item["data"] for item in items], "validated_rows")

    return app
