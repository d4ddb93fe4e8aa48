"""No password or token ever reaches a log line, on any component, through a whole run."""

import requests

from tests.support.accounts import PASSWORD, bearer, log_in


def test_logs_of_a_run_hold_no_password_or_token(system, logins):
    gateway = system["gateway"].url
    secrets = {PASSWORD, "a-brand-new-password", "wrong-password-xyz"}

    pair = log_in(gateway, "user-staff").json()
    log_in(gateway, "user-staff", "wrong-password-xyz")
    renewed = requests.post(
        f"{gateway}/api/v1/auth/token",
        json={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
        timeout=10,
    ).json()
    requests.get(
        f"{gateway}/api/v1/registry/whoami", headers=bearer(renewed["access_token"]), timeout=10
    )
    requests.post(
        f"{gateway}/api/v1/auth/password",
        json={"current_password": PASSWORD, "password": "a-brand-new-password"},
        headers=bearer(renewed["access_token"]),
        timeout=10,
    )
    requests.post(
        f"{gateway}/api/v1/auth/logout",
        json={"refresh_token": renewed["refresh_token"]},
        timeout=10,
    )
    for value in (pair, renewed):
        secrets |= {value["access_token"], value["refresh_token"]}
    secrets |= set(logins.tokens.values())

    for name, process in system.items():
        text = process.log_text()
        assert "POST /api/v1/auth/token" in text or name != "gateway"  # the run was logged
        leaked = [secret[:12] for secret in secrets if secret in text]
        assert leaked == [], f"{name} logged secrets starting {leaked}"
