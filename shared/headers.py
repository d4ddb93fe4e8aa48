"""Headers every answer carries, so a browser treats it as what it is and nothing more.

Every answer: `X-Content-Type-Options: nosniff` (a JSON answer is never run as a script).
Every HTML page: a Content-Security-Policy that loads only our own files and lets no
other site frame it. A component holding personal data (residents, attendees) answers
with `Cache-Control: no-store`, so no shared or browser cache keeps a copy. A redirect
names our path only, never the Host the client sent.
"""

from urllib.parse import urlsplit

from flask import request

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The API document's pages (flask-smorest's, and the gateway's merged one) start Swagger
# UI with an inline script; they show no data, and still load nothing from elsewhere.
DOCS_POLICY = PAGE_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
DOCS_BLUEPRINTS = ("api-docs", "docs")


def install_security_headers(app, *, personal_data=False):
    """Add the headers above to every answer of the app."""

    @app.after_request
    def secure(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html":
            docs = (request.endpoint or "").split(".", 1)[0] in DOCS_BLUEPRINTS
            # A page that states its own (the field app's, stricter) keeps it.
            response.headers.setdefault(
                "Content-Security-Policy", DOCS_POLICY if docs else PAGE_POLICY
            )
            response.headers["X-Frame-Options"] = "DENY"
        if personal_data:
            response.headers["Cache-Control"] = "no-store"
        location = response.headers.get("Location")
        if location:
            response.headers["Location"] = _our_path(location)
        return response


def _our_path(location):
    """A redirect's target as a path on this server: its scheme and host dropped."""
    parts = urlsplit(location)
    if not parts.netloc:
        return location
    return parts.path + (f"?{parts.query}" if parts.query else "")
