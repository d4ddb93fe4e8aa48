"""gunicorn settings shared by every service and the gateway (bind and socket on the CLI)."""

import os
import shutil
import tempfile

from deploy import gunicorn_errors
from shared.config import max_content_length

# A request gunicorn itself refuses (bad request line, headers too large) is answered in the
# shared JSON error shape, not gunicorn's HTML page.
gunicorn_errors.install()

# gthread keeps connections from the gateway alive; sync workers close after each answer.
worker_class = "gthread"
# One worker per core by default (a worker runs Python on one core at a time), at most 4:
# the database takes one writer at a time, and each worker holds its own connections.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(os.cpu_count() or 1, 4))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Load the app once in the master, before any worker forks (migrations run before: deploy.migrate).
preload_app = True
graceful_timeout = 5
timeout = 30
# A kept-alive connection closed by us just as a caller reuses it loses that request (the
# caller sees "cannot be reached"); a long idle time makes that rare: the gateway's pooled
# connections are reused long before they are 75 s idle (nginx's own default).
keepalive = 75
# Our apps write one JSON access line per request themselves.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")

# The workers of this component count their Prometheus metrics into one folder of its own
# (read at /metrics by whichever worker answers). It must be set before the app is loaded.
_metrics_dir = tempfile.mkdtemp(prefix="pufa-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


_body_limit = max_content_length()


def pre_request(worker, req):
    """A body the app refuses unread (declared over the limit) or reads only up to the
    limit (chunked) ends its connection: the answer says `Connection: close`, and nothing
    of the rest is read as if it were the next request."""
    worker.log.debug("%s %s", req.method, req.path)
    for name, value in req.headers:
        if (name == "CONTENT-LENGTH" and value.isdigit() and int(value) > _body_limit) or (
            name == "TRANSFER-ENCODING" and "chunked" in value.lower()
        ):
            req.must_close = True


def child_exit(_server, worker):
    """A worker's live figures go with it; its counts stay in the totals."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(_server):
    """Remove the metrics folder with the component."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
