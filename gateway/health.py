"""The gateway's /healthz: every component of the system, ready or not."""

from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, current_app, jsonify

from shared import http_client
from shared.auth import public
from shared.errors import ApiError
from shared.health import run_checks

health_blueprint = Blueprint("health", __name__)
CHECK_TIMEOUT = (1.0, 2.0)


def service_readiness(service, base_url):
    """Ask one service's /readyz; return (ready, its checks or an error)."""
    try:
        answer = http_client.call(
            "GET", f"{base_url}/readyz", service=service, timeout=CHECK_TIMEOUT
        )
        return answer.status_code == 200, answer.json().get("checks", {})
    except (ApiError, ValueError) as exc:
        return False, {"error": getattr(exc, "code", type(exc).__name__)}


def system_report(service_urls, redis):
    """Readiness of every service, Redis, and the stats worker (from the stats service)."""
    with ThreadPoolExecutor(max_workers=len(service_urls)) as pool:
        futures = {
            name: pool.submit(service_readiness, name, url) for name, url in service_urls.items()
        }
        answers = {name: future.result() for name, future in futures.items()}
    components = {}
    for name, (ready, checks) in answers.items():
        components[name] = {"ready": ready, "checks": checks}
    redis_results, _ = run_checks({"redis": redis.ping})
    components.update(redis_results)
    stats_checks = answers.get("stats", (False, {}))[1]
    components["worker"] = stats_checks.get("worker", {"ready": False, "error": "unknown"})
    return components


@health_blueprint.route("/healthz")
@public
def healthz():
    """Report every component as ready or not (200: the gateway itself is alive)."""
    components = system_report(current_app.config["SERVICE_URLS"], current_app.extensions["redis"])
    ready = all(component["ready"] for component in components.values())
    body = {"status": "ready" if ready else "degraded", "components": components}
    return jsonify(body)


@health_blueprint.route("/readyz")
@public
def readyz():
    """The gateway itself is ready when its own Redis answers."""
    results, ready = run_checks({"redis": current_app.extensions["redis"].ping})
    return jsonify(status="ready" if ready else "not_ready", checks=results), (
        200 if ready else 503
    )
