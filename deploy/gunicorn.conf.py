"""gunicorn settings shared by every service and the gateway (bind and socket on the CLI)."""

import os

# gthread keeps connections from the gateway alive; sync workers close after each answer.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Load the app once in the master: migrations run once, before any worker forks.
preload_app = True
graceful_timeout = 5
timeout = 30
keepalive = 5
# Our apps write one JSON access line per request themselves.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
