"""A sync the stats worker took and never ran (killed between taking the job and starting
it) does not hold a source's figures still: the next tick queues another."""

import pytest
import requests

from services.stats.jobs import stats_queue, tick
from shared.redis_client import get_redis
from tests.integration.rollup_support import (
    ADMIN,
    activity_body,
    counting_world,
    drain,
    recount,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with counting_world(tmp_path_factory.mktemp("sync-queue")) as world:
        yield world


def sessions_shown(world):
    answer = world["stats"].test_client().get("/summary?year=2024", headers=ADMIN)
    return answer.get_json()["figures"]["sessions"]["value"]


def test_a_sync_taken_by_a_worker_that_died_is_queued_again(world):
    drain(world["stats"])
    items = [{"kind": "activity", "data": activity_body(n)} for n in range(20)]
    answer = requests.post(
        f"{world['urls']['activities']}/activities/batch",
        json={"items": items},
        headers=ADMIN,
        timeout=10,
    )
    assert answer.status_code == 200
    with world["stats"].app_context():
        connection = get_redis()
        queue = stats_queue(connection)
        queue.empty()
        tick(connection)
        # a worker takes every queued sync, then dies before running any of them
        while queue.get_job_ids():
            queue.pop_job_id()
        tick(connection)
        assert any(job_id.startswith("sync-activities-") for job_id in queue.get_job_ids())
    drain(world["stats"], rounds=1)
    assert sessions_shown(world) == recount(world["urls"], ADMIN, "2024")["sessions"]
