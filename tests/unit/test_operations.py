"""Database settings, readiness, metrics and JSON logs shared by every app."""

import io
import json
import logging

from sqlalchemy import text

from services.stats import create_app as create_stats
from shared.db import get_db
from shared.logs import configure_logging


def test_sqlite_runs_in_wal_with_foreign_keys(app):
    with app.app_context(), get_db().engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_schema_comes_from_migrations(app):
    with app.app_context(), get_db().engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == "registry_0002"


def test_ready_when_database_and_redis_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": {"ready": True}, "redis": {"ready": True}}


def test_not_ready_when_redis_is_away(tmp_path):
    from services.registry import create_app

    dead = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
            "REDIS_URL": "redis://127.0.0.1:1/0",
        }
    )
    response = dead.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"]["ready"] is False


def test_stats_reports_a_missing_worker_but_still_serves(redis_url):
    stats = create_stats({"REDIS_URL": redis_url})
    response = stats.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["worker"] == {
        "ready": False,
        "error": "WorkerNotAlive",
    }


def test_metrics_count_requests_by_route_and_status(client):
    client.get("/healthz")
    client.get("/no/such/page")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in body
    assert 'route="<unmatched>",status="404"' in body
    assert "http_request_duration_seconds_bucket" in body


def test_log_lines_are_json_with_the_request_id(client):
    stream = io.StringIO()
    handler = configure_logging("registry", "INFO", stream=stream)
    try:
        client.get("/healthz", headers={"X-Request-ID": "req-poll"})  # a poll: DEBUG only
        client.get("/townships", headers={"X-Request-ID": "req-123"})
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "access"]
    assert [line["request_id"] for line in access] == ["req-123"]
    assert access[-1]["route"] == "/townships" and access[-1]["status"] == 401
