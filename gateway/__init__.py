"""The gateway: the one public entry. Identity, rate limits, forwarding, the API document."""

from pathlib import Path

from werkzeug.middleware.proxy_fix import ProxyFix

from shared.app import create_component_app

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config=None):
    """Build the gateway app."""
    from gateway.accounts.cli import accounts_cli
    from gateway.accounts.guard import install_account_guard
    from gateway.accounts.views import auth_blueprint
    from gateway.console import console_blueprint
    from gateway.field_app import field_app_blueprint
    from gateway.health import health_blueprint
    from gateway.limits import install_rate_limits
    from gateway.openapi import docs_blueprint
    from gateway.proxy import proxy_blueprint

    app, api = create_component_app(
        "gateway", __name__, config=config, migrations_dir=MIGRATIONS, edge=True
    )
    if app.config["TRUSTED_PROXY_HOPS"]:
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    install_account_guard(app)
    install_rate_limits(app)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(proxy_blueprint)
    app.register_blueprint(docs_blueprint)
    app.register_blueprint(field_app_blueprint)
    app.register_blueprint(console_blueprint)
    api.register_blueprint(auth_blueprint)
    app.extensions["openapi_gateway"] = api
    app.cli.add_command(accounts_cli)
    return app
