"""Driving the stats worker in-process (RQ burst mode) and recounting from the records."""

import signal
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta

import requests

from services.stats import create_app as create_stats
from services.stats.jobs import tick
from services.stats.worker import stats_worker
from shared.auth import issue_token
from shared.clock import LOCAL_ZONE
from shared.config import DEMO_TOKEN_SIGNING_KEY
from shared.redis_client import get_redis
from tests.support.apps import migrated
from tests.support.processes import RedisServer, start_recording_services

# Tokens made when a test module is imported must outlive a slow run of the whole suite
# (a shared machine took 37 minutes): the 15-minute default expired under later modules.
TEST_TOKEN_TTL = 6 * 3600


def bearer(role, **claims):
    """An Authorization header with a token signed by the demo key."""
    token = issue_token(
        DEMO_TOKEN_SIGNING_KEY,
        role=role,
        subject=claims.pop("subject", "1"),
        ttl_seconds=TEST_TOKEN_TTL,
        **claims,
    )
    return {"Authorization": f"Bearer {token}"}


ADMIN, ADVISOR = bearer("admin"), bearer("advisor", scope={"advisor_id": "1"})


@contextmanager
def counting_world(var_dir):
    """{"redis", "urls", "stats", "processes"}: the bundled Redis, the three recording
    services as real processes and an in-process stats app wired to them (its own
    database migrated); stopped after."""
    redis_server = RedisServer(var_dir / "redis")
    processes, _env = start_recording_services(var_dir, redis_server.url)
    urls = {name: process.url for name, process in processes.items()}
    stats = migrated(
        create_stats(
            {
                "REDIS_URL": redis_server.url,
                "SERVICE_URLS": urls,
                "DATABASE_URL": f"sqlite:///{var_dir / 'stats.db'}",
            }
        )
    )
    world = {"redis": redis_server, "urls": urls, "stats": stats, "processes": processes}
    try:
        yield world
    finally:
        for process in processes.values():
            process.stop()
        world["redis"].stop()  # the one running now: a test may have restarted Redis


def work_burst(connection):
    """Work the stats queue until it is empty, in this process, as the worker does; RQ's
    SIGINT/SIGTERM handlers are taken back after (a signal to the test run later must not
    become RQ's StopRequested in whatever test runs then)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        stats_worker(connection).work(burst=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def drain(stats_app, rounds=3):
    """Run the scheduled tick and work the queue until nothing is left (burst)."""
    with stats_app.app_context():
        connection = get_redis()
        for _ in range(rounds):
            tick(connection)
            work_burst(connection)


def all_pages(url, headers, **params):
    """Every item of a paged list endpoint (the URL may carry its own query)."""
    items, cursor = [], None
    while True:
        query = params | {"limit": 500} | ({"cursor": cursor} if cursor else {})
        answer = requests.get(url, headers=headers, params=query, timeout=10)
        assert answer.status_code == 200, answer.text[:300]
        page = answer.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def recount(services, headers, year):
    """The figures computed directly from the services' records, for one year."""
    span = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    activities = all_pages(f"{services['activities']}/activities", headers, **span)
    consultations = all_pages(f"{services['consultations']}/consultations", headers, **span)
    totals = Counter()
    for activity in activities:
        totals["sessions"] += 1
        totals["attendances"] += activity["attendances"]
        totals["online_reach"] += activity["online_reach"]
        totals["checkins"] += activity["checkins"]
        if activity["type"] == "法治讲堂·逢九必讲":
            totals["cadre_sessions"] += 1
            totals["cadre_attendances"] += activity["attendances"]
    totals["consultations"] = len(consultations)
    return totals


def activity_body(number, **overrides):
    """A valid activity of 2024 in 喀拉喀什镇 or 扎瓦镇."""
    start = datetime(2024, 1 + number % 12, 1 + number % 28, 10, tzinfo=LOCAL_ZONE)
    township = ("653222100", "653222101")[number % 2]
    body = {
        "id": str(uuid.uuid4()),
        "type": ("法润巴扎", "法治进校园", "法治讲堂·逢九必讲")[number % 3],
        "title": f"普法 {number}",
        "organiser": "司法局",
        "audience": ("public", "students", "cadres")[number % 3],
        "township_code": township,
        "venue": "村委会",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "headcount": 10 + number % 50,
    }
    return body | overrides


def consultation_body(number):
    """A valid consultation by advisor 1 in its village in 2024."""
    return {
        "id": str(uuid.uuid4()),
        "village_code": "653222100001",
        "occurred_at": f"2024-{1 + number % 12:02d}-10T10:00:00+08:00",
        "channel": "面谈",
        "category": ("婚恋", "家庭", "邻里")[number % 3],
        "question": "问题",
        "advice": "建议",
        "outcome": "当场解答",
        "resident": {"name": "居民"},
    }


def posted(url, body, headers=ADMIN):
    """POST a body to a service; its JSON answer, which must be a success."""
    answer = requests.post(url, json=body, headers=headers, timeout=10)
    assert answer.status_code in (200, 201), answer.text[:300]
    return answer.json()
