"""A client built by `make install` (an npm package's dist/), served by the gateway under
its own path: its page revalidated on every load, its hashed assets kept a year, every
answer with the client's Content-Security-Policy and nosniff."""

from flask import Blueprint, redirect, send_from_directory

from shared.auth import public
from shared.errors import ApiError

IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript; charset=utf-8"}


def built_app_blueprint(name, mount, built, policy, missing, history_routes=False):
    """A blueprint serving the build in `built` at /`mount`/ under `policy`; `missing` is
    the 503's message while it is not built. With `history_routes`, a path with no file
    extension is one of the app's own routes (HTML5 history) and answers its page."""
    blueprint = Blueprint(name, __name__)

    def built_file(filename, cache_control):
        if not (built / "index.html").is_file():
            raise ApiError(503, missing, code="not_built")
        suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
        answer = send_from_directory(built, filename, mimetype=TYPES.get(suffix), max_age=0)
        answer.headers["Cache-Control"] = cache_control
        answer.headers["Content-Security-Policy"] = policy
        answer.headers["X-Content-Type-Options"] = "nosniff"
        return answer

    @public
    def root():
        """The app lives under /<mount>/ (its base path)."""
        return redirect(f"/{mount}/", code=308)

    @public
    def page():
        """The app's one page; always asked again, so a new build is picked up."""
        return built_file("index.html", "no-cache")

    @public
    def file(filename):
        """A built file: hashed assets kept a year, the rest revalidated."""
        if filename.startswith("assets/"):
            return built_file(filename, IMMUTABLE)
        if history_routes and "." not in filename.rsplit("/", 1)[-1]:
            return built_file("index.html", "no-cache")
        return built_file(filename, "no-cache")

    blueprint.add_url_rule(f"/{mount}", "root", root)
    blueprint.add_url_rule(f"/{mount}/", "page", page)
    blueprint.add_url_rule(f"/{mount}/<path:filename>", "file", file)
    return blueprint
