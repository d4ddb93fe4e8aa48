"""While Redis is away a service judges tokens by the standing it last read, for a bounded
time: a disabled account stays refused, a standing one is served through a short Redis
restart (the market day's), and past the grace every token gets a Chinese 503 with
Retry-After rather than passing unchecked."""

import time

import requests

from tests.support.accounts import bearer, create_admin_by_cli, log_in
from tests.support.processes import RedisServer, start_components, wire

GRACE = 4


def vocabularies(service, token):
    """GET the activities service's vocabularies on its own port, as an insider could."""
    return requests.get(f"{service.url}/vocabularies", headers=bearer(token), timeout=10)


def test_a_redis_outage_keeps_what_was_read_and_then_refuses_with_503(tmp_path):
    redis_server = RedisServer(tmp_path / "redis")
    # One worker a component: the process that read a standing is the one asked again.
    ports, env = wire(
        ("gateway", "activities"),
        tmp_path,
        redis_server.url,
        WEB_CONCURRENCY="1",
        STANDING_GRACE_SECONDS=str(GRACE),
    )
    processes = start_components(ports, env=env, var_dir=tmp_path)
    gateway, activities = processes["gateway"], processes["activities"]
    try:
        create_admin_by_cli(env, "root-admin")
        admin = log_in(gateway.url, "root-admin").json()["access_token"]
        created = requests.post(
            f"{gateway.url}/api/v1/accounts",
            json={"username": "leaver", "password": "correct-horse-battery", "role": "leader"},
            headers=bearer(admin),
            timeout=10,
        )
        assert created.status_code == 201, created.text
        leaver = log_in(gateway.url, "leaver", "correct-horse-battery").json()["access_token"]
        disabled = requests.post(
            f"{gateway.url}/api/v1/accounts/{created.json()['id']}/disable",
            headers=bearer(admin),
            timeout=10,
        )
        assert disabled.status_code == 200, disabled.text
        assert vocabularies(activities, admin).status_code == 200
        assert vocabularies(activities, leaver).json()["error"]["code"] == "account_disabled"

        time.sleep(GRACE + 1)  # idle first: the grace counts from the failure met, not
        redis_server.stop()  # from Redis's last answer
        assert vocabularies(activities, admin).status_code == 200
        refused = vocabularies(activities, leaver)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "account_disabled"

        time.sleep(GRACE + 1)
        unknown = vocabularies(activities, admin)
        assert unknown.status_code == 503
        assert unknown.headers["Retry-After"] == "5"
        error = unknown.json()["error"]
        assert error["code"] == "standing_unknown"
        assert error["message"] == "暂时无法核实账号状态,请稍后重试。"
        assert vocabularies(activities, leaver).status_code == 503

        redis_server = RedisServer(
            tmp_path / "redis", port=redis_server.port, password=redis_server.password
        )
        deadline = time.monotonic() + 20
        while vocabularies(activities, admin).status_code != 200:
            assert time.monotonic() < deadline, "not served again once Redis is back"
            time.sleep(0.5)
        assert vocabularies(activities, leaver).status_code == 401
    finally:
        for process in processes.values():
            process.stop()
        redis_server.stop()
