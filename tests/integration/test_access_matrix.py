"""Who gets what on every public route: one table, each role and each kind of bad token.

The table is the contract. A route reachable through the gateway that is missing from the
table fails `test_the_table_lists_every_public_route`, so a new route cannot ship unjudged.
"""

import re
import time

import pytest
import requests

from gateway import create_app as create_gateway
from gateway.proxy import INTERNAL_PATHS
from services.activities import create_app as create_activities
from services.consultations import create_app as create_consultations
from services.registry import create_app as create_registry
from services.stats import create_app as create_stats
from shared.auth import issue_token
from shared.config import DEMO_TOKEN_SIGNING_KEY

ROLES = ("admin", "leader", "staff", "advisor")
BAD_TOKENS = ("none", "expired", "forged", "disabled")
CALLERS = BAD_TOKENS + ROLES
RECORDING = ("registry", "activities", "consultations")
SERVICES = (*RECORDING, "stats")


def everyone(status):
    """A public route: the same answer whoever calls, whatever token is sent."""
    return dict.fromkeys(CALLERS, status)


def signed_in(**by_role):
    """A protected route: bad tokens get 401; listed roles their status; the others 403."""
    expected = dict.fromkeys(BAD_TOKENS, 401)
    expected.update({role: by_role.get(role, by_role.get("others", 403)) for role in ROLES})
    return expected


# (method, path) -> (JSON body or None, expected status per caller)
TABLE = {
    ("POST", "/api/v1/auth/token"): ({}, everyone(422)),
    ("POST", "/api/v1/auth/logout"): ({}, everyone(422)),
    ("POST", "/api/v1/auth/password"): ({}, signed_in(others=422)),
    ("GET", "/api/v1/me"): (None, signed_in(others=200)),
    ("GET", "/api/v1/accounts"): (None, signed_in(admin=200)),
    ("POST", "/api/v1/accounts"): ({}, signed_in(admin=422)),
    ("GET", "/api/v1/accounts/{account_id}"): (None, signed_in(admin=200)),
    ("POST", "/api/v1/accounts/{account_id}/disable"): (None, signed_in(admin=200)),
    ("POST", "/api/v1/accounts/{account_id}/enable"): (None, signed_in(admin=200)),
    ("POST", "/api/v1/accounts/{account_id}/password"): ({}, signed_in(admin=422)),
    ("GET", "/api/v1/openapi.json"): (None, everyone(200)),
    ("GET", "/api/v1/docs"): (None, everyone(200)),
    ("GET", "/api/v1/docs/static/{filename}"): (None, everyone(200)),
    **{("GET", f"/api/v1/{svc}/whoami"): (None, signed_in(others=200)) for svc in SERVICES},
    **{
        ("GET", f"/api/v1/registry{path}"): (None, signed_in(others=200))
        for path in (
            "/townships",
            "/villages",
            "/villages/{code}/advisor",
            "/villages/{code}/timeline",
            "/advisors",
            "/advisors/{advisor_id}",
            "/advisors/{advisor_id}/villages",
            "/assignments",
            "/coverage",
            "/advisor-load",
        )
    },
    ("POST", "/api/v1/registry/advisors"): ({}, signed_in(admin=422)),
    ("PATCH", "/api/v1/registry/advisors/{advisor_id}"): ({}, signed_in(admin=422)),
    ("POST", "/api/v1/registry/assignments"): ({}, signed_in(admin=422)),
    ("POST", "/api/v1/registry/assignments/{assignment_id}/end"): ({}, signed_in(admin=422)),
    ("POST", "/api/v1/registry/import/{kind}"): (None, signed_in(admin=422)),
    ("GET", "/api/v1/registry/export/{kind}"): (None, signed_in(admin=200, leader=200)),
    ("GET", "/api/v1/registry/templates/{kind}"): (None, signed_in(admin=200)),
    ("GET", "/api/v1/activities/activities"): (None, signed_in(admin=200, leader=200, staff=200)),
    ("POST", "/api/v1/activities/activities"): ({}, signed_in(admin=422, staff=422)),
    ("POST", "/api/v1/activities/activities/batch"): ({}, signed_in(admin=422, staff=422)),
    **{
        ("GET", f"/api/v1/activities/activities/{{activity_id}}{tail}"): (
            None,
            signed_in(admin=404, leader=404, staff=404),  # the id names no activity
        )
        for tail in ("", "/history", "/checkins")
    },
    ("PUT", "/api/v1/activities/activities/{activity_id}"): ({}, signed_in(admin=422, staff=422)),
    ("POST", "/api/v1/activities/activities/{activity_id}/void"): (
        {},
        signed_in(admin=422, staff=422),
    ),
    ("POST", "/api/v1/activities/activities/{activity_id}/checkins"): (
        {},
        signed_in(admin=422, staff=422),
    ),
    ("GET", "/api/v1/activities/vocabularies"): (None, signed_in(others=200)),
    ("GET", "/api/v1/activities/periods"): (None, signed_in(admin=200)),
    **{
        ("POST", f"/api/v1/activities/periods/{path}"): ({}, signed_in(admin=422))
        for path in ("close", "reopen", "exceptions")
    },
    ("GET", "/api/v1/consultations/consultations"): (
        None,
        signed_in(admin=200, leader=200, advisor=200),
    ),
    ("POST", "/api/v1/consultations/consultations"): ({}, signed_in(advisor=422)),
    ("POST", "/api/v1/consultations/consultations/batch"): ({}, signed_in(advisor=422)),
    ("GET", "/api/v1/consultations/consultations/{consultation_id}"): (
        None,
        signed_in(admin=404, leader=404, advisor=404),  # the id names no consultation
    ),
    **{
        (method, f"/api/v1/consultations/consultations/{{consultation_id}}{tail}"): (
            body,
            signed_in(admin=expected, advisor=expected),
        )
        for method, tail, body, expected in (
            ("PUT", "", {}, 422),
            ("POST", "/void", {}, 422),
            ("POST", "/mediation", {}, 422),
            ("GET", "/history", None, 404),
        )
    },
    **{
        ("GET", f"/api/v1/stats/{path}"): (None, signed_in(admin=422, leader=422))
        for path in (
            "summary",
            "figures",
            "trend",
            "ranking",
            "quiet-villages",
            "report",
            "report.docx",
            "publications",
            "publications/latest",
        )  # each needs its parameters
    },
    ("POST", "/api/v1/stats/publications"): ({}, signed_in(admin=422)),
    ("GET", "/api/v1/activities/reach"): (None, signed_in(admin=422, leader=422, staff=422)),
    ("GET", "/api/v1/stats/freshness"): (None, signed_in(admin=200, leader=200)),
    ("POST", "/api/v1/stats/rebuild"): (None, signed_in(admin=202)),
    ("GET", "/api/v1/stats/rebuild/{job_id}"): (None, signed_in(admin=404)),
    **{("GET", f"/api/v1/{svc}/feed"): (None, signed_in(admin=200)) for svc in RECORDING},
    **{
        ("GET", f"/api/v1/{svc}/feed/aggregate"): (None, signed_in(admin=422))  # no grouping
        for svc in RECORDING
    },
}
PATH_VALUES = {
    "filename": "swagger-ui.css",
    "code": "653222100001",
    "advisor_id": 1,
    "assignment_id": 1,
    "kind": "villages",
    "activity_id": "00000000-0000-4000-8000-000000000000",
    "consultation_id": "00000000-0000-4000-8000-000000000000",
    "job_id": "no-such-job",
}


def _template(rule):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _operations(app, prefix=""):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, prefix + _template(rule.rule), rule.endpoint


def public_routes(tmp_path, redis_url):
    """Every (method, path) a client can reach through the gateway, read off the apps."""
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'routes.db'}", "REDIS_URL": redis_url}
    routes = {
        (method, path)
        for method, path, endpoint in _operations(create_gateway(dict(config)))
        if path.startswith("/api/v1/") and not endpoint.startswith("proxy.")
    }
    factories = {
        "registry": create_registry,
        "activities": create_activities,
        "consultations": create_consultations,
        "stats": create_stats,
    }
    for service, factory in factories.items():
        app = factory({**config, "DATABASE_URL": f"sqlite:///{tmp_path / service}.db"})
        for method, path, _endpoint in _operations(app, f"/api/v1/{service}"):
            first = path.removeprefix(f"/api/v1/{service}/").split("/")[0]
            if first not in INTERNAL_PATHS:
                routes.add((method, path))
    return routes


def test_the_table_lists_every_public_route(tmp_path, redis_url):
    reachable = public_routes(tmp_path, redis_url)
    assert sorted(reachable - set(TABLE)) == [], "routes missing from the access table"
    assert sorted(set(TABLE) - reachable) == [], "table rows for routes that do not exist"


def caller_headers(caller, logins):
    """The Authorization header each kind of caller sends."""
    if caller == "none":
        return {}
    if caller == "expired":
        token = issue_token(
            DEMO_TOKEN_SIGNING_KEY,
            subject=logins.ids["admin"],
            role="admin",
            now=time.time() - 3600,
        )
    elif caller == "forged":
        token = issue_token("x" * 40, subject=logins.ids["admin"], role="admin")
    else:
        token = logins.tokens[caller]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def target_account(logins):
    """An account the admin routes may act on."""
    return logins.add("matrix-target", "leader", {}, key="target")["id"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), list(TABLE))
def test_each_caller_gets_exactly_the_expected_answer(
    system, logins, target_account, method, path, caller
):
    body, expected = TABLE[(method, path)]
    url = system["gateway"].url + path.format(account_id=target_account, **PATH_VALUES)
    answer = requests.request(
        method, url, json=body, headers=caller_headers(caller, logins), timeout=10
    )
    assert answer.status_code == expected[caller], answer.text[:300]
    if answer.status_code >= 400:
        assert answer.json()["error"]["request_id"] == answer.headers["X-Request-ID"]


def test_every_documented_operation_states_its_security(system):
    document = requests.get(f"{system['gateway'].url}/api/v1/openapi.json", timeout=10).json()
    assert "x-services-missing" not in document
    assert document["security"] == [{"bearerAuth": []}]
    operations = {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    }
    assert ("GET", "/api/v1/registry/feed") in operations
    assert operations[("POST", "/api/v1/auth/token")]["security"] == []
    for key, operation in operations.items():
        assert key in TABLE, key
        if TABLE[key][1]["none"] != 401:  # public: it must say it needs no token
            assert operation.get("security") == [], key
