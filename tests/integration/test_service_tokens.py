"""Each service verifies tokens itself: called directly, a forged token gets 401."""

import time

import pytest
import requests

from shared.auth import issue_token

SERVICES = ("registry", "activities", "consultations", "stats")


@pytest.mark.parametrize("service", SERVICES)
def test_forged_token_is_refused_by_the_service_itself(system, service):
    forged = issue_token("an-attacker-key-that-is-long-enough-0000000", subject="x", role="admin")
    response = requests.get(
        f"{system[service].url}/whoami", headers={"Authorization": f"Bearer {forged}"}, timeout=5
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_invalid"


@pytest.mark.parametrize("service", SERVICES)
def test_missing_and_expired_tokens_are_refused(system, service, make_token):
    url = f"{system[service].url}/whoami"
    assert requests.get(url, timeout=5).status_code == 401
    expired = make_token("admin", now=time.time() - 7200)
    response = requests.get(url, headers={"Authorization": f"Bearer {expired}"}, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


@pytest.mark.parametrize("service", ("registry", "activities", "consultations"))
def test_recording_services_are_ready_on_their_own_database(system, service):
    response = requests.get(f"{system[service].url}/readyz", timeout=5)
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": {"ready": True}, "redis": {"ready": True}}
