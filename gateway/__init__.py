"""The gateway: the one public entry; forwards /api/v1/<service>/... and reports health."""

from shared.app import create_component_app


def create_app(config=None):
    """Build the gateway app."""
    from gateway.health import health_blueprint
    from gateway.proxy import proxy_blueprint

    app, _api = create_component_app("gateway", __name__, config=config, own_health=False)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(proxy_blueprint)
    return app
