"""The gateway's /healthz: every component of the system, ready or not."""

from concurrent.futures import ThreadPoolExecutor

import requests
from flask import Blueprint, current_app, jsonify

from shared.auth import public
from shared.health import run_checks

health_blueprint = Blueprint("health", __name__)
CHECK_TIMEOUT = (1.0, 2.0)


def service_readiness(base_url):
    """Ask one service's /readyz; return (ready, its checks or an error)."""
    try:
        answer = requests.get(f"{base_url}/readyz", timeout=CHECK_TIMEOUT)
        body = answer.json()
        return answer.status_code == 200, body.get("checks", {})
    except (requests.RequestException, ValueError) as exc:
        return False, {"error": type(exc).__name__}


def system_report(service_urls, redis):
    """Readiness of every service, Redis, and the stats worker (from the stats service)."""
    with ThreadPoolExecutor(max_workers=len(service_urls)) as pool:
        futures = {name: pool.submit(service_readiness, url) for name, url in service_urls.items()}
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
