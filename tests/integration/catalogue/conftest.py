"""One world for the catalogue contract's tests, started once for the package: the bundled
Redis, the registry, activities and consultations services as gunicorn processes with
varied records of 2024; the stats worker's jobs run in-process in RQ burst mode."""

import uuid

import pytest

from tests.integration.catalogue.support import DAY, TOWNSHIP, VILLAGE
from tests.integration.rollup_support import (
    ADVISOR,
    activity_body,
    consultation_body,
    counting_world,
    drain,
    posted,
)

ORGANISERS = ("司法局", "公安局", "法院")
CHANNELS = ("面谈", "电话")
OUTCOMES = ("当场解答", "转人民调解")


def _records(urls):
    """Varied records of 2024, many on DAY in TOWNSHIP and VILLAGE, some corrected or void."""
    on_day = {"starts_at": f"{DAY}T10:00:00+08:00", "ends_at": f"{DAY}T11:00:00+08:00"}
    activities = []
    for number in range(36):
        body = activity_body(number, organiser=ORGANISERS[number % 3])
        if number % 2 == 0:
            body |= on_day | {"township_code": TOWNSHIP}
        if number % 4 == 0:
            body |= {"village_code": VILLAGE}
        if number == 1:  # captured offline, uploaded later: the phone's time of capture
            body["client_recorded_at"] = f"{DAY}T12:00:00+08:00"
        if number % 9 == 5:
            body |= {"type": "新媒体普法", "headcount": 0, "online_reach": 1000 + number}
        activities.append({"kind": "activity", "data": body})
    posted(f"{urls['activities']}/activities/batch", {"items": activities})
    first = activities[0]["data"]
    for person in range(30):  # more check-ins than its headcount
        posted(
            f"{urls['activities']}/activities/{first['id']}/checkins",
            {
                "id": str(uuid.uuid4()),
                "attendee_name": f"村民{person}",
                "checked_in_at": f"{DAY}T10:30:00+08:00",
            },
        )
    posted(
        f"{urls['activities']}/activities/{activities[2]['data']['id']}/void",
        {"version": 1, "reason": "重复录入"},
    )
    for number in range(14):
        body = consultation_body(number) | {
            "channel": CHANNELS[number % 2],
            "outcome": OUTCOMES[number % 2],
        }
        if number % 2 == 0:
            body["occurred_at"] = f"{DAY}T15:00:00+08:00"
        consultation = posted(f"{urls['consultations']}/consultations", body, ADVISOR)
        if number % 4 == 1:  # referred to mediation (an odd number): mediated
            posted(
                f"{urls['consultations']}/consultations/{consultation['id']}/mediation",
                {"version": consultation["version"], "result": "success"},
                ADVISOR,
            )


@pytest.fixture(scope="package")
def counted(tmp_path_factory):
    """Redis, the recording services with varied records, and a caught-up stats app."""
    with counting_world(tmp_path_factory.mktemp("catalogue")) as world:
        _records(world["urls"])
        drain(world["stats"])
        yield {"urls": world["urls"], "stats": world["stats"].test_client(), "app": world["stats"]}
