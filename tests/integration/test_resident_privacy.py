"""A whole run through the gateway: no resident's name, phone or ID number in any log line
of any process, nor in the consultations feed."""

import uuid

import requests

from tests.support.accounts import bearer
from tests.unit.consultations.conftest import id_number

NAME, PHONE = "古丽米拉·吐尔逊", "13566667777"


def test_logs_and_feed_never_hold_resident_data(system, logins, make_token):
    gateway = system["gateway"].url
    consultation = {
        "id": str(uuid.uuid4()),
        "village_code": "653222100001",  # advisor 1's village; user-advisor is advisor 1
        "occurred_at": "2024-08-08T10:00:00+08:00",
        "channel": "上门走访",
        "category": "家庭",
        "question": "赡养纠纷",
        "advice": "讲解赡养义务",
        "outcome": "转人民调解",
        "resident": {"name": NAME, "phone": PHONE, "id_number": id_number()},
    }
    url = f"{gateway}/api/v1/consultations/consultations"
    created = requests.post(url, json=consultation, headers=logins.header("advisor"), timeout=10)
    assert created.status_code == 201, created.text
    bad = consultation | {"id": str(uuid.uuid4()), "channel": "x"}
    assert (
        requests.post(url, json=bad, headers=logins.header("advisor"), timeout=10).status_code
        == 422
    )
    shown = requests.get(f"{url}/{consultation['id']}", headers=logins.header("leader"), timeout=10)
    assert NAME not in shown.text and PHONE not in shown.text
    feed = requests.get(
        f"{system['consultations'].url}/feed",
        headers=bearer(make_token("service", subject="stats")),
        timeout=10,
    ).text

    for secret in (NAME, PHONE, id_number()):
        assert secret not in feed
        for name, process in system.items():
            assert secret not in process.log_text(), f"{name} logged resident data"
