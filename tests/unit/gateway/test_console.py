"""The gateway serves the built console under /console/: its page for every route of the
app, its assets with their types, the policy and nosniff on each."""

import pytest

from gateway.console import BUILT
from tests.unit.gateway.served import fetch

pytestmark = pytest.mark.skipif(
    not (BUILT / "index.html").is_file(), reason="console not built (make install builds it)"
)


def test_the_page_has_a_policy_with_no_inline_script_or_style_and_nosniff(gw):
    answer = fetch(gw, "/console/")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert "<script>" not in answer.get_data(as_text=True)


def test_a_route_of_the_app_answers_its_page(gw):
    for path in ("/console/dashboard", "/console/admin/accounts", "/console/login"):
        answer = fetch(gw, path)
        assert answer.status_code == 200, path
        assert answer.mimetype == "text/html"
        assert answer.headers["Cache-Control"] == "no-cache"


def test_console_without_slash_moves_to_the_page(gw):
    answer = fetch(gw, "/console")
    assert answer.status_code == 308
    assert answer.headers["Location"].endswith("/console/")


def test_assets_are_kept_a_year_with_their_types(gw):
    script = next((BUILT / "assets").glob("*.js")).name
    asset = fetch(gw, f"/console/assets/{script}")
    assert asset.mimetype == "text/javascript"
    assert "immutable" in asset.headers["Cache-Control"]
    assert asset.headers["X-Content-Type-Options"] == "nosniff"
    style = next((BUILT / "assets").glob("*.css")).name
    assert fetch(gw, f"/console/assets/{style}").mimetype == "text/css"


def test_a_missing_file_is_404_and_no_path_escapes(gw):
    assert fetch(gw, "/console/assets/nothing.js").status_code == 404
    assert fetch(gw, "/console/nothing.js").status_code == 404
    assert fetch(gw, "/console/../gateway/__init__.py").status_code == 404
    assert fetch(gw, "/console/%2e%2e/README.md").status_code == 404
