"""Forward /api/v1/<service>/<path> to the service that owns it, and its answer back."""

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


def target_url(service, path):
    """The service URL for a public path, or ApiError(404) for what is not forwarded."""
    base = current_app.config["SERVICE_URLS"].get(service)
    if base is None:
        raise ApiError(404, f"There is no service called {service!r}.")
    if path.split("/", 1)[0] in INTERNAL_PATHS:
        raise ApiError(404, "This path is not part of the public API.")
    query = request.query_string.decode("latin-1")
    return f"{base}/{path}" + (f"?{query}" if query else "")


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
    )
    if answer.headers.get("Content-Disposition", "").startswith("attachment"):
        # A download (an xlsx of every record, say) is passed on as it arrives: the
        # gateway never holds a whole file, however long the list.
        relayed = Response(answer.iter_content(DOWNLOAD_CHUNK), status=answer.status_code)
        relayed.call_on_close(answer.close)
    else:
        relayed = Response(answer.content, status=answer.status_code)
    for name in FORWARDED_ANSWER_HEADERS:
        if name in answer.headers:
            relayed.headers[name] = answer.headers[name]
    return relayed
