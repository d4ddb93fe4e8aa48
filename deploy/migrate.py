"""`python -m deploy.migrate [component ...]`: migrate the databases of the named
components (all that have one by default) before their servers start."""

import importlib
import sys

from shared.components import BY_NAME, WITH_DATABASE


def migrate(name):
    """Apply one component's migrations up to head, with its settings from the environment."""
    module, factory = BY_NAME[name].app.split(":")
    app = getattr(importlib.import_module(module), factory)()
    with app.app_context():
        app.extensions["database"].upgrade()


def main(names):
    """Migrate each named component, in the order given."""
    unknown = sorted(set(names) - set(WITH_DATABASE))
    if unknown:
        raise SystemExit(f"no database to migrate: {', '.join(unknown)}")
    for name in names or WITH_DATABASE:
        migrate(name)
        print(f"  {name}: schema at head", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
