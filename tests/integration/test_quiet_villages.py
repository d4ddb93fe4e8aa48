"""The villages with no consultation in the last months, as the dashboard's table shows
them and as its Excel file holds them: the county's records against the registry's
villages (Moyu's 324), for the months asked.

Real parts: the bundled Redis, the registry, activities and consultations services as
gunicorn processes; the stats worker's jobs run in-process in RQ burst mode.
"""

import io

import pytest
import requests
from openpyxl import load_workbook

from tests.integration.rollup_support import (
    ADMIN,
    bearer,
    consultation_body,
    counting_world,
    drain,
)

LEADER = bearer("leader")
HEARD_LATE = "653222100001"  # consultations in October and December 2024
HEARD_EARLY = "653222100002"  # one consultation in March 2024 only
ADVISOR_OF = {HEARD_LATE: "1", HEARD_EARLY: "2"}
HEARD = {HEARD_LATE: ["2024-10-08", "2024-12-20"], HEARD_EARLY: ["2024-03-15"]}


@pytest.fixture(scope="module")
def quiet_world(tmp_path_factory):
    """Consultations of 2024 in two villages, rolled up, and the registry's villages."""
    with counting_world(tmp_path_factory.mktemp("quiet")) as world:
        base = world["urls"]["consultations"]
        for village, days in HEARD.items():
            headers = bearer("advisor", scope={"advisor_id": ADVISOR_OF[village]})
            for number, day in enumerate(days):
                body = consultation_body(number) | {
                    "village_code": village,
                    "occurred_at": f"{day}T10:00:00+08:00",
                }
                answer = requests.post(f"{base}/consultations", json=body, headers=headers)
                assert answer.status_code == 201, answer.text[:300]
        drain(world["stats"])
        villages = requests.get(f"{world['urls']['registry']}/villages", headers=ADMIN).json()
        yield world | {"client": world["stats"].test_client(), "villages": villages}


def _quiet(world, headers=LEADER, **query):
    answer = world["client"].get("/quiet-villages", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer


def test_the_last_three_months_list_every_village_but_the_one_heard_then(quiet_world):
    answer = _quiet(quiet_world, year="2024", months=3).get_json()
    assert answer["months"] == ["2024-12", "2024-11", "2024-10"]
    assert answer["villages"] == len(quiet_world["villages"]) == 324
    listed = {row["village"] for row in answer["quiet"]}
    assert listed == {v["code"] for v in quiet_world["villages"]} - {HEARD_LATE}
    names = {v["code"]: v["name"] for v in quiet_world["villages"]}
    early = next(row for row in answer["quiet"] if row["village"] == HEARD_EARLY)
    assert early["village_name"] == names[HEARD_EARLY]
    assert early["township"] == "653222100" and early["township_name"] not in ("", "653222100")


def test_a_year_of_months_hears_both_villages(quiet_world):
    answer = _quiet(quiet_world, year="2024", months=12).get_json()
    assert answer["months"][-1] == "2024-01" and len(answer["months"]) == 12
    assert {HEARD_LATE, HEARD_EARLY}.isdisjoint(row["village"] for row in answer["quiet"])
    assert len(answer["quiet"]) == 322


def test_the_sheet_holds_the_rows_of_the_table(quiet_world):
    table = _quiet(quiet_world, year="2024", months=6).get_json()
    sheet = _quiet(quiet_world, year="2024", months=6, format="xlsx")
    assert sheet.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(sheet.data)).worksheets[0].values)
    header = next(i for i, row in enumerate(rows) if row and row[0] == "乡镇代码")
    assert rows[header] == ("乡镇代码", "乡镇", "村(社区)代码", "村(社区)", "无咨询记录的月份")
    body = [row for row in rows[header + 1 :] if any(row)]
    assert [(row[2], row[3]) for row in body] == [
        (row["village"], row["village_name"]) for row in table["quiet"]
    ]
    assert {row[4] for row in body} == {"2024-07 至 2024-12"}


def test_a_year_to_come_has_no_quiet_village(quiet_world):
    answer = _quiet(quiet_world, year="2030", months=3).get_json()
    assert answer["months"] == [] and answer["quiet"] == []


def test_months_not_offered_and_other_roles_are_refused_in_chinese(quiet_world):
    client = quiet_world["client"]
    answer = client.get("/quiet-villages?year=2024&months=4", headers=LEADER)
    assert answer.status_code == 422
    assert "months" in answer.get_json()["error"]["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.get_json()["error"]["message"])
    for role in ("staff", "advisor"):
        assert client.get("/quiet-villages?year=2024", headers=bearer(role)).status_code == 403
