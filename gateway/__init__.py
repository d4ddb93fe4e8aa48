"""The gateway: the one public entry. Identity, rate limits, forwarding, the API document."""

import os
from pathlib import Path

from shared.app import create_component_app

MIGRATIONS = Path(__file__).parent / "migrations"


def gateway_settings(environ=os.environ):
    """The gateway's own settings, from the environment."""
    return {
        "ACCESS_TOKEN_TTL": int(environ.get("ACCESS_TOKEN_TTL", "600")),
        "REFRESH_TOKEN_TTL": int(environ.get("REFRESH_TOKEN_TTL", str(30 * 24 * 3600))),
        "RATE_LIMIT_PER_CALLER": environ.get("RATE_LIMIT_PER_CALLER", "600 per minute"),
        "RATE_LIMIT_PER_ADDRESS": environ.get("RATE_LIMIT_PER_ADDRESS", "1200 per minute"),
    }


def create_app(config=None):
    """Build the gateway app."""
    from gateway.accounts.cli import accounts_cli
    from gateway.accounts.guard import install_account_guard
    from gateway.accounts.views import auth_blueprint
    from gateway.field_app import field_app_blueprint
    from gateway.health import health_blueprint
    from gateway.limits import install_rate_limits
    from gateway.openapi import docs_blueprint
    from gateway.proxy import proxy_blueprint

    settings = gateway_settings() | (config or {})
    app, api = create_component_app(
        "gateway", __name__, config=settings, migrations_dir=MIGRATIONS, edge=True
    )
    install_account_guard(app)
    install_rate_limits(app)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(proxy_blueprint)
    app.register_blueprint(docs_blueprint)
    app.register_blueprint(field_app_blueprint)
    api.register_blueprint(auth_blueprint)
    app.extensions["openapi_gateway"] = api
    app.cli.add_command(accounts_cli)
    return app
