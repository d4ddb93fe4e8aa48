"""The gateway serves the built field app under /app/ with the right types and policy."""

import pytest

from gateway.field_app import BUILT
from tests.unit.gateway.served import fetch

pytestmark = pytest.mark.skipif(
    not (BUILT / "index.html").is_file(), reason="field app not built (make install builds it)"
)


def test_the_page_is_html_with_a_policy_that_allows_no_inline_script(gw):
    answer = fetch(gw, "/app/")
    assert answer.status_code == 200
    assert answer.mimetype == "text/html"
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert answer.headers["Cache-Control"] == "no-cache"
    assert "<script>" not in answer.get_data(as_text=True)


def test_app_without_slash_moves_to_the_page(gw):
    answer = fetch(gw, "/app")
    assert answer.status_code == 308
    assert answer.headers["Location"].endswith("/app/")


def test_the_manifest_worker_and_assets_have_their_types(gw):
    manifest = fetch(gw, "/app/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.get_json()["start_url"] == "/app/"
    worker = fetch(gw, "/app/sw.js")
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    script = next((BUILT / "assets").glob("*.js")).name
    asset = fetch(gw, f"/app/assets/{script}")
    assert asset.mimetype == "text/javascript"
    assert "immutable" in asset.headers["Cache-Control"]
    assert fetch(gw, "/app/icon-192.png").mimetype == "image/png"


def test_a_missing_file_is_the_json_404_and_no_path_escapes(gw):
    assert fetch(gw, "/app/nothing.js").status_code == 404
    assert fetch(gw, "/app/../gateway/__init__.py").status_code == 404
    assert fetch(gw, "/app/%2e%2e/README.md").status_code == 404
