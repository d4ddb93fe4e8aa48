"""The same services on PostgreSQL: only the database URL changes (as in production)."""

import uuid

import pytest
import requests

from shared.auth import issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY
from tests.integration.rollup_support import activity_body, consultation_body
from tests.support.postgres import PostgresCluster
from tests.support.processes import (
    RECORDING_SERVICES,
    start_recording_services,
)

ADMIN = {
    "Authorization": "Bearer " + issue_token(DEMO_TOKEN_SIGNING_KEY, subject="1", role="admin")
}
ADVISOR = {
    "Authorization": "Bearer "
    + issue_token(DEMO_TOKEN_SIGNING_KEY, subject="9", role="advisor", scope={"advisor_id": "1"})
}


@pytest.fixture(scope="module")
def on_postgres(tmp_path_factory, redis_server):
    """Registry, activities and consultations each on its own PostgreSQL database."""
    root = tmp_path_factory.mktemp("pg")
    cluster = PostgresCluster()
    databases = {f"{n.upper()}_DATABASE_URL": cluster.url(f"pufa_{n}") for n in RECORDING_SERVICES}
    try:
        processes, _env = start_recording_services(root, redis_server.url, **databases)
        yield {name: process.url for name, process in processes.items()}
        for process in processes.values():
            process.stop()
    finally:
        cluster.stop()


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
