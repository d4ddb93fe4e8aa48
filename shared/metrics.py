"""Prometheus metrics: requests by route and status, and their latency; one access log line."""

import logging
import os
import time

from flask import Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

access_log = logging.getLogger("access")
# What machines ask every few seconds (health checks, the stats worker reading a feed):
# answered, they are logged at DEBUG, so that an idle stack's console stays quiet.
POLLED_ROUTES = frozenset({"/healthz", "/readyz", "/livez", "/metrics", "/feed"})
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # set by deploy/gunicorn.conf.py


def install_metrics(app, blueprint):
    """Count and time every request of the app and serve them at /metrics."""
    registry = CollectorRegistry()  # what /metrics serves; apps add collectors of their own
    app.extensions["metrics_registry"] = registry
    counted_in = registry
    if os.environ.get(MULTIPROCESS_DIR):
        # Several gunicorn workers: each counts into files of the shared folder, and
        # /metrics (whichever worker answers it) adds up all of them.
        MultiProcessCollector(registry)
        counted_in = None
    requests_total = Counter(
        "http_requests_total",
        "HTTP requests answered, by route template, method and status.",
        ["route", "method", "status"],
        registry=counted_in,
    )
    latency = Histogram(
        "http_request_duration_seconds",
        "Time to answer an HTTP request, by route template.",
        ["route", "method"],
        registry=counted_in,
    )

    @app.before_request
    def start_timer():
        g.started_at = time.perf_counter()

    @app.after_request
    def record(response):
        elapsed = time.perf_counter() - g.get("started_at", time.perf_counter())
        # The route template, never the concrete path: paths may carry ids.
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        requests_total.labels(route, request.method, str(response.status_code)).inc()
        latency.labels(route, request.method).observe(elapsed)
        polled = route in POLLED_ROUTES and request.method == "GET" and response.status_code < 400
        access_log.log(
            logging.DEBUG if polled else logging.INFO,
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "fields": {
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "ms": round(elapsed * 1000, 1),
                }
            },
        )
        return response

    @blueprint.route("/metrics")
    def metrics():
        """Serve the app's metrics in the Prometheus text format."""
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

    return registry
