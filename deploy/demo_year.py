"""A generated year (2024) of Moyu legal-education work, loaded through the public API.

4,500 activities with 250,000+ attendances (17 法治讲堂·逢九必讲 sessions with about
22,000 among them, two enforcement-staff trainings, one enterprise 法治体检, new-media
普法 with its online reach, every type and every organiser) over the 16 townships, some
with check-ins whose attendees come again, a few corrected and a few voided, and the last
few recorded late, after January to November had been closed; and 1,230 consultations by
41 advisors in their own villages. Deterministic: the same ids every time, so loading it
again adds nothing (an interrupted load resumes). Prints the generator's own totals, then
waits until the stats API shows exactly those.
"""

import os
import random
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta

import requests

from services.activities.vocabularies import CADRE_STUDY, ONLINE, ORGANISERS
from shared.clock import LOCAL_ZONE

YEAR = 2024
ACTIVITIES, CADRE_SESSIONS, CONSULTATIONS, ADVISORS = 4500, 17, 1230, 41
ONLINE_SESSIONS = 48  # new-media 普法: four a month, counted by their reach
VOIDED, CORRECTED, LATE = 5, 12, 6  # beyond the 4,500: entered twice, then voided
CLOSED_MONTHS = [f"{YEAR}-{month:02d}" for month in range(1, 12)]  # closed before the late
LATE_TOWNSHIP_INDEX = 0  # the township whose late records came in by an exception
NAMESPACE = uuid.UUID("6f1f3c52-2a57-4c1e-9a55-653222000000")
ORDINARY = ("法润巴扎", "法治进校园", "法治进企业", "国旗下普法", "会前学法", "宪法宣传", "其他")
AUDIENCES = {"法治进校园": "students", "法治进企业": "enterprises", "会前学法": "cadres"}
ADVISOR_PASSWORD = "pufa-demo-counsel"
RETRIES = 3  # after a 503 or 504: the stack said "try again shortly"


def _id(kind, number, year):
    # the demo year's ids stay those it always had; another year's are its own
    name = f"{kind}-{number}" if year == YEAR else f"{kind}-{year}-{number}"
    return str(uuid.uuid5(NAMESPACE, name))


def _moment(rng, year):
    start = datetime(year, 1, 1, 10, tzinfo=LOCAL_ZONE) + timedelta(days=rng.randrange(366))
    return start if start.year == year else start - timedelta(days=1)


def activities(townships, villages_of, year=YEAR):
    """Every activity of the demo year (or another year like it), as API bodies."""
    rng = random.Random(653222)
    plan = [(CADRE_STUDY, 1294, "cadres", 9)] * CADRE_SESSIONS
    plan += [
        ("执法人员培训", 260, "enforcement_staff", 15),
        ("执法人员培训", 255, "enforcement_staff", 22),
    ]
    plan += [("法治体检", 40, "enterprises", 18)]
    plan += [(ONLINE, 0, "public", 5 + 7 * (n % 4)) for n in range(ONLINE_SESSIONS)]
    while len(plan) < ACTIVITIES + VOIDED:
        kind = rng.choice(ORDINARY)
        plan.append((kind, rng.randint(20, 88), AUDIENCES.get(kind, "public"), None))
    bodies = []
    for number, (kind, headcount, audience, day_of_month) in enumerate(plan):
        township = townships[number % len(townships)]
        start = _moment(rng, year)
        if day_of_month:  # 逢九必讲: on the 9th, 19th or 29th; new media through the month
            start = start.replace(month=1 + number % 12, day=day_of_month)
        if number >= len(plan) - LATE:  # the late ones: November, in one township
            township = townships[LATE_TOWNSHIP_INDEX]
            start = start.replace(month=11, day=1 + number % 28)
        bodies.append(
            {
                "id": _id("activity", number, year),
                "type": kind,
                "title": f"{kind}（{start:%m月%d日}）",
                # every organiser at least once (谁执法谁普法), then at random
                "organiser": ORGANISERS[number]
                if number < len(ORGANISERS)
                else rng.choice(ORGANISERS),
                "audience": audience,
                "township_code": township,
                "village_code": rng.choice(villages_of[township]),
                "venue": "村委会",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
                "headcount": headcount,
                "online_reach": rng.randint(800, 6000) if kind == ONLINE else 0,
                "languages": ["ug", "zh"],
            }
        )
    return bodies


def checkins(bodies):
    """Check-ins of every 30th activity held in person, up to its headcount; attendees of a
    township come again (the same reference), and one in five gives none."""
    rng = random.Random(2024)
    items = []
    for body in bodies[7::30]:
        if body["type"] == ONLINE:
            continue
        start = datetime.fromisoformat(body["starts_at"])
        for person in range(min(body["headcount"], rng.randint(10, 30))):
            resident = rng.randrange(400)  # a township's regulars: some come again
            items.append(
                {
                    "id": str(uuid.uuid5(NAMESPACE, f"checkin-{body['id']}-{person}")),
                    "activity_id": body["id"],
                    "attendee_name": f"演示群众{resident}",
                    "attendee_ref": None
                    if person % 5 == 4
                    else f"{body['township_code']}-{resident}",
                    "checked_in_at": (start + timedelta(minutes=10 + person)).isoformat(),
                }
            )
    return items


def consultations(advisor_villages, year=YEAR):
    """Every consultation of the demo year (or another like it), grouped by advisor."""
    rng = random.Random(1200)
    categories = ("婚恋", "家庭", "邻里", "土地承包", "劳动报酬", "合同借贷", "其他")
    by_advisor = {advisor: [] for advisor in advisor_villages}
    for number in range(CONSULTATIONS):
        advisor = list(advisor_villages)[number % len(advisor_villages)]
        by_advisor[advisor].append(
            {
                "id": _id("consultation", number, year),
                "village_code": advisor_villages[advisor],
                "occurred_at": _moment(rng, year).isoformat(),
                "channel": rng.choice(("面谈", "电话", "上门走访")),
                "category": rng.choice(categories),
                "question": "咨询（演示数据）",
                "advice": "解答（演示数据）",
                "outcome": rng.choice(("当场解答", "当场解答", "转人民调解", "转法律援助")),
                "resident": {"name": f"演示居民{number}"},
            }
        )
    return by_advisor


class Api:
    """The public API at the gateway, as one signed-in user."""

    def __init__(self, gateway, username, password):
        self.gateway = gateway
        answer = requests.post(
            f"{gateway}/api/v1/auth/token",
            timeout=30,
            json={"grant_type": "password", "username": username, "password": password},
        )
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def call(self, method, path, **kwargs):
        """One call, sent again after a 503/504 as a phone would (each write names its
        record, so a repeat stores nothing twice); an error that stays stops the load."""
        for attempt in range(RETRIES + 1):
            answer = requests.request(
                method, f"{self.gateway}/api/v1{path}", headers=self.headers, timeout=120, **kwargs
            )
            if answer.status_code not in (503, 504) or attempt == RETRIES:
                break
            time.sleep(min(float(answer.headers.get("Retry-After") or 1), 5))
        # 409: an edit already made by an earlier, interrupted load (its version moved on)
        if answer.status_code >= 400 and answer.status_code != 409:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def batch(self, path, kind, bodies):
        """Upload in batches of 500; a duplicate (an earlier load's) is fine, else it stops."""
        for start in range(0, len(bodies), 500):
            items = [{"kind": kind, "data": body} for body in bodies[start : start + 500]]
            summary = self.call("POST", path, json={"items": items})["summary"]
            if summary["invalid"] or summary["conflict"] or summary["forbidden"]:
                raise RuntimeError(f"{path}: {summary}")


def _edits(admin, bodies):
    """Void the entries made twice, correct a few headcounts: the records keep a history.
    Returns the bodies as they stand after, the voided left out."""
    path = "/activities/activities"
    voided = bodies[-VOIDED - LATE : -LATE]
    for body in voided:
        admin.call("POST", f"{path}/{body['id']}/void", json={"version": 1, "reason": "重复录入"})
    standing = [b for b in bodies if b not in voided]
    for body in standing[100 : 100 + CORRECTED * 37 : 37]:
        if body["type"] != ONLINE:
            correction = {k: v for k, v in body.items() if k != "id"}
            body["headcount"] += 5
            correction |= {"headcount": body["headcount"], "version": 1}
            admin.call("PUT", f"{path}/{body['id']}", json=correction)
    return standing


def _late(admin, bodies, townships):
    """Close January to November, grant one township an exception for November, and
    record the last few activities then: they count as late."""
    for period in CLOSED_MONTHS:
        admin.call("POST", "/activities/periods/close", json={"period": period})
    admin.call(
        "POST",
        "/activities/periods/exceptions",
        json={
            "period": f"{YEAR}-11",
            "township_code": townships[LATE_TOWNSHIP_INDEX],
            "until": (datetime.now(LOCAL_ZONE) + timedelta(days=7)).isoformat(),
            "reason": "演示:11月补录",
        },
    )
    admin.batch("/activities/activities/batch", "activity", bodies[-LATE:])


def load(gateway, admin_password="pufa-demo-county", year=YEAR):
    """Load the year through the API; return the generator's own totals."""
    admin = Api(gateway, "admin", admin_password)
    villages = admin.call("GET", "/registry/villages")
    villages_of = {}
    for village in villages:
        villages_of.setdefault(village["township_code"], []).append(village["code"])
    townships = sorted(villages_of)
    bodies = activities(townships, villages_of, year)
    admin.batch("/activities/activities/batch", "activity", bodies[:-LATE])
    admin.batch("/activities/activities/batch", "checkin", checkins(bodies))
    bodies = _edits(admin, bodies)
    if year == YEAR:  # another year like it (the benchmarks') keeps its months open
        _late(admin, bodies, townships)
    else:
        admin.batch("/activities/activities/batch", "activity", bodies[-LATE:])
    day = f"{year}-06-30"
    advisor_villages = {
        n: admin.call("GET", f"/registry/advisors/{n}/villages", params={"date": day})["villages"][
            0
        ]
        for n in range(1, ADVISORS + 1)
    }

    def record_as(advisor, items):  # each advisor records their own, as on the phone
        admin.call(
            "POST",
            "/accounts",
            json={
                "username": f"advisor-{advisor}",
                "password": ADVISOR_PASSWORD,
                "role": "advisor",
                "scope": {"advisor_id": str(advisor)},
            },
        )
        Api(gateway, f"advisor-{advisor}", ADVISOR_PASSWORD).batch(
            "/consultations/consultations/batch", "consultation", items
        )

    for advisor, items in consultations(advisor_villages, year).items():
        record_as(advisor, items)
    totals = Counter(
        sessions=len(bodies),
        attendances=sum(b["headcount"] for b in bodies),
        online_reach=sum(b["online_reach"] for b in bodies),
        consultations=CONSULTATIONS,
    )
    cadre = [b for b in bodies if b["type"] == CADRE_STUDY]
    totals.update(cadre_sessions=len(cadre), cadre_attendances=sum(b["headcount"] for b in cadre))
    return totals, admin


def wait_for_figures(admin, totals, timeout=120, year=YEAR):
    """Wait until the stats API shows exactly the generator's totals; return them."""
    deadline = time.monotonic() + timeout
    shown = {}
    while time.monotonic() < deadline:
        answer = requests.get(
            f"{admin.gateway}/api/v1/stats/summary",
            params={"year": year},
            headers=admin.headers,
            timeout=10,
        )
        if answer.ok:
            shown = {name: answer.json()["figures"][name]["value"] for name in totals}
            if shown == dict(totals):
                return shown
        time.sleep(1)
    raise RuntimeError(f"the stats show {shown}, the generator made {dict(totals)}")


def main():
    """Load the demo year into a running stack and report."""
    gateway = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000")
    totals, admin = load(gateway)
    shown = wait_for_figures(admin, totals)
    print(f"  demo year {YEAR}: " + ", ".join(f"{name} {value:,}" for name, value in shown.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
