"""General rate limits per user and per address (Flask-Limiter on Redis), configurable."""

import logging
import time

import redis
from flask import g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from shared.errors import handle_http_exception

log = logging.getLogger(__name__)


def caller_key():
    """Limit a signed-in caller by account, anyone else by address."""
    principal = g.get("principal")
    if principal is not None:
        return f"user:{principal.subject}"
    return f"address:{request.remote_addr}"


def address_key():
    """Limit by client address whoever the caller is."""
    return f"address:{request.remote_addr}"


def install_rate_limits(app):
    """Attach the limiter: RATE_LIMIT_PER_CALLER and RATE_LIMIT_PER_ADDRESS across all routes."""
    limiter = Limiter(
        caller_key,
        app=app,
        storage_uri=app.config["REDIS_URL"],
        # Two counters a key (this window and the last, weighted): O(1) a request. The
        # moving window keeps a list of every hit and walks it on each request.
        strategy="sliding-window-counter",
        # The X-RateLimit-* headers would read each window again after every answer: one
        # more Redis script a request, for headers no client of ours reads. A 429 says
        # when to come back (Retry-After, below).
        headers_enabled=False,
        # A Redis outage must not take the public entry down with it.
        swallow_errors=True,
        application_limits=[
            ApplicationLimit(app.config["RATE_LIMIT_PER_CALLER"], key_function=caller_key),
            ApplicationLimit(app.config["RATE_LIMIT_PER_ADDRESS"], key_function=address_key),
        ],
        key_prefix="ratelimit",
    )

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc):
        """429 in the shared shape, with Retry-After: when the limit hit lets one in again."""
        answer = handle_http_exception(exc)
        try:
            reset_at = limiter.current_limit.reset_at
        except redis.RedisError:
            log.warning("rate limit window unknown: Redis did not answer")
            reset_at = time.time() + 1
        answer.headers["Retry-After"] = str(max(int(reset_at - time.time()), 1))
        return answer

    return limiter
