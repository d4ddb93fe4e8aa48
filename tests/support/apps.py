"""Apps built for the Flask test client, on a database migrated as `make run` does first."""


def migrated(app):
    """The app, its database brought to its schema's head (what `db-upgrade` does)."""
    with app.app_context():
        app.extensions["database"].upgrade()
    return app
