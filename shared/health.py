"""Liveness (/healthz) and readiness (/readyz: the app's database and Redis answer)."""

import logging

from flask import current_app, jsonify

log = logging.getLogger(__name__)


def readiness_checks(app):
    """The checks that gate an app's readiness: each a callable that raises when not ready."""
    checks = {}
    if "database" in app.extensions:
        checks["database"] = app.extensions["database"].ping
    if "redis" in app.extensions:
        checks["redis"] = app.extensions["redis"].ping
    checks.update(app.extensions.get("readiness_checks", {}))
    return checks


def add_readiness_check(app, name, check):
    """Make /readyz depend on one more part: `check()` raises when it is not ready."""
    app.extensions.setdefault("readiness_checks", {})[name] = check


def add_reported_check(app, name, check):
    """Report one more part in /readyz without letting it gate the app's readiness."""
    app.extensions.setdefault("reported_checks", {})[name] = check


def run_checks(checks):
    """Run checks; return ({name: {"ready": bool, "error"?: str}}, all_ready)."""
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = {"ready": True}
        except Exception as exc:  # any failure means "not ready", with its type for the operator
            log.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = {"ready": False, "error": type(exc).__name__}
    return results, all(result["ready"] for result in results.values())


def install_health(blueprint):
    """Add /healthz and /readyz to the app's operations blueprint."""

    @blueprint.route("/healthz")
    def healthz():
        """Answer while the process is alive."""
        return jsonify(status="alive", component=current_app.config["COMPONENT"])

    @blueprint.route("/readyz")
    def readyz():
        """Answer 200 when every dependency of the app answers, 503 otherwise."""
        results, ready = run_checks(readiness_checks(current_app))
        reported, _ = run_checks(current_app.extensions.get("reported_checks", {}))
        body = {"status": "ready" if ready else "not_ready", "checks": results | reported}
        return jsonify(body), (200 if ready else 503)
