"""The same services on PostgreSQL: only the database URL changes (as in production)."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests
import sqlalchemy as sa

from shared.db import WRITING, make_engine
from shared.errors import DATABASE_UNREACHABLE
from shared.feed import metadata as feed_metadata
from shared.feed import serialise_writers
from tests.integration.rollup_support import activity_body, bearer, consultation_body
from tests.support.postgres import PostgresCluster
from tests.support.processes import (
    RECORDING_SERVICES,
    start_recording_services,
)

ADMIN = bearer("admin")
ADVISOR = bearer("advisor", subject="9", scope={"advisor_id": "1"})


@pytest.fixture(scope="module")
def cluster():
    """One PostgreSQL server for the module's tests."""
    cluster = PostgresCluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def on_postgres(tmp_path_factory, redis_server, cluster):
    """Registry, activities and consultations each on its own PostgreSQL database."""
    root = tmp_path_factory.mktemp("pg")
    databases = {f"{n.upper()}_DATABASE_URL": cluster.url(f"pufa_{n}") for n in RECORDING_SERVICES}
    processes, _env = start_recording_services(root, redis_server.url, **databases)
    yield {name: process.url for name, process in processes.items()}
    for process in processes.values():
        process.stop()


def test_the_services_work_unchanged_on_postgresql(on_postgres):
    registry, activities = on_postgres["registry"], on_postgres["activities"]
    coverage = requests.get(
        f"{registry}/coverage?date=2024-06-01", headers=ADMIN, timeout=10
    ).json()
    assert (coverage["villages"], coverage["covered"]) == (324, 324)

    items = [{"kind": "activity", "data": activity_body(n)} for n in range(20)]
    batch = requests.post(
        f"{activities}/activities/batch", json={"items": items}, headers=ADMIN, timeout=30
    ).json()
    assert batch["summary"]["created"] == 20
    replay = requests.post(
        f"{activities}/activities/batch", json={"items": items}, headers=ADMIN, timeout=30
    ).json()
    assert replay["summary"]["duplicate"] == 20
    first = items[0]["data"]
    checkin = {
        "id": str(uuid.uuid4()),
        "attendee_name": "干部",
        "checked_in_at": first["starts_at"],
    }
    answer = requests.post(
        f"{activities}/activities/{first['id']}/checkins", json=checkin, headers=ADMIN, timeout=10
    )
    assert answer.status_code == 201
    page = requests.get(f"{activities}/activities?limit=7", headers=ADMIN, timeout=10).json()
    assert len(page["items"]) == 7 and page["next_cursor"]

    feed = requests.get(f"{activities}/feed", headers=ADMIN, timeout=10).json()
    assert [e["seq"] for e in feed["entries"]] == list(range(1, 22))
    grouped = requests.get(
        f"{activities}/feed/aggregate?grouping=day,township_code", headers=ADMIN, timeout=10
    ).json()
    assert grouped["as_of_seq"] == 21
    assert sum(g["sessions"] for g in grouped["groupings"][0]["groups"]) == 20

    consultation = requests.post(
        f"{on_postgres['consultations']}/consultations",
        json=consultation_body(1),
        headers=ADVISOR,
        timeout=10,
    )
    assert consultation.status_code == 201, consultation.text


def _all_at_once(count, send):
    """Call send(number) from `count` threads released together; their answers in order."""
    start = threading.Barrier(count)

    def one(number):
        start.wait()
        return send(number)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_a_batch_sent_again_while_it_is_written_creates_each_record_once(on_postgres):
    activities = on_postgres["activities"]
    items = [{"kind": "activity", "data": activity_body(n)} for n in range(100, 160)]
    answers = _all_at_once(4, lambda _n: requests.post(
        f"{activities}/activities/batch", json={"items": items}, headers=ADMIN, timeout=30
    ))  # fmt: skip
    assert [answer.status_code for answer in answers] == [200] * 4, [a.text[:200] for a in answers]
    summaries = [answer.json()["summary"] for answer in answers]
    assert sum(summary["created"] for summary in summaries) == 60
    assert sum(summary["duplicate"] for summary in summaries) == 3 * 60


def test_two_corrections_from_the_same_version_one_wins_one_is_stale(on_postgres):
    activities = on_postgres["activities"]
    body = activity_body(200)
    requests.post(f"{activities}/activities", json=body, headers=ADMIN, timeout=10)
    content = {key: value for key, value in body.items() if key != "id"}
    answers = _all_at_once(4, lambda n: requests.put(
        f"{activities}/activities/{body['id']}",
        json=content | {"version": 1, "headcount": 10 + n}, headers=ADMIN, timeout=10,
    ))  # fmt: skip
    assert sorted(answer.status_code for answer in answers) == [200, 409, 409, 409]
    stored = requests.get(f"{activities}/activities/{body['id']}", headers=ADMIN, timeout=10)
    assert stored.json()["version"] == 2


def test_a_write_cut_off_as_it_takes_the_change_log_is_a_database_down(cluster):
    # PostgreSQL restarting between the pool's ping and a write's first statement: the
    # driver's error must reach the app as SQLAlchemy's, which it answers as a 503.
    engine = make_engine(cluster.url("pufa_cut_off"))
    feed_metadata.create_all(engine)

    @sa.event.listens_for(engine, "begin")  # listening first: before the change log's lock
    def server_cuts_the_connection(connection):
        pid = connection.connection.driver_connection.info.backend_pid
        with psycopg.connect(cluster.socket_dsn("postgres"), autocommit=True) as superuser:
            superuser.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))

    serialise_writers(engine)

    try:
        writer = engine.execution_options(**{WRITING: True})
        with pytest.raises(DATABASE_UNREACHABLE) as cut_off, writer.begin() as connection:
            connection.execute(sa.text("SELECT count(*) FROM change_log"))
        assert isinstance(cut_off.value.orig, psycopg.OperationalError)
        assert "LOCK TABLE change_log" in cut_off.value.statement
        sa.event.remove(engine, "begin", server_cuts_the_connection)
        # ...and the next write, on a fresh connection, goes through.
        with writer.begin() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM change_log")).scalar() == 0
    finally:
        engine.dispose()
