"""The stats API refuses periods and years that do not exist or are out of range (422),
before it looks for any figure; it reads the figures of the namespace live at the time,
and of a breakdown the metric asked for, whole."""

import pytest
import redis

from services.stats import create_app, figures
from services.stats.figures import read_live
from services.stats.names import ASKED_AT
from services.stats.rollup import CURRENT, figures_key, keys
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


@pytest.mark.parametrize("whole_hash", [figures.WHOLE_HASH, 10])
def test_a_breakdown_read_returns_one_metric_whole_in_a_hash_of_many(
    redis_url, monkeypatch, whole_hash
):
    """A breakdown is read as one metric's fields of a hash holding every metric's; where
    one scan does not reach the hash's end (a scan allowed only 10 entries), the whole hash
    is read instead, and the answer is the same."""
    monkeypatch.setattr(figures, "WHOLE_HASH", whole_hash)
    connection = redis.Redis.from_url(redis_url)
    townships = [f"6532221{n:02d}" for n in range(16)]
    villages = [f"6532221{n:05d}" for n in range(300)]  # a hash too big to be sent packed
    metrics = ("sessions", "attendances", "cadre_attendances")
    for dimension, codes in (("township", townships), ("village", villages)):
        connection.hset(
            figures_key("live", "2024", "county", dimension),
            mapping={
                f"{m}|{code}": 10 * i + len(m) for m in metrics for i, code in enumerate(codes)
            },
        )
    connection.hset(keys("live")["names"], mapping={ASKED_AT: "0"} | {
        f"township:{code}": f"第{i}乡" for i, code in enumerate(townships)
    })  # fmt: skip
    connection.set(CURRENT, "live")
    ranked = figures.township_ranking(connection, "attendances", "2024")
    assert [(row["area"], row["area_name"], row["value"]) for row in ranked] == [
        (f"township:{code}", f"第{i}乡", 10 * i + len("attendances"))
        for i, code in reversed(list(enumerate(townships)))
    ]
    named = figures.breakdown_of(connection, "cadre_attendances", "2024", "county", "village")
    assert [row["value"] for row in named] == [
        10 * i + len("cadre_attendances") for i in reversed(range(len(villages)))
    ]
    (by_village,) = figures.breakdowns(
        connection, "live", "sessions", [("2024", "county")], "village"
    )
    assert len(by_village) == len(villages)
    assert {row["breakdown"]: row["value"] for row in by_village} == {
        f"village:{code}": 10 * i + len("sessions") for i, code in enumerate(villages)
    }
