"""The Redis connection of an app, with timeouts so that a dead Redis never hangs a request."""

import redis
from flask import current_app


def connect(url, timeout=2.0):
    """Open a Redis client that fails fast when the server is away."""
    return redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, health_check_interval=30
    )


def get_redis():
    """The Redis client of the current app."""
    return current_app.extensions["redis"]
