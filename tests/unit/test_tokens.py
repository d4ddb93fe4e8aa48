"""Every non-public route requires a valid token: missing, expired, forged → 401."""

import time

import pytest

from shared.auth import issue_token


def test_missing_token_is_401(client):
    response = client.get("/whoami")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_missing"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_forged_token_is_401(client):
    forged = issue_token(
        "another-key-that-is-long-enough-for-hmac-sha256", subject="x", role="admin"
    )
    response = client.get("/whoami", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_invalid"


def test_expired_token_is_401(client, make_token):
    expired = make_token("admin", now=time.time() - 3600, ttl_seconds=60)
    response = client.get("/whoami", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_expired"


def test_a_token_accepted_before_is_refused_once_it_expires(client, make_token):
    token = make_token("admin", now=time.time() - 58.5, ttl_seconds=60)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/whoami", headers=headers).status_code == 200
    assert client.get("/whoami", headers=headers).status_code == 200  # remembered
    time.sleep(1.6)
    response = client.get("/whoami", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_expired"


def test_a_token_signed_with_another_key_is_refused_even_when_remembered(client, make_token):
    token = make_token("admin")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/whoami", headers=headers).status_code == 200
    client.application.config["TOKEN_SIGNING_KEY"] = "a-rotated-key-that-is-long-enough-for-hmac"
    assert client.get("/whoami", headers=headers).status_code == 401


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer not.a.jwt"])
def test_malformed_authorization_is_401(client, header):
    assert client.get("/whoami", headers={"Authorization": header}).status_code == 401


def test_valid_token_names_the_caller(client, auth_header):
    response = client.get("/whoami", headers=auth_header("staff", subject="u7", scope={"t": 1}))
    assert response.status_code == 200
    assert response.get_json() == {
        "component": "registry",
        "subject": "u7",
        "role": "staff",
        "scope": {"t": 1},
    }


def test_role_outside_the_route_is_403(client, auth_header):
    response = client.get("/feed", headers=auth_header("staff"))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_operations_endpoints_are_public(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/openapi.json").status_code == 200
