"""General rate limits per user and per address (Flask-Limiter on Redis), configurable."""

from flask import g, request
from flask_limiter import ApplicationLimit, Limiter


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
    return Limiter(
        caller_key,
        app=app,
        storage_uri=app.config["REDIS_URL"],
        # Two counters a key (this window and the last, weighted): O(1) a request. The
        # moving window keeps a list of every hit and walks it on each request.
        strategy="sliding-window-counter",
        headers_enabled=True,
        # A Redis outage must not take the public entry down with it.
        swallow_errors=True,
        application_limits=[
            ApplicationLimit(app.config["RATE_LIMIT_PER_CALLER"], key_function=caller_key),
            ApplicationLimit(app.config["RATE_LIMIT_PER_ADDRESS"], key_function=address_key),
        ],
        key_prefix="ratelimit",
    )
