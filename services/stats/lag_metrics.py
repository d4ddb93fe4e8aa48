"""The worker's lag per source and the queue depth, in the stats service's /metrics."""

import time

import redis
from prometheus_client.core import GaugeMetricFamily
from rq import Queue

from services.stats import QUEUE_NAME
from services.stats.catalogue import FEEDS
from services.stats.jobs import FRESHNESS


class LagCollector:
    """Read at scrape time from Redis; a Redis that does not answer yields nothing."""

    def __init__(self, connection):
        self.connection = connection

    def collect(self):
        try:
            state = {k.decode(): float(v) for k, v in self.connection.hgetall(FRESHNESS).items()}
            depth = Queue(QUEUE_NAME, connection=self.connection).count
        except redis.RedisError:
            return
        behind = GaugeMetricFamily(
            "stats_entries_behind", "Feed entries not yet in the figures.", labels=["source"]
        )
        seconds = GaugeMetricFamily(
            "stats_seconds_behind", "Seconds since the source was caught up.", labels=["source"]
        )
        now = time.time()
        for source in FEEDS:
            cursor = state.get(f"{source}:cursor", 0.0)
            last = state.get(f"{source}:last_seq", 0.0)
            behind.add_metric([source], max(0.0, last - cursor))
            caught_up = state.get(f"{source}:caught_up_at", now)
            seconds.add_metric([source], 0.0 if cursor >= last else now - caught_up)
        yield behind
        yield seconds
        yield GaugeMetricFamily(
            "stats_queue_depth", "Jobs waiting in the stats queue.", value=depth
        )
