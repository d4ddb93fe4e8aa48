"""What each phone of the market day has queued while offline (tests/production/phones.py):
a staff phone 40 activities and 10 check-ins, an advisor phone 50 consultations, in
batches of 10, each item under its own client-generated id."""

import uuid
from datetime import datetime, timedelta

from shared.clock import LOCAL_ZONE

YEAR, MONTH = 2026, 10  # an open month: nothing is late
ITEMS, BATCH = 50, 10


def _moment(rng):
    day = rng.randint(1, 28)
    return datetime(YEAR, MONTH, day, rng.randint(9, 18), rng.randint(0, 59), tzinfo=LOCAL_ZONE)


def staff_queue(phone, rng):
    """40 activities in the phone's township and 10 check-ins of its first activity."""
    activities = []
    for n in range(ITEMS - BATCH):
        start = _moment(rng)
        activities.append(
            {
                "kind": "activity",
                "data": {
                    "id": str(uuid.uuid4()),
                    "type": rng.choice(("法润巴扎", "法治进校园", "国旗下普法", "宪法宣传")),
                    "title": f"巴扎普法 {phone.number}-{n}",
                    "organiser": "司法局",
                    "audience": "public",
                    "township_code": phone.township,
                    "village_code": rng.choice(phone.villages),
                    "venue": "巴扎",
                    "starts_at": start.isoformat(),
                    "ends_at": (start + timedelta(hours=1)).isoformat(),
                    "headcount": rng.randint(5, 80),
                    "languages": ["ug", "zh"],
                },
            }
        )
    first = activities[0]["data"]
    checkins = [
        {
            "kind": "checkin",
            "data": {
                "id": str(uuid.uuid4()),
                "activity_id": first["id"],
                "attendee_name": f"群众{phone.number}-{n}",
                "attendee_ref": f"{phone.township}-{phone.number}-{n}",
                "checked_in_at": (
                    datetime.fromisoformat(first["starts_at"]) + timedelta(minutes=n)
                ).isoformat(),
            },
        }
        for n in range(BATCH)
    ]
    items = activities + checkins
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def advisor_queue(phone, rng):
    """50 consultations in the advisor's own village."""
    items = [
        {
            "kind": "consultation",
            "data": {
                "id": str(uuid.uuid4()),
                "village_code": phone.villages[0],
                "occurred_at": _moment(rng).isoformat(),
                "channel": rng.choice(("面谈", "电话", "上门走访")),
                "category": rng.choice(("邻里", "土地承包", "劳动报酬", "合同借贷", "其他")),
                "question": "咨询",
                "advice": "解答",
                "outcome": "当场解答",
                "resident": {"name": f"居民{phone.number}-{n}"},
            },
        }
        for n in range(ITEMS)
    ]
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]
