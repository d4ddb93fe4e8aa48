"""Full rebuild of N activities (default 1,000,000) against a raw SQLite GROUP BY of them,
alternating, the median of a few rounds; each rebuild replaces the last one's figures.

The rows are written straight into the activities database (a benchmark fixture, not the
product's path); the rebuild goes through the real services and the stats job.
"""

import os
import random
import sqlite3
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from services.activities import create_app as create_activities
from services.stats import create_app as create_stats
from services.stats import figures
from services.stats.jobs import rebuild
from shared.redis_client import get_redis
from tests.support.apps import migrated
from tests.support.processes import (
    RedisServer,
    start_recording_services,
)

ROWS = int(os.environ.get("BENCH_REBUILD_ROWS", "1000000"))
ROUNDS = 3  # the median round is printed
TOWNSHIPS = [f"653222{code}" for code in (*range(100, 105), *range(200, 211))]
TYPES = ("法润巴扎", "法治进校园", "法治进企业", "国旗下普法", "宪法宣传", "法治讲堂·逢九必讲")
BASELINE = """SELECT day, township_code, type, count(*), sum(max(headcount, checkins))
              FROM activities WHERE status = 'active' GROUP BY day, township_code, type"""


def fill(path, rows):
    """Write `rows` activities straight into the database file."""
    rng = random.Random(1)
    start = date(2024, 1, 1)
    connection = sqlite3.connect(path)
    batch = []
    for number in range(rows):
        day = start + timedelta(days=rng.randrange(366))
        township = rng.choice(TOWNSHIPS)
        moment = f"{day.isoformat()} 02:00:00"
        batch.append(
            (
                str(uuid.UUID(int=number + 1)),
                "x",
                1,
                "active",
                rng.choice(TYPES),
                "t",
                "司法局",
                "public",
                township,
                f"{township}{rng.randint(201, 220)}",
                "v",
                moment,
                moment,
                day.isoformat(),
                rng.randint(10, 90),
                0,
                0,
                "[]",
                "",
                "bench",
                moment,
                moment,
            )
        )
        if len(batch) == 50_000:
            _insert(connection, batch)
            batch = []
    _insert(connection, batch)
    connection.close()


def _insert(connection, batch):
    connection.executemany(
        "INSERT INTO activities (id, digest, version, status, type, title, organiser, audience,"
        " township_code, village_code, venue, starts_at, ends_at, day, headcount, online_reach,"
        " checkins, languages, notes, recorded_by, recorded_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        batch,
    )
    connection.commit()


def run():
    """Fill, time the baseline and the rebuild, print the ratio."""
    var_dir = Path(tempfile.mkdtemp(prefix="pufa-bench-rebuild-"))
    database = var_dir / "activities" / "activities.db"
    migrated(
        create_activities(
            {"DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": "redis://127.0.0.1:1/0"}
        )
    )
    fill(database, ROWS)

    redis_server = RedisServer(var_dir / "redis")
    processes, _env = start_recording_services(var_dir, redis_server.url)
    try:
        stats = create_stats(
            {
                "REDIS_URL": redis_server.url,
                "SERVICE_URLS": {n: p.url for n, p in processes.items()},
            }
        )
        rounds = []
        with stats.app_context():
            rebuild()  # unmeasured: every measured round replaces a namespace, as in production
            for _ in range(ROUNDS):  # alternating, so both meet the machine as it is
                baseline, groups = _timed_baseline(database)
                started = time.perf_counter()
                rebuild()
                took = time.perf_counter() - started
                sessions = figures.figures(get_redis(), ["sessions"], "2024")["sessions"]["value"]
                assert sessions == ROWS, (sessions, ROWS)
                rounds.append((baseline, took))
                print(f"  round: GROUP BY {baseline:5.2f} s, rebuild {took:5.2f} s", flush=True)
    finally:
        for process in processes.values():
            process.stop()
        redis_server.stop()
    baseline, took = sorted(rounds, key=lambda pair: pair[1] / pair[0])[ROUNDS // 2]
    print(f"raw SQLite GROUP BY of {ROWS:,} rows: {baseline:6.2f} s ({groups:,} groups)")
    ratio = took / baseline
    print(
        f"full rebuild of {ROWS:,} activities: {took:6.2f} s  ratio {ratio:.2f}x"
        f" (median of {ROUNDS} rounds; target 2x)"
    )


def _timed_baseline(database):
    """(seconds, groups) of the raw GROUP BY, on a connection of its own."""
    connection = sqlite3.connect(database)
    started = time.perf_counter()
    groups = len(connection.execute(BASELINE).fetchall())
    took = time.perf_counter() - started
    connection.close()
    return took, groups
