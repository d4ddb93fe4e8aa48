"""One world for the dashboard API's tests, started once for the package: Redis, the
registry, activities and consultations services as gunicorn processes with a year of varied
records; the stats worker's jobs run in-process in RQ burst mode. The package's modules run
in the order of their names, each on what the ones before left (publishing comes after the
report of a year not yet published)."""

import pytest

from tests.integration.rollup_support import (
    ADVISOR,
    activity_body,
    consultation_body,
    counting_world,
    drain,
    posted,
)


@pytest.fixture(scope="package")
def dashboard(tmp_path_factory):
    """Redis, the recording services with a year of varied records, a caught-up stats app."""
    with counting_world(tmp_path_factory.mktemp("dashboard")) as world:
        urls = world["urls"]
        items = [{"kind": "activity", "data": activity_body(n)} for n in range(250)]
        items[4]["data"]["title"] = '=HYPERLINK("http://example.invalid","点我")'
        posted(f"{urls['activities']}/activities/batch", {"items": items})
        for number in range(12):
            posted(f"{urls['consultations']}/consultations", consultation_body(number), ADVISOR)
        drain(world["stats"])
        yield world | {"client": world["stats"].test_client()}
