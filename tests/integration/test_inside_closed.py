"""The inside stays closed: Redis wants its password, the worker runs only stats jobs."""

import os
import stat
import sys

import psutil
import pytest
import redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer

from services.stats import QUEUE_NAME as STATS_QUEUE
from services.stats import create_app as create_stats
from services.stats.jobs import stats_queue
from tests.integration.rollup_support import work_burst
from tests.support.processes import ManagedProcess, free_port, wait_for


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_embedded_redis_refuses_clients_without_its_generated_password(tmp_path):
    port = free_port()
    env = dict(os.environ, VAR_DIR=str(tmp_path / "var"), REDIS_PORT=str(port))
    server = ManagedProcess(
        [sys.executable, "-m", "deploy.redis_server"], env=env, log_path=tmp_path / "redis.log"
    )
    try:
        secret = tmp_path / "var" / "secrets" / "redis-password"
        wait_for(secret.exists, 60, "the generated password")
        password = secret.read_text().strip()
        with_password = redis.Redis(port=port, password=password)

        def answers():
            try:
                return with_password.ping()
            except redis.ConnectionError:
                return False

        wait_for(answers, 60, "the embedded redis answering")
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port, password="guessed").ping()
        with_password.set("k", "v")
        # The secret, the Redis folder and what Redis writes there are its owner's alone.
        assert _mode(secret) == 0o600
        assert _mode(secret.parent) == 0o700
        data_dir = tmp_path / "var" / "redis"
        assert _mode(data_dir) == 0o700
        for path in data_dir.rglob("*"):
            assert _mode(path) & 0o077 == 0, f"{path} is readable by others"
        for process in psutil.Process(server.popen.pid).children(recursive=True):
            assert password not in " ".join(process.cmdline())  # ps shows every user this
    finally:
        server.stop()


def test_the_worker_refuses_jobs_that_are_not_stats_jobs(tmp_path, redis_url):
    stats = create_stats({"REDIS_URL": redis_url})
    connection = redis.Redis.from_url(redis_url)
    as_json = tmp_path / "made-by-a-json-job"
    as_pickle = tmp_path / "made-by-a-pickled-job"
    # What any local process could enqueue: a JSON job naming another function, and a
    # pickled one (RQ's default), both on the stats queue.
    refused = stats_queue(connection).enqueue("os.mkdir", str(as_json))
    pickled = Queue(STATS_QUEUE, connection=connection).enqueue("os.mkdir", str(as_pickle))
    with stats.app_context():
        work_burst(connection)
    assert not as_json.exists() and not as_pickle.exists()
    job = Job.fetch(refused.id, connection=connection, serializer=JSONSerializer)
    assert job.get_status() == "failed"
    assert "RefusedJob" in job.latest_result().exc_string
    assert connection.llen(f"rq:queue:{STATS_QUEUE}") == 0, pickled.id
