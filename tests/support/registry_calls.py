"""Which registry paths a recording service asked, and whether its database was locked
for writing while it asked (it must not be: a slow registry would hold up every writer)."""

import sqlite3

from shared import http_client, registry_client


def write_locked(path):
    """Whether another connection is refused SQLite's write lock right now."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def watch_registry_calls(app, monkeypatch):
    """Record (path, write lock held) for every registry call of `app` from now on."""
    calls = []
    asked = http_client.get_json
    path = app.extensions["database"].engine.url.database

    def get_json(service, path_asked, **kwargs):
        calls.append((path_asked, write_locked(path)))
        return asked(service, path_asked, **kwargs)

    monkeypatch.setattr(http_client, "get_json", get_json)
    registry_client.forget_cache()
    return calls


# What an answer naming its codes asks the registry (in this order), once while the
# registry is unchanged: shared.registry_client.ask_names.
NAME_ASKS = [("/townships", False), ("/villages", False), ("/advisors", False)]
