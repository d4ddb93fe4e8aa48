"""The console (console/, built by `make install`) served at /console/: the leadership
dashboard and the admin console, one app for leaders and admins."""

from gateway.built_app import built_app_blueprint
from shared.config import REPO_ROOT

BUILT = REPO_ROOT / "console" / "dist"
# Scripts and styles only from here, no inline script or style sheet; the API on this
# origin; downloads (xlsx, docx) are blob: links the page makes of what the API answered.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

console_blueprint = built_app_blueprint(
    "console",
    "console",
    BUILT,
    POLICY,
    "The console is not built: run `make install`.",
    history_routes=True,
)
