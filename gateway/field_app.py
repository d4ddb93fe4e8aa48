"""The field app (field-app/, built by `make install`) served at /app/: the phone's H5 client."""

from flask import Blueprint, redirect, send_from_directory

from shared.auth import public
from shared.config import REPO_ROOT
from shared.errors import ApiError

BUILT = REPO_ROOT / "field-app" / "dist"
# Scripts, styles and workers only from here, no inline script or style; the API on this origin.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
TYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript; charset=utf-8"}

field_app_blueprint = Blueprint("field-app", __name__)


def _built_file(filename, cache_control):
    if not (BUILT / "index.html").is_file():
        raise ApiError(503, "The field app is not built: run `make install`.", code="not_built")
    suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
    answer = send_from_directory(BUILT, filename, mimetype=TYPES.get(suffix), max_age=0)
    answer.headers["Cache-Control"] = cache_control
    answer.headers["Content-Security-Policy"] = POLICY
    answer.headers["X-Content-Type-Options"] = "nosniff"
    return answer


@field_app_blueprint.route("/app")
@public
def field_app_root():
    """The app lives under /app/ (its service worker's scope)."""
    return redirect("/app/", code=308)


@field_app_blueprint.route("/app/")
@public
def field_app_page():
    """The app's one page; always asked again, so a new build is picked up when online."""
    return _built_file("index.html", "no-cache")


@field_app_blueprint.route("/app/<path:filename>")
@public
def field_app_file(filename):
    """A built file: hashed assets kept a year, the rest (service worker, manifest) revalidated."""
    immutable = filename.startswith("assets/")
    return _built_file(filename, "public, max-age=31536000, immutable" if immutable else "no-cache")
