"""What the system is made of: one list of its components, read by the configuration,
the gateway, `make run` (deploy/stack.py) and the tests' process helpers."""

from typing import NamedTuple


class Component(NamedTuple):
    """One process of the system served by gunicorn."""

    name: str
    port: int  # its default port (`<NAME>_PORT` overrides it)
    app: str  # its app factory, `module:function`
    database: bool  # owns a database (`<NAME>_DATABASE_URL`), migrated before it starts
    records: bool  # records data: a change feed the stats worker reads at `/feed`


COMPONENTS = (
    Component("gateway", 8000, "gateway:create_app", database=True, records=False),
    Component("registry", 8001, "services.registry:create_app", database=True, records=True),
    Component("activities", 8002, "services.activities:create_app", database=True, records=True),
    Component(
        "consultations", 8003, "services.consultations:create_app", database=True, records=True
    ),
    # Its database holds the published figures only; the figures themselves are in Redis.
    Component("stats", 8004, "services.stats:create_app", database=True, records=False),
)
BY_NAME = {component.name: component for component in COMPONENTS}
# The components behind the gateway, forwarded to under /api/v1/<name>/.
SERVICES = tuple(component.name for component in COMPONENTS if component.name != "gateway")
RECORDING = tuple(component.name for component in COMPONENTS if component.records)
WITH_DATABASE = tuple(component.name for component in COMPONENTS if component.database)
