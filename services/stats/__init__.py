"""Stats service: the read API over the rollups the RQ worker keeps in Redis."""

from pathlib import Path

from shared.app import create_component_app
from shared.health import add_reported_check

QUEUE_NAME = "stats"
MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config=None):
    """Build the stats service app."""
    from services.stats.cli import stats_cli
    from services.stats.heartbeat import check_worker_alive
    from services.stats.lag_metrics import LagCollector
    from services.stats.views import blp

    app, api = create_component_app("stats", __name__, config=config, migrations_dir=MIGRATIONS)
    api.register_blueprint(blp)
    app.cli.add_command(stats_cli)
    app.extensions["metrics_registry"].register(LagCollector(app.extensions["redis"]))
    # Without a worker the figures go stale but can still be read: report it, don't gate.
    add_reported_check(app, "worker", lambda: check_worker_alive(app.extensions["redis"]))
    return app
