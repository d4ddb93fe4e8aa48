"""Structured JSON logs, one object per line, each carrying the request id."""

import json
import logging
import sys
import time
import traceback

from flask import g, has_request_context


class RequestIdFilter(logging.Filter):
    """Stamp every record with the id of the request being served, if any."""

    def filter(self, record):
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line.

    An exception is logged by type and stack only: its message may carry the values of a
    failed statement, which can be personal data.
    """

    def __init__(self, component):
        super().__init__()
        self.component = component

    def format(self, record):
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "component": self.component,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0]:
            exc_type, _, tb = record.exc_info
            entry["exc_type"] = exc_type.__name__
            entry["stack"] = "".join(traceback.format_tb(tb))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(component, level="INFO", stream=None):
    """Send the root logger's records, as JSON lines, to stderr (or the given stream)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(component))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "pufa_json", False):
            root.removeHandler(old)
    handler.pufa_json = True
    root.addHandler(handler)
    root.setLevel(level)
    return handler
