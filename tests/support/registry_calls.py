"""Which registry paths a recording service asked, and whether it held its database's
write lock while it asked (it must not: a slow registry would hold up every writer)."""

from shared import db, http_client, registry_client


def watch_registry_calls(app, monkeypatch):
    """Record (path, write lock held) for every registry call of `app` from now on."""
    calls = []
    asked = http_client.get_json
    lock = db.writer_lock(app.extensions["database"].engine)

    def get_json(service, path, **kwargs):
        calls.append((path, lock.locked()))
        return asked(service, path, **kwargs)

    monkeypatch.setattr(http_client, "get_json", get_json)
    registry_client.forget_cache()
    return calls
