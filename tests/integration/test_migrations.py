"""Migrations are a step of their own, before the servers start: replicas that start
together on one PostgreSQL database migrate one after another, never racing."""

import subprocess
import sys

import pytest
import sqlalchemy as sa

from shared.config import REPO_ROOT
from shared.db import MIGRATION_LOCK
from tests.support.postgres import PostgresCluster
from tests.support.processes import component_env

REPLICAS = 3
WAIT_SECONDS = 4  # long enough for a replica to migrate, were it not kept waiting


@pytest.fixture(scope="module")
def cluster():
    server = PostgresCluster()
    yield server
    server.stop()


def _migrate(env):
    command = [sys.executable, "-m", "deploy.migrate", "activities"]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    return subprocess.Popen(command, env=env, cwd=REPO_ROOT, **pipes)


def _tables(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
    engine.dispose()
    return tables


def test_a_replica_waits_while_another_migrates_then_finds_the_schema_at_head(
    cluster, tmp_path, redis_server
):
    url = cluster.url("pufa_replicas")
    env = component_env(tmp_path, redis_server.url, {"ACTIVITIES_DATABASE_URL": url})
    engine = sa.create_engine(url)
    with engine.connect() as other_replica:  # holds the migrations' lock, as one migrating
        other_replica.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        waiting = _migrate(env)
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(WAIT_SECONDS)
        assert "activities" not in _tables(url)
        other_replica.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        other_replica.commit()
    engine.dispose()
    assert waiting.wait(60) == 0, waiting.stderr.read()[-1500:]
    waiting.stdout.close()
    waiting.stderr.close()
    replicas = [_migrate(env) for _ in range(REPLICAS)]  # the schema at head: nothing to do
    assert [replica.wait(60) for replica in replicas] == [0] * REPLICAS
    for replica in replicas:
        replica.stdout.close()
        replica.stderr.close()
    assert {"activities", "change_log", "record_history"} <= _tables(url)


def test_an_app_no_longer_migrates_when_it_is_built(tmp_path, redis_url):
    from services.activities import create_app

    path = tmp_path / "activities.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": redis_url})
    with app.extensions["database"].engine.connect() as connection:
        assert sa.inspect(connection).get_table_names() == []
