"""Unique reach (人数) counted inside the activities service, and published figures: frozen,
with the records that arrived or changed since, to drill into."""

import io
import uuid

import requests
from docx import Document

from services.stats.report import report_paragraph
from tests.integration.dashboard.support import LEADER, stats_read
from tests.integration.rollup_support import (
    ADMIN,
    ADVISOR,
    activity_body,
    all_pages,
    bearer,
    drain,
    posted,
)


def _activity_in(dashboard, year, township, **overrides):
    start = f"{year}-05-06T10:00:00+08:00"
    body = activity_body(1, township_code=township, starts_at=start, ends_at=start, **overrides)
    return posted(f"{dashboard['urls']['activities']}/activities", body)


def _check_in(dashboard, activity, name, ref=None):
    body = {"id": str(uuid.uuid4()), "attendee_name": name, "checked_in_at": activity["starts_at"]}
    if ref is not None:
        body["attendee_ref"] = ref
    return posted(f"{dashboard['urls']['activities']}/activities/{activity['id']}/checkins", body)


def _reach(dashboard, headers, **query):
    url = f"{dashboard['urls']['activities']}/reach"
    return requests.get(url, params=query, headers=headers, timeout=10)


def test_unique_reach_counts_each_referenced_person_once_across_activities(dashboard):
    here, there = "653222102", "653222103"
    first, second = _activity_in(dashboard, 2023, here), _activity_in(dashboard, 2023, here)
    elsewhere = _activity_in(dashboard, 2023, there)
    void = _activity_in(dashboard, 2023, here)
    for activity in (first, second, elsewhere):  # the same three people at each
        for person in ("A1", "B2", "C3"):
            _check_in(dashboard, activity, f"村民{person}", ref=f"65322219900101{person}")
    _check_in(dashboard, first, "阿依古丽")  # no reference: a check-in, not a person
    _check_in(dashboard, second, "阿依古丽")
    _check_in(dashboard, second, "新人", ref="D4")
    _check_in(dashboard, void, "只来过作废的活动", ref="E5")
    posted(
        f"{dashboard['urls']['activities']}/activities/{void['id']}/void",
        {"version": 1, "reason": "重复录入"},
    )
    township = _reach(dashboard, LEADER, year="2023", township_code=here)
    assert township.status_code == 200, township.text[:300]
    assert township.json() | {"counts": None} == {
        "year": "2023",
        "township_code": here,
        "township_name": township.json()["township_name"],
        "people": 4,  # A1, B2, C3 and D4: each once, whatever the activities
        "checkins": 9,
        "checkins_with_reference": 7,
        "counts": None,
    }
    assert township.json()["township_name"] and "身份证" in township.json()["counts"]
    county = _reach(dashboard, ADMIN, year="2023").json()
    assert (county["township_code"], county["township_name"]) == (None, "全县")
    assert (county["people"], county["checkins"], county["checkins_with_reference"]) == (4, 12, 10)
    body = township.text + _reach(dashboard, ADMIN, year="2023").text
    assert "65322219900101" not in body and "A1" not in body  # nothing of a person leaves


def test_staff_read_the_reach_of_their_own_township_only(dashboard):
    staff = bearer("staff", scope={"township": "653222102"})
    own = _reach(dashboard, staff, year="2023")
    assert own.status_code == 200 and own.json()["township_code"] == "653222102"
    assert _reach(dashboard, staff, year="2023", township_code="653222103").status_code == 403
    assert _reach(dashboard, ADVISOR, year="2023").status_code == 403
    bad = _reach(dashboard, ADMIN, year="1999", township_code="65")
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"year", "township_code"}


def _listed(dashboard, link):
    """The records a link through the gateway lists, read from the service itself."""
    service, path = link.removeprefix("/api/v1/").split("/", 1)
    return all_pages(f"{dashboard['urls'][service]}/{path}", ADMIN)


def test_published_figures_are_frozen_and_the_late_records_since_drill_down(dashboard):
    client = dashboard["client"]
    summary = stats_read(dashboard, "/summary", year="2024").get_json()
    assert client.post("/publications", json={"year": "2024"}, headers=LEADER).status_code == 403
    published = client.post("/publications", json={"year": "2024"}, headers=ADMIN)
    assert published.status_code == 201, published.get_json()
    first = published.get_json()
    assert (first["year"], first["version"]) == ("2024", 1)
    assert first["figures"] == summary and first["published_at"].endswith("+08:00")
    latest = stats_read(dashboard, "/publications/latest", headers=LEADER, year="2024").get_json()
    assert {change["difference"] for change in latest["changes_since"]} == {0}

    # After publication: a record into a closed month (an admin's late write), a correction.
    urls = dashboard["urls"]
    posted(f"{urls['activities']}/periods/close", {"period": "2024-03"})
    start = "2024-03-15T10:00:00+08:00"
    late = posted(
        f"{urls['activities']}/activities",
        activity_body(7, starts_at=start, ends_at=start, headcount=33),
    )
    assert late["late"] is True
    corrected = all_pages(f"{urls['activities']}/activities", ADMIN, township="653222101")[0]
    content = {key: corrected[key] for key in ("type", "title", "organiser", "audience")}
    content |= {key: corrected[key] for key in ("township_code", "venue", "starts_at", "ends_at")}
    answer = requests.put(
        f"{urls['activities']}/activities/{corrected['id']}",
        json=content | {"headcount": corrected["headcount"] + 5, "version": 1},
        headers=ADMIN,
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:300]
    drain(dashboard["stats"])

    latest = stats_read(dashboard, "/publications/latest", headers=LEADER, year="2024").get_json()
    assert latest["version"] == 1 and latest["figures"] == summary  # frozen
    changes = {change["metric"]: change for change in latest["changes_since"]}
    sessions = changes["sessions"]
    assert (sessions["published"], sessions["difference"]) == (
        summary["figures"]["sessions"]["value"],
        1,
    )
    assert sessions["now"] == sessions["published"] + 1 and sessions["label"] == "普法活动场次"
    # its drill-down lists the records written since: the late one and the corrected one,
    # and of them the late one is the +1 (the correction was already counted)
    assert {r["id"] for r in _listed(dashboard, sessions["records"])} == {
        late["id"],
        corrected["id"],
    }
    assert changes["attendances"]["difference"] == 33 + 5
    # The report cites what was published, not what the records say now.
    cited = stats_read(dashboard, "/report", headers=LEADER, year="2024").get_json()
    assert cited["published"]["version"] == 1
    assert cited["published"]["published_at"] == first["published_at"]
    assert cited["figures"]["sessions"] == sessions["published"] == sessions["now"] - 1
    assert cited["paragraph"] == report_paragraph("2024", cited["figures"])
    document = stats_read(dashboard, "/report.docx", headers=LEADER, year="2024")
    texts = [p.text for p in Document(io.BytesIO(document.data)).paragraphs if p.text]
    assert texts == [cited["paragraph"]]
    assert changes["consultations"]["difference"] == 0
    assert _listed(dashboard, changes["consultations"]["records"]) == []

    again = client.post("/publications", json={"year": "2024"}, headers=ADMIN).get_json()
    assert again["version"] == 2
    assert again["figures"]["figures"]["sessions"]["value"] == sessions["now"]
    listed = stats_read(dashboard, "/publications", headers=LEADER, year="2024").get_json()
    assert [p["version"] for p in listed] == [2, 1]
    assert listed[1]["figures"] == summary  # the old one stays as it was
    cited = stats_read(dashboard, "/report", headers=LEADER, year="2024").get_json()
    assert cited["published"]["version"] == 2 and cited["figures"]["sessions"] == sessions["now"]
    latest = stats_read(dashboard, "/publications/latest", year="2024").get_json()
    assert {change["difference"] for change in latest["changes_since"]} == {0}


def test_a_year_never_published_has_no_latest_publication(dashboard):
    answer = dashboard["client"].get("/publications/latest?year=2031", headers=LEADER)
    assert answer.status_code == 404
    assert "2031" in answer.get_json()["error"]["message"]
    assert dashboard["client"].get("/publications?year=2031", headers=LEADER).get_json() == []
    for role in ("staff", "advisor"):
        answer = dashboard["client"].get("/publications?year=2024", headers=bearer(role))
        assert answer.status_code == 403
