"""The one JSON error shape of the whole system, and the handler that produces it.

Every 4xx/5xx answer looks like:

    {"error": {"status": 422, "code": "validation_failed", "message": "...",
               "request_id": "...", "fields": {"limit": ["Not a valid integer."]}}}

`code` is stable and machine-readable, for a client to key on; `fields` is present on
validation errors only and names every bad field; `current` is present on a refused stale
write only: the record as it is now, so a client can show what someone else changed. The
message and the field messages are in the caller's language, Chinese unless it asks for
English (shared/messages.py).
"""

import logging

import sqlalchemy.exc
from flask import g, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

from shared.messages import localise

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}

# What an HTTP error says when it was raised with werkzeug's own English description.
STATUS_MESSAGES = {
    400: "The request is not valid.",
    404: "There is nothing at this address.",
    409: "This conflicts with what is stored; reload and try again.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    415: "Send JSON (Content-Type: application/json).",
    429: "Too many requests; wait before trying again.",
}

# Headers of a werkzeug exception worth keeping on our JSON answer (405 must keep Allow).
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiError(Exception):
    """An error to answer in the shared shape, raised anywhere below a view."""

    def __init__(self, status, message, *, code=None, fields=None, headers=None, current=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "error")
        self.fields = fields
        self.headers = headers or {}
        self.current = current


def error_response(status, message, *, code=None, fields=None, headers=None, current=None):
    """Build a Flask response in the shared error shape."""
    body = {
        "status": status,
        "code": code or CODES.get(status, "error"),
        "message": localise(message),
        "request_id": g.get("request_id"),
    }
    if fields:
        body["fields"] = localise(fields)
    if current is not None:
        body["current"] = current
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 413:
        # The body was left unread: the connection cannot carry another request, and the
        # client must be told so rather than lose its next request on it.
        response.headers["Connection"] = "close"
    return response


def _validation_fields(messages):
    """Flatten webargs' {location: {field: [...]}} into {field: [...]}."""
    fields = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            fields.update(location_errors)
        else:
            fields.setdefault("_schema", []).extend(location_errors)
    return fields


def handle_http_exception(exc):
    """Answer any werkzeug HTTPException (Flask's own and webargs' aborts) in the shape."""
    if isinstance(exc, InternalServerError):
        return handle_unexpected(exc.original_exception or exc)
    data = getattr(exc, "data", None) or {}
    headers = {k: v for k, v in exc.get_headers() if k in _KEPT_HEADERS}
    headers.update(data.get("headers") or {})
    fields = None
    if "messages" in data:
        fields = _validation_fields(data["messages"])
    elif "errors" in data:
        fields = data["errors"]
    message = data.get("message") or _description(exc)
    if exc.code == 422 and fields:
        message = "Some fields are not valid: " + ", ".join(sorted(fields))
    return error_response(exc.code, message, fields=fields, headers=headers)


def _description(exc):
    """What an HTTP error says: ours for werkzeug's default of its status, else its own."""
    if exc.code == 429:  # Flask-Limiter describes the limit hit ("600 per 1 minute")
        return f"Too many requests ({exc.description}); wait before trying again."
    if exc.description == type(exc).description and exc.code in STATUS_MESSAGES:
        return STATUS_MESSAGES[exc.code]
    return exc.description or exc.name


def handle_api_error(exc):
    """Answer an ApiError raised by our own code."""
    return error_response(
        exc.status,
        exc.message,
        code=exc.code,
        fields=exc.fields,
        headers=exc.headers,
        current=exc.current,
    )


def handle_unexpected(exc):
    """Log an unexpected failure (type only: arguments may hold personal data) and hide it."""
    log.error("unhandled %s", type(exc).__name__, exc_info=exc)
    return error_response(500, "An unexpected error occurred; it has been logged.")


# A database that cannot be reached (restarting, failing over, out of connections) is a
# dependency down: a 503 the client retries, not a 500. SQLAlchemy replaces the pool's
# broken connections on its own; the next request gets fresh ones.
DATABASE_UNREACHABLE = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.DisconnectionError,
    sqlalchemy.exc.TimeoutError,
)


def handle_database_unreachable(exc):
    """Answer a database that cannot be reached as 503, logged by type only."""
    log.warning("database unavailable: %s", type(exc).__name__)
    return error_response(
        503,
        "The database cannot be reached; try again shortly.",
        code="database_unavailable",
        headers={"Retry-After": "2"},
    )


def install_error_handlers(app):
    """Make every error of the app, Flask's own included, answer in the shared shape."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ApiError, handle_api_error)
    for error in DATABASE_UNREACHABLE:
        app.register_error_handler(error, handle_database_unreachable)
    app.register_error_handler(Exception, handle_unexpected)
