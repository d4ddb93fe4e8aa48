"""Tokens: password grant, refresh rotation, reuse detection, logout, disable, passwords."""

from shared.auth import verify_token
from shared.config import DEMO_TOKEN_SIGNING_KEY
from shared.input_schema import NOT_UNICODE
from shared.messages import EXACT


def refresh(gw, token):
    return gw.post(
        "/api/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": token}
    )


def bearer(pair):
    return {"Authorization": f"Bearer {pair['access_token']}"}


def test_password_grant_gives_a_short_lived_token_with_role_and_scope(gw, make_account, login):
    account_id = make_account("amina", role="staff", scope={"township": "653222104"})
    answer = login("amina")
    assert answer.status_code == 200
    pair = answer.get_json()
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 60
    principal = verify_token(pair["access_token"], DEMO_TOKEN_SIGNING_KEY)
    assert principal.subject == str(account_id)
    assert principal.role == "staff" and principal.scope == {"township": "653222104"}
    me = gw.get("/api/v1/me", headers=bearer(pair)).get_json()
    assert me["username"] == "amina" and "password_hash" not in me


def test_wrong_password_and_unknown_user_answer_alike(gw, make_account, login):
    make_account("amina")
    wrong = login("amina", "not-the-password")
    unknown = login("nobody-here")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["error"]["message"] == unknown.get_json()["error"]["message"]


def test_grant_fields_are_validated_by_name(gw):
    answer = gw.post("/api/v1/auth/token", json={"grant_type": "password"})
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"username", "password"}
    other = gw.post("/api/v1/auth/token", json={"grant_type": "magic"})
    assert set(other.get_json()["error"]["fields"]) == {"grant_type"}


def test_refresh_rotates_and_a_reused_token_revokes_the_family(gw, make_account, login):
    make_account("amina")
    first = login("amina").get_json()
    second = refresh(gw, first["refresh_token"])
    assert second.status_code == 200
    second = second.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    third = refresh(gw, second["refresh_token"])
    assert third.status_code == 200

    # The first token is spent and its successor was used: only a thief sends it now.
    replay = refresh(gw, first["refresh_token"])
    assert replay.status_code == 401
    assert replay.get_json()["error"]["code"] == "token_reused"
    # The thief's (or owner's) newer token of the same family is dead too.
    assert refresh(gw, third.get_json()["refresh_token"]).status_code == 401


def test_a_grant_whose_answer_was_lost_is_answered_again_within_the_grace(gw, make_account, login):
    make_account("amina")
    first = login("amina").get_json()
    lost = refresh(gw, first["refresh_token"])  # a replica died before this reached the phone
    assert lost.status_code == 200

    again = refresh(gw, first["refresh_token"])  # nginx (or the phone) sends it once more
    assert again.status_code == 200
    pair = again.get_json()
    assert pair["refresh_token"] not in (first["refresh_token"], lost.get_json()["refresh_token"])
    assert gw.get("/api/v1/me", headers=bearer(pair)).status_code == 200
    assert refresh(gw, pair["refresh_token"]).status_code == 200


def test_a_spent_token_sent_again_after_the_grace_revokes_the_family(
    gateway_app, gw, make_account, login
):
    gateway_app.config["REFRESH_REUSE_GRACE"] = 0
    make_account("amina")
    first = login("amina").get_json()
    second = refresh(gw, first["refresh_token"]).get_json()

    replay = refresh(gw, first["refresh_token"])
    assert replay.status_code == 401
    assert replay.get_json()["error"]["code"] == "token_reused"
    assert replay.get_json()["error"]["message"] == "刷新凭证已被使用过,请重新登录。"
    assert refresh(gw, second["refresh_token"]).status_code == 401


def test_logout_ends_the_session(gw, make_account, login):
    make_account("amina")
    pair = login("amina").get_json()
    assert (
        gw.post("/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}).status_code
        == 204
    )
    assert refresh(gw, pair["refresh_token"]).status_code == 401


def test_disable_kills_refresh_tokens_and_access_at_once(gw, make_account, login):
    make_account("root", role="admin")
    target = make_account("amina")
    admin = login("root").get_json()
    pair = login("amina").get_json()
    assert gw.get("/api/v1/me", headers=bearer(pair)).status_code == 200

    disabled = gw.post(f"/api/v1/accounts/{target}/disable", headers=bearer(admin))
    assert disabled.status_code == 200 and disabled.get_json()["active"] is False
    assert refresh(gw, pair["refresh_token"]).get_json()["error"]["code"] == "invalid_grant"
    refused = gw.get("/api/v1/me", headers=bearer(pair))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "account_disabled"
    # A disabled account answers a login as a wrong password does: right password or not.
    right, wrong = login("amina").get_json()["error"], login("amina", "nope").get_json()["error"]
    assert (right["code"], right["message"]) == (wrong["code"], wrong["message"])

    assert gw.post(f"/api/v1/accounts/{target}/enable", headers=bearer(admin)).status_code == 200
    assert login("amina").status_code == 200


def test_change_password_needs_the_current_one_and_ends_sessions(gw, make_account, login):
    make_account("amina")
    pair = login("amina").get_json()
    wrong = gw.post(
        "/api/v1/auth/password",
        json={"current_password": "nope", "password": "a-new-long-password"},
        headers=bearer(pair),
    )
    assert wrong.status_code == 422 and "current_password" in wrong.get_json()["error"]["fields"]
    weak = gw.post(
        "/api/v1/auth/password",
        json={"current_password": "correct-horse-battery", "password": "short"},
        headers=bearer(pair),
    )
    assert weak.status_code == 422 and "password" in weak.get_json()["error"]["fields"]
    named = gw.post(  # said in Chinese, as every field message is
        "/api/v1/auth/password",
        json={"current_password": "correct-horse-battery", "password": "amina-is-my-name"},
        headers=bearer(pair),
    )
    assert named.get_json()["error"]["fields"]["password"] == ["不能包含用户名。"]
    unusable = gw.post(  # longer than a login takes: the account could never log in again
        "/api/v1/auth/password",
        json={"current_password": "correct-horse-battery", "password": "x" * 257},
        headers=bearer(pair),
    )
    assert unusable.status_code == 422 and "password" in unusable.get_json()["error"]["fields"]
    done = gw.post(
        "/api/v1/auth/password",
        json={"current_password": "correct-horse-battery", "password": "a-new-long-password"},
        headers=bearer(pair),
    )
    assert done.status_code == 204
    assert refresh(gw, pair["refresh_token"]).status_code == 401
    assert login("amina").status_code == 401
    assert login("amina", "a-new-long-password").status_code == 200


def test_admin_reset_forces_a_change_at_next_login(gw, make_account, login):
    make_account("root", role="admin")
    target = make_account("amina")
    admin = login("root").get_json()
    reset = gw.post(
        f"/api/v1/accounts/{target}/password",
        json={"password": "temporary-password-1"},
        headers=bearer(admin),
    )
    assert reset.status_code == 200 and reset.get_json()["must_change_password"] is True
    assert login("amina", "temporary-password-1").get_json()["must_change_password"] is True


def test_account_creation_validates_role_scope_and_uniqueness(gw, make_account, login):
    make_account("root", role="admin")
    admin = bearer(login("root").get_json())
    bad = gw.post(
        "/api/v1/accounts",
        json={"username": "x", "password": "pw", "role": "staff", "scope": {"advisor_id": "3"}},
        headers=admin,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"username", "scope"}
    body = {"username": "leader1", "password": "long-enough-pass", "role": "leader"}
    assert gw.post("/api/v1/accounts", json=body, headers=admin).status_code == 201
    again = gw.post("/api/v1/accounts", json=body, headers=admin)
    assert again.status_code == 409
    listed = gw.get("/api/v1/accounts", headers=admin).get_json()
    assert [a["username"] for a in listed] == ["root", "leader1"]


def test_a_user_name_that_is_not_valid_unicode_is_refused(gw, login):
    answer = login("ahmat\ud83d")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"username": [EXACT[NOT_UNICODE]]}
