"""Forward /api/v1/<service>/<path> to the service that owns it, and its answer back."""

from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from shared import http_client
from shared.errors import ApiError

proxy_blueprint = Blueprint("proxy", __name__)

# Operational endpoints of a service are for operators on the inside, not the public;
# its API document is published merged, at /api/v1/openapi.json.
INTERNAL_PATHS = {"healthz", "readyz", "metrics", "openapi.json", "static"}
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
FORWARDED_ANSWER_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "ETag",
    "Location",
    "Retry-After",
    "Cache-Control",
    "Allow",
    "Link",
    "WWW-Authenticate",
)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
DOWNLOAD_CHUNK = 64 * 1024


# A public path is plain segments: no dot segments, no empty ones inside, nothing that a
# URL parser downstream could read as the start of a query or fragment, or decode again.
REFUSED_IN_SEGMENTS = ("?", "#", "%", "\\")


def public_path(path):
    """The path's segments if it is a plain public path, else ApiError(404): decided on
    the decoded path (`%2e` is a dot by now), refusing what could name another path."""
    segments = path.split("/")
    inner = segments[:-1] if segments and segments[-1] == "" else segments  # a trailing /
    if (
        any(segment in ("", ".", "..") for segment in inner)
        or any(mark in path for mark in REFUSED_IN_SEGMENTS)
        or (inner and inner[0] in INTERNAL_PATHS)
    ):
        raise ApiError(404, "This path is not part of the public API.")
    return segments


def target_url(service, path):
    """The service URL for a public path, or ApiError(404) for what is not forwarded."""
    base = current_app.config["SERVICE_URLS"].get(service)
    if base is None:
        raise ApiError(404, f"There is no service called {service!r}.")
    if path:
        public_path(path)
    query = request.query_string.decode("latin-1")
    # Sent encoded as it was checked: the service sees exactly the path decided on.
    return f"{base}/{quote(path, safe='/')}" + (f"?{query}" if query else "")


@proxy_blueprint.route("/api/v1/<service>/", defaults={"path": ""}, methods=METHODS)
@proxy_blueprint.route("/api/v1/<service>/<path:path>", methods=METHODS)
def forward(service, path):
    """Forward a caller with a valid token to its service (which verifies it again)."""
    url = target_url(service, path)
    headers = {k: v for k, v in request.headers if k.lower() not in HOP_BY_HOP}
    answer = http_client.call(
        request.method,
        url,
        service=service,
        headers=headers,
        data=request.get_data(),
        allow_redirects=False,
        stream=True,
        # Longer than any call the service makes itself: its own answer (a 503 when the
        # registry hangs) comes back, not our 504.
        timeout=(
            current_app.config["HTTP_CONNECT_TIMEOUT"],
            current_app.config["PROXY_READ_TIMEOUT"],
        ),
    )
    if answer.headers.get("Content-Disposition", "").startswith("attachment"):
        # A download (an xlsx of every record, say) is passed on as it arrives: the
        # gateway never holds a whole file, however long the list.
        relayed = Response(answer.iter_content(DOWNLOAD_CHUNK), status=answer.status_code)
        relayed.call_on_close(answer.close)
    else:
        relayed = Response(http_client.read_body(answer, service), status=answer.status_code)
    for name in FORWARDED_ANSWER_HEADERS:
        if name in answer.headers:
            relayed.headers[name] = answer.headers[name]
    return relayed
