"""The worker's lag per source and the queue depth, in the stats service's /metrics."""

import redis
from prometheus_client.core import GaugeMetricFamily

from services.stats.freshness import freshness_report
from services.stats.jobs import stats_queue


class LagCollector:
    """Read at scrape time from Redis; a Redis that does not answer yields nothing."""

    def __init__(self, connection):
        self.connection = connection

    def collect(self):
        try:
            report = freshness_report(self.connection)
            depth = stats_queue(self.connection).count
        except redis.RedisError:
            return
        behind = GaugeMetricFamily(
            "stats_entries_behind", "Feed entries not yet in the figures.", labels=["source"]
        )
        seconds = GaugeMetricFamily(
            "stats_seconds_behind", "Seconds since the source was caught up.", labels=["source"]
        )
        for source, lag in report.items():
            behind.add_metric([source], lag["entries_behind"])
            seconds.add_metric([source], lag["seconds_behind"])
        yield behind
        yield seconds
        yield GaugeMetricFamily(
            "stats_queue_depth", "Jobs waiting in the stats queue.", value=depth
        )
