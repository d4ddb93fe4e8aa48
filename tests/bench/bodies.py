"""The request bodies the activities benchmarks send."""

import uuid
from datetime import datetime, timedelta

from shared.clock import LOCAL_ZONE

BATCH_SIZE = 500


def activity(number):
    """One valid activity body."""
    start = datetime(2024, 5, 1, 10, tzinfo=LOCAL_ZONE) + timedelta(minutes=number)
    return {
        "id": str(uuid.uuid4()),
        "type": "法润巴扎",
        "title": f"巴扎普法 {number}",
        "organiser": "司法局",
        "audience": "public",
        "township_code": "653222100",
        "village_code": "653222100201",
        "venue": "巴扎",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "headcount": 50 + number % 40,
        "languages": ["ug", "zh"],
    }


def batch(size=BATCH_SIZE):
    """One batch request of `size` new activities."""
    return {"items": [{"kind": "activity", "data": activity(n)} for n in range(size)]}
