"""The stats API refuses periods and years that do not exist or are out of range (422),
before it looks for any figure; it reads the figures of the namespace live at the time."""

import pytest
import redis

from services.stats import create_app
from services.stats.figures import read_live
from services.stats.rollup import CURRENT, figures_key
from shared.errors import ApiError


@pytest.fixture
def stats(tmp_path, redis_url):
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/stats.db", "REDIS_URL": redis_url})


@pytest.mark.parametrize(
    "period", ["2024-13", "2024-02-30", "9999-12", "1999", "2024-1", "24", "2024-W01-1"]
)
def test_a_period_that_does_not_exist_is_refused(stats, auth_header, period):
    answer = stats.test_client().get(
        f"/figures?metric=sessions&period={period}", headers=auth_header("leader")
    )
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["period"]


def test_real_periods_and_years_reach_the_figures(stats, auth_header):
    client, leader = stats.test_client(), auth_header("leader")
    for url in ("/figures?metric=sessions&period=2024-02-29", "/trend?metric=sessions&year=2024"):
        answer = client.get(url, headers=leader)  # no rollups yet: the figures say so
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (503, "rebuilding")
    answer = client.get("/trend?metric=sessions&year=0000", headers=leader)
    assert (answer.status_code, list(answer.get_json()["error"]["fields"])) == (422, ["year"])


@pytest.mark.parametrize("job_id", ["%C2%B0", "a.b", "x" * 200, "none-such"])
def test_a_rebuild_job_id_that_is_not_one_is_404(stats, auth_header, job_id):
    answer = stats.test_client().get(f"/rebuild/{job_id}", headers=auth_header("admin"))
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_a_read_is_of_the_namespace_live_when_it_is_read(redis_url):
    """A process that last read one namespace reads the next one's figures once a rebuild
    has swapped them, and none while the figures are being rebuilt."""
    connection = redis.Redis.from_url(redis_url)

    def sessions(pipe, ns):
        pipe.hget(figures_key(ns, "2024", "county"), "sessions")

    for ns, value in (("before", 3), ("after", 5)):
        connection.hset(figures_key(ns, "2024", "county"), "sessions", value)
    connection.set(CURRENT, "before")
    assert read_live(connection, sessions) == ("before", [b"3"])
    connection.set(CURRENT, "after")
    assert read_live(connection, sessions) == ("after", [b"5"])
    connection.delete(CURRENT)
    with pytest.raises(ApiError) as refused:
        read_live(connection, sessions)
    assert refused.value.code == "rebuilding"
