"""The catalogue's contract with the recording services, walked rather than hand-picked:
each service's facts cover what the catalogue counts, every drill-down parameter is one its
list accepts, and every figure's `records` link lists exactly the records behind it."""

import pytest
import requests

from services.stats.catalogue import LEVELS, SOURCES, kept_breakdowns, period_kind
from tests.integration.catalogue.support import DAY, TOWNSHIP, VILLAGE, figures_of, records_behind
from tests.integration.rollup_support import (
    ADMIN,
)

AREAS = ("county", f"township:{TOWNSHIP}", f"village:{VILLAGE}")
PERIODS = ("2024", DAY[:7], DAY)


def _get(counted, source, path, params):
    """GET a path of a source service itself, as an admin."""
    url = f"{counted['urls'][source.name]}{path}"
    return requests.get(url, params=params, headers=ADMIN, timeout=10)


def _list(counted, source, params):
    """GET a source's record list with `params`."""
    return _get(counted, source, source.records.removeprefix(f"/api/v1/{source.name}"), params)


def _value_of(records, metric):
    return len(records) if metric.sums is None else sum(r[metric.sums] for r in records)


def _grains():
    """Every (source, metric, period, area, breakdown dimension or None) the figures keep."""
    for source in SOURCES:
        for metric in source.metrics:
            for period in PERIODS:
                for area in AREAS:
                    level = next((lv for lv in LEVELS if area.startswith(lv.name)), None)
                    if level and period_kind(period) not in level.periods:
                        continue
                    yield source, metric, period, area, None
                    for dimension in kept_breakdowns(source, level):
                        yield source, metric, period, area, dimension
                    finer = LEVELS[LEVELS.index(level) + 1 :] if level else LEVELS
                    for below in finer:
                        if period_kind(period) in below.periods:
                            yield source, metric, period, area, below.name


def test_each_recording_services_facts_cover_the_catalogue(counted):
    for source in SOURCES:
        page = _get(counted, source, "/feed", {"after": 0}).json()
        facts = [e["payload"]["after"] for e in page["entries"] if e["entity"] == source.entity]
        needed = {
            *source.facts,
            *(m.name for m in source.metrics),
            *(b.dimension for b in source.breakdowns),
        }
        assert facts and all(needed <= set(one) for one in facts if one), source.name
        # and its aggregate (what a rebuild starts from) groups and sums by the same names
        grouping = ",".join(sorted({*source.facts, *(b.dimension for b in source.breakdowns)}))
        answer = _get(counted, source, "/feed/aggregate", {"grouping": grouping})
        assert answer.status_code == 200, answer.text[:300]
        (grouped,) = answer.json()["groupings"]
        assert {m.name for m in source.metrics} <= set(grouped["groups"][0])


def _a_value_with_records(counted, source, dimension):
    """A value of `dimension` that some of the year's records have."""
    rows = figures_of(counted, metric=source.metrics[0].name, period="2024", by=dimension)
    assert rows, (source.name, dimension)
    return rows[0]["breakdown"].partition(":")[2]


def test_every_drill_down_parameter_is_one_its_list_accepts(counted):
    for source in SOURCES:
        parameters = [
            *(
                (b.parameter, _a_value_with_records(counted, source, b.dimension))
                for b in source.breakdowns
            ),
            *((lv.parameter, _a_value_with_records(counted, source, lv.name)) for lv in LEVELS),
            *(pair for metric in source.metrics for pair in metric.where),
            *(
                (key, value.format(moment="2001-01-01T00:00:00+08:00"))
                for key, value in source.changed_since
            ),
        ]
        for parameter, value in parameters:
            answer = _list(counted, source, {parameter: value})
            assert answer.status_code == 200, (source.name, parameter, answer.text[:300])
            assert answer.json()["items"], (source.name, parameter, value)


def test_every_figure_lists_exactly_the_records_behind_it(counted):
    compared = 0
    for source, metric, period, area, dimension in _grains():
        query = {"metric": metric.name, "period": period, "area": area}
        if dimension is None:
            (figure,) = figures_of(counted, **query)
            rows = [figure]
        else:
            rows = figures_of(counted, **query, by=dimension)
            if dimension == source.total:  # one value per record: they add up to the total
                (total,) = figures_of(counted, **query)
                assert sum(row["value"] for row in rows) == total["value"], query
        for row in rows:
            listed = records_behind(counted, source, row["records"])
            assert row["value"] == _value_of(listed, metric), (query, dimension, row)
            compared += bool(row["value"])
    assert compared > 300  # the walk met real figures, not zeros


def test_a_list_refuses_a_filter_it_does_not_know(counted):
    for source in SOURCES:
        answer = _list(counted, source, {"townshp": TOWNSHIP})
        assert answer.status_code == 422, answer.text[:300]
        assert list(answer.json()["error"]["fields"]) == ["townshp"]
    answer = counted["stats"].get("/figures?metric=sessions&period=2024&bye=type", headers=ADMIN)
    assert answer.status_code == 422 and list(answer.get_json()["error"]["fields"]) == ["bye"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"metric": "sessions", "period": DAY, "area": f"village:{VILLAGE}"}, "period"),
        (
            {"metric": "sessions", "period": "2024", "area": f"village:{VILLAGE}", "by": "type"},
            "by",
        ),
        ({"metric": "sessions", "period": "2024", "by": "category"}, "by"),
        ({"metric": "consultations", "period": DAY, "by": "village"}, "by"),
        (
            {
                "metric": "sessions",
                "period": "2024",
                "area": f"township:{TOWNSHIP}",
                "by": "township",
            },
            "by",
        ),
    ],
)
def test_a_grain_the_figures_do_not_keep_is_a_422_naming_what_is_kept(counted, query, field):
    answer = counted["stats"].get("/figures", query_string=query, headers=ADMIN)
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == "grain_not_kept" and list(error["fields"]) == [field]
    assert "村(社区)按年、月" in error["message"]
