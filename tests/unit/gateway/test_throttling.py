"""Brute force and floods: 429 with Retry-After, against the real Redis."""

import time

import pytest

from gateway import create_app
from gateway.accounts.throttle import pair_key
from tests.support.apps import close_redis, migrated

ADDRESS = "127.0.0.1"  # the test client's


def test_failed_logins_slow_then_lock_an_account(gw, make_account, login):
    make_account("amina")
    for _ in range(3):  # the free failures
        assert login("amina", "wrong-password").status_code == 401
    assert login("amina", "wrong-password").status_code == 401  # the 4th is heard, counted
    slowed = login("amina")  # even the right password must now wait
    assert slowed.status_code == 429
    assert slowed.get_json()["error"]["code"] == "login_throttled"
    assert int(slowed.headers["Retry-After"]) >= 1


def test_a_locked_account_stays_locked(gw, make_account, login, redis_server):
    make_account("amina")
    redis_server.client.hset(pair_key("amina", ADDRESS), mapping={"n": 10, "t": time.time()})
    locked = login("amina")
    assert locked.status_code == 429
    assert 800 < int(locked.headers["Retry-After"]) <= 901


def test_one_address_guessing_many_accounts_is_slowed(gw, make_account, login):
    for number in range(10):
        assert login(f"guess-{number}", "wrong-password").status_code == 401
    assert login("guess-10", "wrong-password").status_code == 429


def test_a_success_clears_the_account_failures(gw, make_account, login, redis_server):
    make_account("amina")
    login("amina", "wrong-password")
    assert login("amina").status_code == 200
    assert not redis_server.client.exists(pair_key("amina", ADDRESS))


def test_locking_an_account_out_at_one_address_leaves_it_open_at_another(gw, make_account, login):
    make_account("root", role="admin")
    attacker = {"environ_base": {"REMOTE_ADDR": "10.9.9.9"}}
    answers = [login("root", "guess", **attacker).status_code for _ in range(12)]
    assert answers[:4] == [401] * 4 and set(answers[4:]) == {429}
    assert login("root", **attacker).status_code == 429
    assert login("root", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 200


def test_a_disabled_account_answers_as_a_wrong_password_does(gw, make_account, login):
    make_account("root", role="admin")
    target = make_account("amina")
    admin = login("root").get_json()["access_token"]
    gw.post(f"/api/v1/accounts/{target}/disable", headers={"Authorization": f"Bearer {admin}"})
    right, wrong = login("amina"), login("amina", "wrong-password")
    assert right.status_code == wrong.status_code == 401
    shown = [
        (a.get_json()["error"]["code"], a.get_json()["error"]["message"]) for a in (right, wrong)
    ]
    assert shown[0] == shown[1]


@pytest.fixture
def tight_gateway(tmp_path, redis_url):
    config = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "REDIS_URL": redis_url,
        "RATE_LIMIT_PER_ADDRESS": "5 per minute",
    }
    app = migrated(create_app(config))
    yield app.test_client()
    close_redis(app)


def test_general_rate_limit_is_429_in_the_shared_shape(tight_gateway):
    answers = [tight_gateway.get("/api/v1/docs") for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    limited = answers[5]
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0


def _scripts_run(client):
    """How many Lua scripts this Redis has run (the limiter's checks are scripts)."""
    stats = client.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("eval", "evalsha"))


def test_each_limit_is_checked_once_a_request(gw):
    """Two limits, two scripts: no window is read again to write headers on the answer."""
    client = gw.application.extensions["redis"]
    assert gw.get("/api/v1/docs").status_code == 200  # the scripts are loaded
    before = _scripts_run(client)
    answer = gw.get("/api/v1/docs")
    assert answer.status_code == 200
    assert _scripts_run(client) - before == 2
