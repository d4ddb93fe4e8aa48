"""Small sensitive cells suppressed for leaders, so that none can be worked out from a
total; admins see them."""

import pytest

from tests.integration.dashboard.support import LEADER, sheet_rows, stats_read
from tests.integration.rollup_support import (
    ADMIN,
    bearer,
    consultation_body,
    drain,
    posted,
)

SMALL = {  # 2025: (village, advisor id) -> categories of its consultations
    ("653222100001", "1"): ["婚恋"] * 2 + ["邻里"] * 6 + ["土地承包"] * 7,
    ("653222100002", "2"): ["家庭"] * 3,  # a village whose only consultations are few
}


@pytest.fixture(scope="module")
def small_cells(dashboard):
    """Consultations of 2025 with small sensitive cells, rolled up."""
    for (village, advisor), categories in SMALL.items():
        for number, category in enumerate(categories):
            body = consultation_body(number) | {
                "village_code": village,
                "category": category,
                "occurred_at": f"2025-{1 + number % 12:02d}-10T10:00:00+08:00",
            }
            headers = bearer("advisor", scope={"advisor_id": advisor})
            posted(f"{dashboard['urls']['consultations']}/consultations", body, headers)
    drain(dashboard["stats"])
    return dashboard


def _consultations(dashboard, headers, **query):
    query = {"metric": "consultations", "period": "2025"} | query
    return stats_read(dashboard, "/figures", headers=headers, **query).get_json()


def _values(rows):
    return {row["breakdown"]: row.get("shown", row["value"]) for row in rows}


def test_a_leader_sees_small_sensitive_cells_as_less_than_five_where_an_admin_sees_them(
    small_cells,
):
    village = {"area": "village:653222100001", "by": "category"}
    admin = _consultations(small_cells, ADMIN, **village)
    assert _values(admin) == {"category:土地承包": 7, "category:邻里": 6, "category:婚恋": 2}
    assert all("suppressed" not in row for row in admin)
    leader = _consultations(small_cells, LEADER, **village)
    # 婚恋 2 is small; 邻里 goes with it, or the village's total (15) less 7 would give it
    assert _values(leader) == {"category:土地承包": 7, "category:邻里": "<5", "category:婚恋": "<5"}
    hidden = [row for row in leader if row.get("suppressed")]
    assert all(row["value"] is None and row["breakdown_name"] for row in hidden)
    assert {key for row in hidden for key in row} >= set(admin[0])  # it keeps its keys
    _header, *cells = sheet_rows(
        stats_read(
            small_cells, "/figures", headers=LEADER, metric="consultations", period="2025",
            format="xlsx", **village,
        ).data
    )  # fmt: skip
    assert {cell[5]: cell[7] for cell in cells} == _values(leader)
    # the county and townships are large enough: nothing is suppressed there
    by_category = _consultations(small_cells, LEADER, by="category")
    assert _values(by_category) == _values(_consultations(small_cells, ADMIN, by="category"))


def test_a_village_whose_only_cell_is_small_has_its_total_suppressed_too(small_cells):
    alone = {"area": "village:653222100002"}
    assert _values(_consultations(small_cells, LEADER, **alone, by="category")) == {
        "category:家庭": "<5"
    }
    assert _values(_consultations(small_cells, LEADER, **alone)) == {"all": "<5"}
    assert _values(_consultations(small_cells, ADMIN, **alone)) == {"all": 3}
    trend = {"metric": "consultations", "year": "2025", **alone}
    by_admin = stats_read(small_cells, "/trend", **trend).get_json()
    by_leader = stats_read(small_cells, "/trend", headers=LEADER, **trend).get_json()
    assert [row["value"] for row in by_admin] == [1, 1, 1] + [0] * 9
    # the months add up to the hidden total: the ones with records are hidden too
    assert [row.get("shown", row["value"]) for row in by_leader] == ["<5"] * 3 + [0] * 9
    township = {"area": "township:653222100", "by": "village"}
    assert _values(_consultations(small_cells, ADMIN, **township)) == {
        "village:653222100001": 15,
        "village:653222100002": 3,
    }
    assert _values(_consultations(small_cells, LEADER, **township)) == {
        "village:653222100001": "<5",  # the complement: or 18 - 15 would give the 3 away
        "village:653222100002": "<5",
    }


def test_no_suppressed_cell_can_be_worked_out_from_its_total(small_cells):
    for area, by in (
        ("village:653222100001", "category"),
        ("village:653222100002", "category"),
        ("township:653222100", "village"),
        ("county", "village"),
        ("county", "advisor_id"),
    ):
        rows = _consultations(small_cells, LEADER, area=area, by=by)
        (total,) = _consultations(small_cells, LEADER, area=area)
        hidden = [row for row in rows if row.get("suppressed")]
        if len(hidden) == 1:  # one alone is the total less the rest: the total is hidden
            assert total.get("suppressed"), (area, by)
        if hidden and not total.get("suppressed"):
            shown = sum(row["value"] for row in rows if not row.get("suppressed"))
            left = total["value"] - shown
            # what is left is shared by two or more cells: none of them alone is known
            assert len(hidden) >= 2 and left >= len(hidden), (area, by, left)
