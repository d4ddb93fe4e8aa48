"""Rollup apply rate: feed entries/s through apply_page against pipelined INCR, same Redis."""

import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from services.stats.rollup import CURRENT, apply_page
from tests.support.processes import RedisServer

ROUNDS, PAGES, PAGE_SIZE, INCRS = 3, 180, 1000, 200_000
TYPES = ("法润巴扎", "法治进校园", "国旗下普法", "法治讲堂·逢九必讲")


def synthetic_entries(count, rng, start_seq=1):
    """Activity-create feed entries spread over a year, 16 townships and four types."""
    entries = []
    for offset in range(count):
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        township = f"653222{rng.choice((100, 101, 102, 200, 201, 202, 203, 204))}"
        kind = rng.choice(TYPES)
        facts = {
            "activity_id": str(uuid.uuid4()),
            "township_code": township,
            "village_code": f"{township}{rng.randint(201, 220)}",
            "type": kind,
            "organiser": "司法局",
            "audience": "public",
            "day": day,
            "cadre_study": kind == TYPES[-1],
            "sessions": 1,
            "attendances": rng.randint(10, 90),
            "online_reach": 0,
            "checkins": 0,
        }
        entries.append(
            {
                "seq": start_seq + offset,
                "entity": "activity",
                "action": "create",
                "payload": {"before": None, "after": facts},
            }
        )
    return entries


def incr_rate(connection):
    """Pipelined INCR ops/s, pipelines of 1,000 over 5,000 keys."""
    started = time.perf_counter()
    for start in range(0, INCRS, 1000):
        with connection.pipeline(transaction=False) as pipe:
            for n in range(1000):
                pipe.incr(f"bench:{(start + n) % 5000}")
            pipe.execute()
    return INCRS / (time.perf_counter() - started)


def apply_rate(connection, pages, cursor):
    """Feed entries/s applied through apply_page, from `cursor` on."""
    started = time.perf_counter()
    for page in pages:
        assert apply_page(connection, "bench", "activities", cursor, page)
        cursor = page[-1]["seq"]
    return len(pages) * PAGE_SIZE / (time.perf_counter() - started)


def run():
    """Measure the apply rate and the INCR baseline in alternating rounds (the machine's
    speed drifts); print each round's ratio and their median."""
    redis_server = RedisServer(Path(tempfile.mkdtemp(prefix="pufa-bench-redis-")))
    try:
        connection = redis_server.client
        rng = random.Random(7)
        pages = [synthetic_entries(PAGE_SIZE, rng, 1 + p * PAGE_SIZE) for p in range(PAGES)]
        connection.set(CURRENT, "bench")
        rounds, per_round = [], PAGES // ROUNDS
        for number in range(ROUNDS):
            mine = pages[number * per_round : (number + 1) * per_round]
            baseline = incr_rate(connection)
            applied = apply_rate(connection, mine, mine[0][0]["seq"] - 1)
            rounds.append((baseline, applied))
    finally:
        redis_server.stop()
    for number, (baseline, applied) in enumerate(rounds, 1):
        print(
            f"round {number}: pipelined INCR {baseline:8.0f} ops/s, rollup apply (pages of "
            f"{PAGE_SIZE}) {applied:8.0f} entries/s, ratio {applied / baseline:.2f}x"
        )
    ratio = statistics.median(applied / baseline for baseline, applied in rounds)
    print(f"rollup apply vs pipelined INCR: median ratio {ratio:.2f}x (target 0.3x)")
