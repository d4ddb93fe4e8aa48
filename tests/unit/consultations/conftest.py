"""The consultations service on the test client; the registry it asks is a real process."""

import uuid

import pytest

from services.consultations import create_app
from services.consultations.pii import ID_CHECK_CHARS, ID_WEIGHTS

VILLAGE = "653222100001"  # served by advisor 1 in the Moyu registry from 2024-01-01


def id_number(first17="65322219900101123"):
    """A resident ID number with a correct check digit."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK_CHARS[total % 11]


@pytest.fixture
def consultations_app(app_asking_registry):
    return app_asking_registry(create_app, "consultations")


@pytest.fixture
def api(consultations_app):
    return consultations_app.test_client()


@pytest.fixture
def advisor(auth_header):
    """The header of advisor `n` of the registry (advisor 1 by default)."""

    def header(number=1):
        return auth_header("advisor", subject=f"acct-{number}", scope={"advisor_id": str(number)})

    return header


@pytest.fixture
def make_consultation():
    def build(**overrides):
        body = {
            "id": str(uuid.uuid4()),
            "village_code": VILLAGE,
            "occurred_at": "2024-06-12T15:30:00+08:00",
            "channel": "面谈",
            "category": "邻里",
            "question": "邻居占用宅基地通道",
            "advice": "先协商，可申请村调委会调解",
            "outcome": "转人民调解",
            "resident": {
                "name": "热依拉·买买提",
                "phone": "13899990001",
                "id_number": id_number(),
                "gender": "female",
                "ethnicity": "维吾尔族",
                "language": "ug",
            },
        }
        return body | overrides

    return build
