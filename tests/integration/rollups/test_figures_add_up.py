"""The figures are exactly the records: writes, corrections, voids and check-ins; every
breakdown and ranking adds up to its total; a figure of any period and area lists the
records behind it."""

import uuid

import pytest
import requests

from tests.integration.rollup_support import (
    ADMIN,
    ADVISOR,
    activity_body,
    all_pages,
    consultation_body,
    drain,
)
from tests.integration.rollups.support import assert_figures_equal_records, post, summary


def test_writes_corrections_voids_and_checkins_add_up_exactly(world):
    items = [{"kind": "activity", "data": activity_body(n)} for n in range(30)]
    post(world, "activities", "/activities/batch", {"items": items})
    post(world, "activities", "/activities/batch", {"items": items})  # a replayed upload
    first, second = items[0]["data"], items[1]["data"]
    content = {k: v for k, v in first.items() if k != "id"}
    corrected = requests.put(
        f"{world['urls']['activities']}/activities/{first['id']}",
        json=content | {"headcount": 400, "version": 1},
        headers=ADMIN,
        timeout=10,
    )
    assert corrected.status_code == 200
    post(world, "activities", f"/activities/{second['id']}/void", {"version": 1, "reason": "重复"})
    for person in range(80):  # more people than the headcount of 10 + 2 = 12
        post(
            world,
            "activities",
            f"/activities/{items[2]['data']['id']}/checkins",
            {
                "id": str(uuid.uuid4()),
                "attendee_name": f"干部{person % 60}",
                "checked_in_at": "2024-03-03T10:00:00+08:00",
            },
        )
    for n in range(12):
        post(world, "consultations", "/consultations", consultation_body(n), headers=ADVISOR)
    assert_figures_equal_records(world)
    assert summary(world)["checkins"] >= 60


def test_breakdowns_and_rankings_add_up_to_the_total(world):
    drain(world["stats"])
    client = world["stats"].test_client()
    total = summary(world)["attendances"]
    by_type = client.get(
        "/figures?metric=attendances&period=2024&by=type", headers=ADMIN
    ).get_json()
    assert sum(row["value"] for row in by_type) == total
    ranking = client.get("/ranking?metric=attendances&period=2024", headers=ADMIN).get_json()
    assert sum(row["value"] for row in ranking) == total
    assert ranking[0]["value"] >= ranking[-1]["value"]
    trend = client.get("/trend?metric=sessions&year=2024", headers=ADMIN).get_json()
    assert len(trend) == 12 and sum(row["value"] for row in trend) == summary(world)["sessions"]
    drill = by_type[0]["records"]
    assert drill.startswith("/api/v1/activities/activities?from=2024-01-01&to=2024-12-31&type=")
    # Every figure is traceable: its drill-down lists exactly the records behind it.
    sessions = client.get("/figures?metric=sessions&period=2024&by=type", headers=ADMIN).get_json()
    for row in sessions:
        listed = all_pages(
            world["urls"]["activities"] + row["records"].removeprefix("/api/v1/activities"), ADMIN
        )
        assert len(listed) == row["value"], row["breakdown"]
    by_category = client.get(
        "/figures?metric=consultations&period=2024&by=category", headers=ADMIN
    ).get_json()
    for row in by_category:
        listed = all_pages(
            world["urls"]["consultations"] + row["records"].removeprefix("/api/v1/consultations"),
            ADMIN,
        )
        assert len(listed) == row["value"], row["breakdown"]


def _listed(world, figure):
    """What the records behind a figure add up to, listed through its drill-down."""
    service = "consultations" if figure["metric"] == "consultations" else "activities"
    path = figure["records"].removeprefix(f"/api/v1/{service}")
    records = all_pages(world["urls"][service] + path, ADMIN)
    if figure["metric"] == "attendances":
        return sum(record["attendances"] for record in records)
    return len(records)


@pytest.mark.parametrize(
    ("metric", "period", "area"),
    [
        ("sessions", "2024-03-04", "county"),
        ("attendances", "2024-03", "county"),
        ("sessions", "2024", "township:653222100"),
        ("attendances", "2024-03", "township:653222101"),
        ("attendances", "2024-03-04", "township:653222100"),
        ("sessions", "2024", "village:653222100001"),
        ("attendances", "2024-03", "village:653222100001"),
        ("consultations", "2024", "county"),
        ("consultations", "2024-03", "village:653222100001"),
    ],
)
def test_a_figure_of_any_period_and_area_is_the_records_behind_it(world, metric, period, area):
    """Only a township's days and a village's months are stored: months, years and the
    county are summed when read, and must still be exactly the records."""
    for number in range(6):
        day = {"starts_at": "2024-03-04T10:00:00+08:00", "ends_at": "2024-03-04T11:00:00+08:00"}
        village = {"village_code": "653222100001"} if number % 2 == 0 else {}
        post(world, "activities", "/activities", activity_body(number, **day, **village))
        post(world, "consultations", "/consultations", consultation_body(number), ADVISOR)
    drain(world["stats"])
    answer = (
        world["stats"]
        .test_client()
        .get(f"/figures?metric={metric}&period={period}&area={area}", headers=ADMIN)
    )
    assert answer.status_code == 200, answer.get_json()
    (figure,) = answer.get_json()
    assert figure["value"] > 0 and figure["value"] == _listed(world, figure)
