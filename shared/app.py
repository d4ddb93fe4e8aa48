"""The app-factory helper: every service and the gateway are built on it."""

import io

import marshmallow as ma
from flask import Blueprint, Flask, abort, current_app, request
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from shared import errors
from shared.auth import install_auth, make_endpoints_public, require_role
from shared.config import load_config
from shared.db import Database
from shared.headers import install_security_headers
from shared.health import install_health
from shared.input_schema import LARGEST_STORED_INTEGER
from shared.json_provider import GuardedJSONProvider
from shared.logs import configure_logging
from shared.metrics import install_metrics
from shared.redis_client import connect
from shared.request_ids import install_request_ids
from shared.whoami import whoami_blueprint

PUBLIC_BLUEPRINTS = ("api-docs",)
PUBLIC_OPS = ("ops.healthz", "ops.readyz", "ops.metrics")
# The services' ports are internal; the gateway's is public, and its /metrics is not.
EDGE_PUBLIC_OPS = ("ops.healthz", "ops.readyz")


class ErrorDetail(ma.Schema):
    """What went wrong: the status, a code, a message, the request id, the bad fields."""

    status = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    request_id = ma.fields.String(allow_none=True)
    fields = ma.fields.Dict(metadata={"description": "Each bad field and what is wrong."})
    current = ma.fields.Dict(metadata={"description": "A stale write's record as it is now."})


class ErrorSchema(ma.Schema):
    """The shared error shape, for the OpenAPI document: `{"error": {...}}`."""

    error = ma.fields.Nested(ErrorDetail, required=True)


class StoredIntegerConverter(IntegerConverter):
    """`<int:...>` in a path, up to the largest integer a database stores: a bigger id
    matches no route (404), where it failed in the database driver (500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=LARGEST_STORED_INTEGER):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


class SharedApi(Api):
    """flask-smorest's Api, answering errors in the shared shape."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        errors.install_error_handlers(self._app)


def create_component_app(
    component, import_name, *, config=None, migrations_dir=None, edge=False, personal_data=False
):
    """Build a Flask app with everything every component shares, and its smorest Api.

    Installs: config from the environment, JSON logs, the guarded JSON provider,
    request ids, token verification, the shared error shape, /healthz, /readyz, /metrics,
    Redis, and (given `migrations_dir`) the database with its schema migrated to head. The
    edge (the gateway) passes `edge=True`: it reports the whole system's health its own way
    and has no /whoami. A component holding personal data passes `personal_data=True`:
    its answers are never cached (shared.headers).
    """
    app = Flask(import_name)
    # Before any route is added: an id in a path is one the database can store, or no route.
    app.url_map.converters["int"] = StoredIntegerConverter
    # `a//b` is not `a/b`: a path is decided on as it came, never redirected to another.
    app.url_map.merge_slashes = False
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
    install_security_headers(app, personal_data=personal_data)
    _refuse_oversized_bodies(app)
    install_auth(app, check_accounts=not edge)
    app.extensions["redis"] = connect(app.config["REDIS_URL"])
    if migrations_dir is not None:
        Database(
            app.config["DATABASE_URL"],
            migrations_dir,
            pool_size=app.config["DB_POOL_SIZE"],
            max_overflow=app.config["DB_MAX_OVERFLOW"],
        ).init_app(app)

    ops = Blueprint("ops", __name__)
    if not edge:
        install_health(ops)
    install_metrics(app, ops)

    app.register_blueprint(ops)
    api = SharedApi(app)
    _mark_public_endpoints(app, PUBLIC_OPS if not edge else EDGE_PUBLIC_OPS)
    if edge:
        _metrics_for_operators(app)
    if not edge:
        api.register_blueprint(whoami_blueprint)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    return app, api


def _refuse_oversized_bodies(app):
    """Answer 413 on a body over the limit, even on routes that never read it: a declared
    one before reading it, a chunked one (no length declared) once it has gone past the
    limit, never its prefix as if it were the whole."""

    @app.before_request
    def refuse_oversized():
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None:
            if request.content_length > limit:
                abort(413)
            return
        if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            body = request.environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                abort(413)
            # What was read is the whole body: the views read it from here.
            request.environ["wsgi.input"] = io.BytesIO(body)
            request.environ["CONTENT_LENGTH"] = str(len(body))
            request.environ.pop("wsgi.input_terminated", None)


def _mark_public_endpoints(app, public_ops):
    """Let the operations and API-document endpoints answer without a token."""
    make_endpoints_public(
        app,
        (
            endpoint
            for endpoint in app.view_functions
            if endpoint in public_ops or endpoint.split(".", 1)[0] in PUBLIC_BLUEPRINTS
        ),
    )


def _metrics_for_operators(app):
    """The edge's /metrics is on the public address: only an admin or a service reads it."""
    view = app.view_functions["ops.metrics"]

    def metrics_for_operators(*args, **kwargs):
        require_role("admin", "service")
        return view(*args, **kwargs)

    app.view_functions["ops.metrics"] = metrics_for_operators


def create_recording_service(
    component, import_name, *, config=None, migrations_dir, aggregate=None, personal_data=False
):
    """A component that records data: its own database and a change feed for the rollups.

    `aggregate` (optional, a shared.aggregates.AggregateSpec) lets a rebuild start from
    the current records' figures summed by columns instead of replaying the whole feed.
    """
    from shared.feed import feed_blueprint, serialise_writers

    app, api = create_component_app(
        component,
        import_name,
        config=config,
        migrations_dir=migrations_dir,
        personal_data=personal_data,
    )
    serialise_writers(app.extensions["database"].engine)
    if aggregate is not None:
        app.extensions["feed_aggregate"] = aggregate
    api.register_blueprint(feed_blueprint)
    return app, api
