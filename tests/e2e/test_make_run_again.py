"""`make run` again and again on one var/, with what users do in between: each start
reaches ready, says truthfully what it loaded, prints no traceback and is quiet idle."""

import signal
import time

import pytest
import requests

from tests.e2e.test_make_run import launched_stack
from tests.integration.rollup_support import activity_body
from tests.support.accounts import bearer, log_in

pytestmark = pytest.mark.e2e
IDLE_SECONDS = 8  # more than two of the worker's scheduled ticks (every 3 s)


def _banner(log_path):
    """What the start printed from its ready line on."""
    text = log_path.read_text()
    return text[text.index("pufa is ready") :]


def _stop(launcher):
    launcher.send_signal(signal.SIGINT)
    assert launcher.wait(timeout=40) == 0


def _quiet_when_idle(log_path):
    time.sleep(2)  # what the last load still sets moving (its figures) settles
    before = log_path.read_text().count("\n")
    time.sleep(IDLE_SECONDS)
    after = log_path.read_text().splitlines()[before:]
    assert after == [], f"an idle stack logged: {after[:5]}"


def _admin_call(gateway, token, method, path, **kwargs):
    answer = requests.request(
        method, f"{gateway}/api/v1{path}", headers=bearer(token), timeout=30, **kwargs
    )
    assert answer.status_code < 300, (path, answer.status_code, answer.text[:300])
    return answer.json() if answer.content else None


def test_three_starts_on_one_var_with_user_edits_between(tmp_path):
    log_path = tmp_path / "stack.log"
    # 1st start: everything is empty, so the registry, the logins and the year go in.
    with launched_stack(tmp_path) as (launcher, ports):
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        banner = _banner(log_path)
        assert "villages      324 rows: 324 created" in banner
        assert "demo year 2024 loaded through the API" in banner and "sessions 4,500" in banner
        _quiet_when_idle(log_path)
        admin = log_in(gateway, "admin", "pufa-demo-county").json()["access_token"]
        (first,) = _admin_call(
            gateway, admin, "GET", "/registry/assignments", params={"village": "653222100001"}
        )[:1]
        _admin_call(
            gateway,
            admin,
            "POST",
            f"/registry/assignments/{first['id']}/end",
            json={"to": "2025-06-30"},
        )
        added = activity_body(1, township_code="653222100", headcount=33)
        added |= {"starts_at": "2024-12-20T10:00:00+08:00", "ends_at": "2024-12-20T12:00:00+08:00"}
        _admin_call(gateway, admin, "POST", "/activities/activities", json=added)
        accounts = _admin_call(gateway, admin, "GET", "/accounts")
        (staff,) = [a for a in accounts if a["username"] == "staff"]
        _admin_call(gateway, admin, "POST", f"/accounts/{staff['id']}/disable")
        _stop(launcher)
    assert "Traceback" not in log_path.read_text()

    # 2nd start: nothing of the users' is loaded over; the disabled login is said to be.
    with launched_stack(tmp_path) as (launcher, ports):
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        banner = _banner(log_path)
        assert "registry     already holds 324 villages: left as the users keep it" in banner
        assert "staff    staff / pufa-demo-village  (disabled by an admin)" in banner
        assert "demo year 2024: loaded by an earlier start" in banner
        leader = bearer(log_in(gateway, "leader", "pufa-demo-figures").json()["access_token"])
        history = requests.get(
            f"{gateway}/api/v1/registry/assignments",
            params={"village": "653222100001"},
            headers=leader,
            timeout=10,
        ).json()
        assert history[0]["to"] == "2025-06-30"  # the ended assignment stays ended
        summary = requests.get(
            f"{gateway}/api/v1/stats/summary?year=2024", headers=leader, timeout=10
        ).json()
        assert summary["figures"]["sessions"]["value"] == 4501  # the demo's and the user's
        _quiet_when_idle(log_path)
        admin = log_in(gateway, "admin", "pufa-demo-county").json()["access_token"]
        _admin_call(
            gateway,
            admin,
            "POST",
            "/auth/password",
            json={"current_password": "pufa-demo-county", "password": "a-county-secret-9"},
        )
        _stop(launcher)

    # 3rd start: the changed password is said to be changed, and the start still succeeds.
    with launched_stack(tmp_path) as (launcher, _ports):
        banner = _banner(log_path)
        assert "admin    admin / pufa-demo-county  (its password was changed" in banner
        assert "demo year 2024: loaded by an earlier start" in banner
        _stop(launcher)
    assert "Traceback" not in log_path.read_text()
