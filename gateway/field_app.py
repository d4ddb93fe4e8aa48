"""The field app (field-app/, built by `make install`) served at /app/: the phone's H5 client."""

from gateway.built_app import built_app_blueprint
from shared.config import REPO_ROOT

BUILT = REPO_ROOT / "field-app" / "dist"
# Scripts, styles and workers only from here, no inline script or style; the API on this origin.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

field_app_blueprint = built_app_blueprint(
    "field-app", "app", BUILT, POLICY, "The field app is not built: run `make install`."
)
