"""The app-factory helper: every service and the gateway are built on it."""

import marshmallow as ma
from flask import Blueprint, Flask, abort, current_app, request
from flask_smorest import Api

from shared import errors
from shared.auth import install_auth, make_endpoints_public
from shared.config import load_config
from shared.db import Database
from shared.health import install_health
from shared.json_provider import GuardedJSONProvider
from shared.logs import configure_logging
from shared.metrics import install_metrics
from shared.redis_client import connect
from shared.request_ids import install_request_ids
from shared.whoami import whoami_blueprint

PUBLIC_BLUEPRINTS = ("api-docs",)
PUBLIC_OPS = ("ops.healthz", "ops.readyz", "ops.metrics")


class ErrorSchema(ma.Schema):
    """The shared error shape, for the OpenAPI document."""

    status = ma.fields.Integer()
    code = ma.fields.String()
    message = ma.fields.String()
    request_id = ma.fields.String(allow_none=True)
    fields = ma.fields.Dict()
    current = ma.fields.Dict(metadata={"description": "A stale write's record as it is now."})


class SharedApi(Api):
    """flask-smorest's Api, answering errors in the shared shape."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        errors.install_error_handlers(self._app)


def create_component_app(component, import_name, *, config=None, migrations_dir=None, edge=False):
    """Build a Flask app with everything every component shares, and its smorest Api.

    Installs: config from the environment, JSON logs, the guarded JSON provider,
    request ids, token verification, the shared error shape, /healthz, /readyz, /metrics,
    Redis, and (given `migrations_dir`) the database with its schema migrated to head. The
    edge (the gateway) passes `edge=True`: it reports the whole system's health its own way
    and has no /whoami.
    """
    app = Flask(import_name)
    app.json = GuardedJSONProvider(app)
    app.config.update(load_config(component, config))
    app.config.update(
        API_TITLE=f"pufa {component}",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        # Every operation needs a bearer token unless it says otherwise (security: []).
        API_SPEC_OPTIONS={"security": [{"bearerAuth": []}]},
    )
    configure_logging(component, app.config["LOG_LEVEL"])
    install_request_ids(app)
    _refuse_oversized_bodies(app)
    install_auth(app)
    app.extensions["redis"] = connect(app.config["REDIS_URL"])
    if migrations_dir is not None:
        Database(app.config["DATABASE_URL"], migrations_dir).init_app(app)

    ops = Blueprint("ops", __name__)
    if not edge:
        install_health(ops)
    install_metrics(app, ops)

    app.register_blueprint(ops)
    api = SharedApi(app)
    _mark_public_endpoints(app)
    if not edge:
        api.register_blueprint(whoami_blueprint)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    return app, api


def _refuse_oversized_bodies(app):
    """Answer 413 on a declared body over the limit, even on routes that never read it."""

    @app.before_request
    def refuse_oversized():
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None and request.content_length > limit:
            abort(413)


def _mark_public_endpoints(app):
    """Let the operations and API-document endpoints answer without a token."""
    make_endpoints_public(
        app,
        (
            endpoint
            for endpoint in app.view_functions
            if endpoint in PUBLIC_OPS or endpoint.split(".", 1)[0] in PUBLIC_BLUEPRINTS
        ),
    )


def create_recording_service(
    component, import_name, *, config=None, migrations_dir, aggregate=None
):
    """A component that records data: its own database and a change feed for the rollups.

    `aggregate` (optional, a shared.aggregates.AggregateSpec) lets a rebuild start from
    the current records' figures summed by columns instead of replaying the whole feed.
    """
    from shared.feed import feed_blueprint, serialise_writers

    app, api = create_component_app(
        component, import_name, config=config, migrations_dir=migrations_dir
    )
    serialise_writers(app.extensions["database"].engine)
    if aggregate is not None:
        app.extensions["feed_aggregate"] = aggregate
    api.register_blueprint(feed_blueprint)
    return app, api
