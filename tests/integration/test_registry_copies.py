"""A recording service keeps what the registry told it, and an assignment changed in the
registry applies to the very next write (real registry and consultations processes)."""

import uuid

import pytest
import requests

from services.consultations.pii import ID_CHECK_CHARS, ID_WEIGHTS
from shared.auth import issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY
from tests.support.processes import start_recording_services

SERVED, UNSERVED = "653222100001", "653222100002"  # advisor 1 serves only the first
DAY = "2024-06-12T15:30:00+08:00"


def _id_number(first17="65322219900101123"):
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK_CHARS[total % 11]


def _consultation(village_code):
    return {
        "id": str(uuid.uuid4()),
        "village_code": village_code,
        "occurred_at": DAY,
        "channel": "面谈",
        "category": "邻里",
        "question": "邻居占用宅基地通道",
        "advice": "先协商",
        "outcome": "当场解答",
        "resident": {"name": "热依拉", "phone": "13899990001", "id_number": _id_number(),
                     "gender": "female", "ethnicity": "维吾尔族", "language": "ug"},
    }  # fmt: skip


def _bearer(role, subject, scope=None):
    token = issue_token(DEMO_TOKEN_SIGNING_KEY, subject=subject, role=role, scope=scope)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def services(tmp_path, redis_server):
    processes, _env = start_recording_services(tmp_path, redis_server.url)
    yield processes
    for process in processes.values():
        process.stop()


def test_an_assignment_made_in_the_registry_applies_to_the_next_write(services):
    consultations = f"{services['consultations'].url}/consultations"
    advisor = _bearer("advisor", "acct-1", {"advisor_id": "1"})

    def write(village_code):
        body = _consultation(village_code)
        return requests.post(consultations, json=body, headers=advisor, timeout=10).status_code

    # Both answers are now kept by the service: advisor 1's villages on that day included.
    assert write(SERVED) == 201
    assert write(UNSERVED) == 403
    assigned = requests.post(
        f"{services['registry'].url}/assignments",
        json={"village_code": UNSERVED, "advisor_id": 1, "from": "2024-06-01"},
        headers=_bearer("admin", "root"),
        timeout=10,
    )
    assert assigned.status_code == 201, assigned.text
    assert write(UNSERVED) == 201
