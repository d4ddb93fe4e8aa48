"""The activities service on the Flask test client; the registry it asks is a real process."""

import uuid
from datetime import datetime, timedelta

import pytest

from services.activities import create_app
from shared.clock import LOCAL_ZONE

TOWNSHIP, VILLAGE = "653222100", "653222100201"  # 喀拉喀什镇 and one of its villages
OTHER_TOWNSHIP = "653222200"


@pytest.fixture
def activities_app(app_asking_registry):
    return app_asking_registry(create_app, "activities")


@pytest.fixture
def api(activities_app):
    return activities_app.test_client()


@pytest.fixture
def staff(auth_header):
    """A township staff member of 喀拉喀什镇."""
    return auth_header("staff", subject="7", scope={"township": TOWNSHIP})


@pytest.fixture
def make_activity():
    """An activity body; override any field."""

    def build(**overrides):
        start = datetime(2024, 5, 10, 11, 0, tzinfo=LOCAL_ZONE)
        body = {
            "id": str(uuid.uuid4()),
            "type": "法润巴扎",
            "title": "巴扎日普法宣传",
            "organiser": "司法局",
            "audience": "public",
            "township_code": TOWNSHIP,
            "village_code": VILLAGE,
            "venue": "喀拉喀什镇巴扎",
            "gps": {"lat": 37.27, "lon": 79.73},
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "headcount": 87,
            "languages": ["ug", "zh"],
        }
        return body | overrides

    return build


@pytest.fixture
def feed(api, auth_header):
    """The service's change feed entries."""

    def read():
        return api.get("/feed?limit=5000", headers=auth_header("service")).get_json()["entries"]

    return read
