"""An access token stops at once, at the gateway and at every service, when its account
no longer stands: logged out, password changed or reset, family revoked, disabled,
unknown. An account that must change its password may do only that."""

import pytest

from services.registry import create_app as create_registry
from shared.auth import issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY
from tests.support.apps import migrated
from tests.unit.gateway.conftest import PASSWORD


def bearer(pair):
    return {"Authorization": f"Bearer {pair['access_token']}"}


@pytest.fixture
def registry(tmp_path, redis_url):
    """A service (the registry) on the same Redis as the gateway: it reads the standing
    the gateway publishes."""
    app = create_registry(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}", "REDIS_URL": redis_url}
    )
    return migrated(app).test_client()


def _code(answer):
    return answer.status_code, answer.get_json()["error"]["code"]


def test_logout_stops_the_access_token_everywhere(gw, registry, make_account, login):
    make_account("amina")
    pair = login("amina").get_json()
    other_device = login("amina").get_json()
    assert gw.get("/api/v1/me", headers=bearer(pair)).status_code == 200
    assert registry.get("/townships", headers=bearer(pair)).status_code == 200
    gw.post("/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]})
    assert _code(gw.get("/api/v1/me", headers=bearer(pair))) == (401, "token_revoked")
    assert _code(registry.get("/townships", headers=bearer(pair))) == (401, "token_revoked")
    # Another device's session goes on.
    assert registry.get("/townships", headers=bearer(other_device)).status_code == 200


def test_a_reused_refresh_token_stops_its_familys_access_token(gw, registry, make_account, login):
    def spend(token):
        body = {"grant_type": "refresh_token", "refresh_token": token}
        return gw.post("/api/v1/auth/token", json=body).get_json()

    make_account("amina")
    first = login("amina").get_json()
    second = spend(first["refresh_token"])
    third = spend(second["refresh_token"])  # the first's successor was used: no grace left
    spend(first["refresh_token"])
    assert _code(registry.get("/townships", headers=bearer(third))) == (401, "token_revoked")


def test_a_password_change_stops_every_access_token(gw, registry, make_account, login):
    make_account("amina")
    pair, other = login("amina").get_json(), login("amina").get_json()
    changed = gw.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "password": "a-new-long-password"},
        headers=bearer(pair),
    )
    assert changed.status_code == 204
    for old in (pair, other):
        assert _code(gw.get("/api/v1/me", headers=bearer(old))) == (401, "token_revoked")
        assert _code(registry.get("/townships", headers=bearer(old))) == (401, "token_revoked")
    fresh = login("amina", "a-new-long-password").get_json()
    assert registry.get("/townships", headers=bearer(fresh)).status_code == 200


def test_a_reset_stops_tokens_and_the_holder_may_only_change_the_password(
    gw, registry, make_account, login
):
    make_account("root", role="admin")
    target = make_account("amina")
    admin, before = login("root").get_json(), login("amina").get_json()
    gw.post(
        f"/api/v1/accounts/{target}/password",
        json={"password": "temporary-password-1"},
        headers=bearer(admin),
    )
    assert _code(registry.get("/townships", headers=bearer(before))) == (401, "token_revoked")
    pair = login("amina", "temporary-password-1").get_json()
    assert pair["must_change_password"] is True
    must_change = (403, "password_change_required")
    assert _code(registry.get("/townships", headers=bearer(pair))) == must_change
    assert _code(gw.get("/api/v1/registry/townships", headers=bearer(pair))) == must_change
    assert gw.get("/api/v1/me", headers=bearer(pair)).status_code == 200
    changed = gw.post(
        "/api/v1/auth/password",
        json={"current_password": "temporary-password-1", "password": "mine-and-long-enough"},
        headers=bearer(pair),
    )
    assert changed.status_code == 204
    fresh = login("amina", "mine-and-long-enough").get_json()
    assert fresh["must_change_password"] is False
    assert registry.get("/townships", headers=bearer(fresh)).status_code == 200


def test_a_service_refuses_disabled_and_unknown_accounts(gw, registry, make_account, login):
    make_account("root", role="admin")
    target = make_account("amina")
    admin, pair = login("root").get_json(), login("amina").get_json()
    assert registry.get("/townships", headers=bearer(pair)).status_code == 200
    gw.post(f"/api/v1/accounts/{target}/disable", headers=bearer(admin))
    assert _code(registry.get("/townships", headers=bearer(pair))) == (401, "account_disabled")
    # A well-signed token, as the gateway issues them, of an account it never had.
    stranger = issue_token(DEMO_TOKEN_SIGNING_KEY, subject="424242", role="admin", family="f" * 32)
    headers = {"Authorization": f"Bearer {stranger}"}
    assert _code(registry.get("/townships", headers=headers)) == (401, "account_unknown")
    assert _code(gw.get("/api/v1/me", headers=headers)) == (401, "account_unknown")


def test_the_account_answers_say_when_it_last_logged_in(gw, make_account, login):
    make_account("root", role="admin")
    target = make_account("amina")
    admin = bearer(login("root").get_json())
    never = gw.get(f"/api/v1/accounts/{target}", headers=admin).get_json()
    assert never["last_login_at"] is None
    login("amina")
    seen = gw.get(f"/api/v1/accounts/{target}", headers=admin).get_json()
    assert seen["last_login_at"].endswith("+08:00")
