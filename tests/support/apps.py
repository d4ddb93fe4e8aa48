"""Apps built for the Flask test client, on a database migrated as `make run` does first."""


def migrated(app):
    """The app, its database brought to its schema's head (what `db-upgrade` does)."""
    with app.app_context():
        app.extensions["database"].upgrade()
    return app


def close_redis(app):
    """Close the app's Redis connections, its rate limiter's too: an app dropped with its
    sockets open warns whenever the garbage collector gets to it, in whichever test."""
    app.extensions["redis"].close()
    for limiter in app.extensions.get("limiter", ()):
        limiter.storage.get_connection().close()
